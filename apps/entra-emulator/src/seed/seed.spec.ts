import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_DEFAULTS } from '@obo/config';
import defaultSeed from '../../seed/default.json';
import { loadSeed, SeedError } from './load';

describe('default seed', () => {
  const seed = loadSeed();

  it('uses the EMULATOR_DEFAULTS tenant, apps and secrets', () => {
    expect(seed.tenant.id).toBe(EMULATOR_DEFAULTS.tenantId);
    expect(seed.tenant.domain).toBe(EMULATOR_DEFAULTS.tenantDomain);
    const web = seed.apps.find((a) => a.clientId === EMULATOR_DEFAULTS.web.clientId);
    const api = seed.apps.find((a) => a.clientId === EMULATOR_DEFAULTS.api.clientId);
    expect(web?.secrets).toContain(EMULATOR_DEFAULTS.web.clientSecret);
    expect(api?.secrets).toContain(EMULATOR_DEFAULTS.api.clientSecret);
    expect(web?.redirectUris).toEqual([
      'http://localhost:3000/auth/redirect',
      'http://localhost:3000/getAToken',
    ]);
    expect(web?.postLogoutRedirectUris).toEqual(['http://localhost:3000/']);
    expect(api?.identifierUris).toEqual([`api://${EMULATOR_DEFAULTS.api.clientId}`]);
    expect(api?.scopes).toContain('access_as_user');
    expect(api?.knownClientApplications).toEqual([EMULATOR_DEFAULTS.web.clientId]);
    expect(api?.requestedAccessTokenVersion).toBe(2);
  });

  it('registers ARM as a v1 resource with both audiences', () => {
    const arm = seed.apps.find((a) => a.clientId === '797f4846-ba00-4fd7-ba43-dac1f8f63013');
    expect(arm?.identifierUris).toEqual([
      'https://management.azure.com/',
      'https://management.core.windows.net/',
    ]);
    expect(arm?.scopes).toEqual(['user_impersonation']);
    expect(arm?.requestedAccessTokenVersion).toBe(1);
  });

  it('has the documented users and subscription counts', () => {
    const count = (upn: string) =>
      seed.users.find((u) => u.userPrincipalName === upn)?.subscriptions.length;
    expect(count('alice@obodev.onmicrosoft.com')).toBe(3);
    expect(count('bob@obodev.onmicrosoft.com')).toBe(12);
    expect(count('carol@obodev.onmicrosoft.com')).toBeGreaterThan(0);
    expect(count('dave@obodev.onmicrosoft.com')).toBe(0);
    expect(seed.users.every((u) => u.password === EMULATOR_DEFAULTS.devPassword)).toBe(true);
    expect(seed.users.map((u) => u.userPrincipalName)).toContain(EMULATOR_DEFAULTS.devUser);
    expect(seed.conditionalAccess[0].users).toEqual(['carol@obodev.onmicrosoft.com']);
  });

  it('gives the seeded apps an owner: the application administrator, not the dev user', () => {
    const admin = seed.users.find((u) => u.userPrincipalName === 'admin@obodev.onmicrosoft.com');
    expect(admin?.directoryRoles).toEqual(['Application Administrator']);
    for (const clientId of [EMULATOR_DEFAULTS.web.clientId, EMULATOR_DEFAULTS.api.clientId]) {
      expect(seed.apps.find((a) => a.clientId === clientId)?.owners).toEqual([
        'admin@obodev.onmicrosoft.com',
      ]);
    }
    const dev = seed.users.find((u) => u.userPrincipalName === EMULATOR_DEFAULTS.devUser);
    expect(dev?.directoryRoles).toEqual([]);
  });
});

describe('loadSeed', () => {
  it('names the bad field of an invalid seed object', () => {
    const bad = structuredClone(defaultSeed) as { apps: { clientId: string }[] };
    bad.apps[1].clientId = 'not-a-guid';
    expect(() => loadSeed(bad as never)).toThrow(SeedError);
    expect(() => loadSeed(bad as never)).toThrow(/apps\[1\]\.clientId: expected a GUID/);
  });

  it('reports references to unknown apps and resources', () => {
    const bad = structuredClone(defaultSeed) as {
      grants: { clientId: string; resource: string }[];
    };
    bad.grants[0].resource = 'api://nowhere';
    expect(() => loadSeed(bad as never)).toThrow(
      /grants\[0\]\.resource: unknown resource api:\/\/nowhere/,
    );
  });

  it('reports an owner that is not a seeded user, and an unknown directory role', () => {
    const bad = structuredClone(defaultSeed) as {
      apps: { owners?: string[] }[];
      users: { directoryRoles?: string[] }[];
    };
    bad.apps[0].owners = ['nobody@obodev.onmicrosoft.com'];
    expect(() => loadSeed(bad as never)).toThrow(
      /apps\[0\]\.owners\[0\]: unknown user nobody@obodev\.onmicrosoft\.com/,
    );
    const role = structuredClone(defaultSeed) as { users: { directoryRoles?: string[] }[] };
    role.users[0].directoryRoles = ['Owner of Everything'];
    expect(() => loadSeed(role as never)).toThrow(/users\[0\]\.directoryRoles\[0\]/);
  });

  it('reads a seed file and fails clearly on unreadable or invalid JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(defaultSeed));
    expect(loadSeed(good).tenant.id).toBe(EMULATOR_DEFAULTS.tenantId);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ nope');
    expect(() => loadSeed(broken)).toThrow(/Cannot read seed .*broken\.json/);
    expect(() => loadSeed(join(dir, 'missing.json'))).toThrow(SeedError);
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, JSON.stringify({ tenant: {} }));
    expect(() => loadSeed(empty)).toThrow(/tenant\.id/);
  });
});
