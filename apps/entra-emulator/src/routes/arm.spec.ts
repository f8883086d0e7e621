import type { RunningEmulator } from '../emulator';
import {
  ALICE,
  API,
  BOB,
  call,
  DAVE,
  obo,
  startTestEmulator,
  TENANT,
  userTokenForApi,
  claimsOf,
} from '../../test/helpers';

describe('Azure Resource Manager emulation', () => {
  let emu: RunningEmulator;
  const armToken = async (user: string) =>
    (await obo(emu, await userTokenForApi(emu, user))).body.access_token as string;
  const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
    call(emu, 'GET', path, {
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    });

  beforeAll(async () => {
    emu = await startTestEmulator({ armPageSize: 5 });
  });
  afterAll(() => emu.stop());

  it("lists a user's subscriptions in ARM's shape with rate-limit and correlation headers", async () => {
    const token = await armToken(ALICE);
    const res = await get('/arm/subscriptions?api-version=2022-12-01', token, {
      'x-ms-correlation-request-id': 'corr-123',
    });
    expect(res.status).toBe(200);
    expect(res.body.nextLink).toBeUndefined();
    expect(res.body.value).toHaveLength(3);
    const [first] = res.body.value;
    expect(first).toEqual({
      id: `/subscriptions/${first.subscriptionId}`,
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      subscriptionId: first.subscriptionId,
      tenantId: TENANT,
      displayName: 'Alice Production',
      state: 'Enabled',
      subscriptionPolicies: {
        locationPlacementId: 'Public_2014-09-01',
        quotaId: 'PayAsYouGo_2014-09-01',
        spendingLimit: 'Off',
      },
    });
    expect(res.headers['x-ms-correlation-request-id']).toBe('corr-123');
    expect(Number(res.headers['x-ms-ratelimit-remaining-tenant-reads'])).toBeGreaterThan(0);
    const one = await get(
      `/arm/subscriptions/${first.subscriptionId}?api-version=2022-12-01`,
      token,
    );
    expect(one.body.displayName).toBe('Alice Production');
    const missing = await get(
      '/arm/subscriptions/00000000-0000-0000-0000-000000000000?api-version=2022-12-01',
      token,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('SubscriptionNotFound');
  });

  it('pages with absolute nextLinks (12 subscriptions, page size 5)', async () => {
    const token = await armToken(BOB);
    let next: string | undefined = '/arm/subscriptions?api-version=2022-12-01';
    const pages: number[] = [];
    while (next) {
      const res = await get(next, token);
      expect(res.status).toBe(200);
      pages.push(res.body.value.length);
      next = res.body.nextLink;
      if (next) expect(next.startsWith(`${emu.url}/arm/subscriptions?`)).toBe(true);
    }
    expect(pages).toEqual([5, 5, 2]);
    expect(emu.counters().arm.subscriptions).toBeGreaterThanOrEqual(3);
  });

  it('returns an empty list for a user without subscriptions', async () => {
    const res = await get('/arm/subscriptions?api-version=2022-12-01', await armToken(DAVE));
    expect(res.body).toEqual({ value: [] });
  });

  it('requires and checks the api-version', async () => {
    const token = await armToken(ALICE);
    const missing = await get('/arm/subscriptions', token);
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('MissingApiVersionParameter');
    const bad = await get('/arm/subscriptions?api-version=1999-01-01', token);
    expect(bad.body.error.code).toBe('InvalidApiVersionParameter');
  });

  it('refuses missing, malformed, expired, wrong-audience, wrong-tenant and forged tokens with WWW-Authenticate', async () => {
    const good = claimsOf(await armToken(ALICE));
    const path = '/arm/subscriptions?api-version=2022-12-01';
    const none = await get(path);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('AuthenticationFailed');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer authorization_uri="/);
    const malformed = await call(emu, 'GET', path, { headers: { Authorization: 'Basic abc' } });
    expect(malformed.body.error.code).toBe('AuthenticationFailed');
    const now = Math.floor(Date.now() / 1000);
    const cases: [Record<string, unknown>, string][] = [
      [{ exp: now - 3600, nbf: now - 7200, iat: now - 7200 }, 'ExpiredAuthenticationToken'],
      [{ aud: API.clientId }, 'InvalidAuthenticationTokenAudience'],
      [
        {
          iss: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
          tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        },
        'InvalidAuthenticationTokenTenant',
      ],
      [{ scp: 'other' }, 'InvalidAuthenticationToken'],
    ];
    for (const [override, code] of cases) {
      const res = await get(path, emu.mintToken({ ...good, ...override }));
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe(code);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    }
    const forged = await get(path, emu.mintToken(good, { untrustedKey: true }));
    expect(forged.body.error.code).toBe('InvalidAuthenticationToken');
    expect((await get(path, 'not.a.token')).body.error.code).toBe('InvalidAuthenticationToken');
  });

  it('accepts the management.core.windows.net audience', async () => {
    const res = await obo(emu, await userTokenForApi(emu, ALICE), {
      scope: 'https://management.core.windows.net//user_impersonation',
    });
    const list = await get('/arm/subscriptions?api-version=2022-12-01', res.body.access_token);
    expect(list.status).toBe(200);
  });

  it('answers unknown ARM paths with an ARM-shaped 404', async () => {
    const res = await get('/arm/providers?api-version=2022-12-01', await armToken(ALICE));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NotFound');
  });
});
