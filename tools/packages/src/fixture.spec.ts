import { existsSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@obo/config';
import type * as FixtureModule from '@obo/entra-emulator/package';
import { packageOutDir } from './packages';

/**
 * The packaged emulator fixture under Jest (the outside test runs it under node:test and
 * Vitest): loaded from the built package, as a consumer would (`nx run @obo/packages:build`).
 */
type Fixture = typeof FixtureModule;
const dir = packageOutDir(findWorkspaceRoot(), '@obo/entra-emulator');
const pkg = (): Fixture => {
  if (!existsSync(join(dir, 'dist', 'index.js'))) {
    throw new Error(`${dir} is not built: npx nx run @obo/packages:build`);
  }
  return require(dir) as Fixture;
};

const API = 'fab00000-0000-4000-8000-000000000002';
const WEB = 'fab00000-0000-4000-8000-000000000001';
const seed = () =>
  pkg()
    .seedBuilder({ tenant: { domain: 'fabrikam.onmicrosoft.com' } })
    .app({ displayName: 'Web', clientId: WEB, secrets: ['web-secret'] })
    .app({
      displayName: 'API',
      clientId: API,
      identifierUris: [`api://${API}`],
      scopes: ['access_as_user'],
      requestedAccessTokenVersion: 2,
    })
    .grant({ clientId: WEB, resource: `api://${API}`, scopes: ['access_as_user'] })
    .user({ userPrincipalName: 'megan@fabrikam.onmicrosoft.com', displayName: 'Megan Bowen' });

/** Resolves with the status of a GET, or rejects with the network error's code. */
function status(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) =>
    request(url, { ca, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', (err: NodeJS.ErrnoException) => reject(err.code))
      .end(),
  );
}

describe('packaged emulator fixture (Jest)', () => {
  let emulator: Awaited<ReturnType<Fixture['startEmulator']>> | undefined;
  afterEach(async () => {
    await emulator?.stop();
    emulator = undefined;
  });

  it('starts with a built seed: URLs, CA, minted and real user tokens, faults, counters', async () => {
    emulator = await pkg().startEmulator({ seed: seed() });
    expect(emulator.authority).toBe(`${emulator.url}/${emulator.tenantId}`);
    expect(emulator.caCert).toContain('BEGIN CERTIFICATE');
    expect(
      await status(`${emulator.authority}/v2.0/.well-known/openid-configuration`, emulator.caCert),
    ).toBe(200);

    const minted = await emulator.mintToken({ aud: API, scp: 'access_as_user' });
    const claims = JSON.parse(Buffer.from(minted.split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({
      aud: API,
      tid: emulator.tenantId,
      iss: `${emulator.authority}/v2.0`,
    });

    const request = {
      username: 'megan@fabrikam.onmicrosoft.com',
      clientId: WEB,
      clientSecret: 'web-secret',
      scopes: [`api://${API}/access_as_user`],
    };
    expect((await emulator.userToken(request)).split('.')).toHaveLength(3);
    await emulator.addFault({ endpoint: 'token', status: 503, count: 1 });
    await expect(emulator.userToken(request)).rejects.toMatchObject({
      code: 'ERR_EMULATOR_REQUEST',
      status: 503,
    });
    expect((await emulator.counters()).token.password).toBe(2);
    await emulator.resetCounters();
    expect((await emulator.counters()).token.total).toBe(0);
  });

  it('a fault with a bad field is a 400 from the control plane', async () => {
    emulator = await pkg().startEmulator();
    await expect(
      emulator.addFault({ endpoint: 'nowhere' } as unknown as Parameters<
        typeof emulator.addFault
      >[0]),
    ).rejects.toMatchObject({ code: 'ERR_EMULATOR_REQUEST', status: 400 });
  });

  it('stop() ends the process and removes its temporary folder', async () => {
    const started = await pkg().startEmulator({ seed: seed() });
    await started.stop();
    await expect(status(`${started.url}/healthz`, started.caCert)).rejects.toBe('ECONNREFUSED');
    expect(existsSync(started.caCertPath)).toBe(false);
  });

  it('a bad seed fails in the caller, naming the field, before any process starts', async () => {
    const bad = seed().user({ userPrincipalName: 'not-an-upn', displayName: 'Bad' });
    await expect(pkg().startEmulator({ seed: bad })).rejects.toMatchObject({
      code: 'ERR_SEED_INVALID',
      issues: [expect.objectContaining({ path: 'users[1].userPrincipalName' })],
    });
  });
});
