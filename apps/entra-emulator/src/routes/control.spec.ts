import type { RunningEmulator } from '../emulator';
import {
  ALICE,
  API,
  call,
  claimsOf,
  DAEMON,
  obo,
  startTestEmulator,
  TENANT,
  tokenPath,
  userTokenForApi,
  WEB,
  PASSWORD,
} from '../../test/helpers';

describe('control plane: keys, faults, counters, minting, revocation, reset', () => {
  let emu: RunningEmulator;
  const cc = () =>
    call(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'client_credentials',
        client_id: DAEMON.clientId,
        client_secret: DAEMON.clientSecret,
        scope: `api://${API.clientId}/.default`,
      },
    });
  const jwks = async () =>
    (await call(emu, 'GET', `/${TENANT}/discovery/v2.0/keys`)).body.keys as { kid: string }[];
  const armList = (token: string) =>
    call(emu, 'GET', '/arm/subscriptions?api-version=2022-12-01', {
      headers: { Authorization: `Bearer ${token}` },
    });

  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.stop());
  beforeEach(() => emu.reset());

  it('rotates keys: the old key stays published for the overlap, then leaves', async () => {
    const user = await userTokenForApi(emu, ALICE);
    const oldArm = (await obo(emu, user)).body.access_token;
    const rotated = (
      await call(emu, 'POST', '/_emulator/keys/rotate', { json: { overlapSeconds: 3600 } })
    ).body;
    expect(rotated.previousKid).not.toBe(rotated.kid);
    expect((await jwks()).map((k) => k.kid)).toEqual([rotated.kid, rotated.previousKid]);
    const fresh = await cc();
    expect(
      JSON.parse(Buffer.from(fresh.body.access_token.split('.')[0], 'base64url').toString()).kid,
    ).toBe(rotated.kid);
    expect((await obo(emu, user)).status).toBe(200);
    expect((await armList(oldArm)).status).toBe(200);

    const userMid = await userTokenForApi(emu, ALICE);
    const armMid = (await obo(emu, userMid)).body.access_token;
    const again = emu.rotateKeys({ overlapSeconds: 0 });
    // The key that was current leaves at once; the original one is still inside its overlap.
    expect((await jwks()).map((k) => k.kid)).toEqual([again.kid, rotated.previousKid]);
    await new Promise((r) => setTimeout(r, 1100)); // the ARM validator's key cache (1 s) refreshes
    expect((await obo(emu, userMid)).body.error_codes).toEqual([50013]);
    expect((await armList(armMid)).body.error.code).toBe('InvalidAuthenticationToken');
    expect((await armList(oldArm)).status).toBe(200);
  });

  it('injects token faults by count and grant type, with Entra-shaped bodies', async () => {
    const add = await call(emu, 'POST', '/_emulator/faults', {
      json: { endpoint: 'token', grantType: 'client_credentials', status: 503, count: 1 },
    });
    expect(add.status).toBe(201);
    const failed = await cc();
    expect(failed.status).toBe(503);
    expect(failed.body.error).toBe('temporarily_unavailable');
    expect(failed.headers['retry-after']).toBe('1');
    expect((await cc()).status).toBe(200);

    emu.faults.add({ endpoint: 'token', grantType: 'on_behalf_of', aadsts: 50076 });
    const user = await userTokenForApi(emu, ALICE);
    const challenged = await obo(emu, user);
    expect(challenged.body).toMatchObject({ error: 'interaction_required', error_codes: [50076] });
    expect(challenged.body.claims).toBeDefined();
    expect((await cc()).status).toBe(200);
    expect((await call(emu, 'DELETE', '/_emulator/faults')).status).toBe(204);
    expect((await obo(emu, user)).status).toBe(200);
  });

  it('delays, fails JWKS and discovery, and throttles ARM with Retry-After', async () => {
    emu.faults.add({ endpoint: 'token', delayMs: 150, count: 1 });
    const started = Date.now();
    expect((await cc()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    emu.faults.add({ endpoint: 'jwks', status: 500, count: 1 });
    expect((await call(emu, 'GET', `/${TENANT}/discovery/v2.0/keys`)).status).toBe(500);
    emu.faults.add({ endpoint: 'discovery', status: 404, count: 1 });
    expect(
      (await call(emu, 'GET', `/${TENANT}/v2.0/.well-known/openid-configuration`)).status,
    ).toBe(404);

    const token = (await obo(emu, await userTokenForApi(emu, ALICE))).body.access_token;
    emu.faults.add({
      endpoint: 'arm',
      armError: { status: 429, code: 'TooManyRequests', retryAfter: 7 },
      count: 1,
    });
    const throttled = await armList(token);
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('TooManyRequests');
    expect(throttled.headers['retry-after']).toBe('7');
    expect((await armList(token)).status).toBe(200);
  });

  it('fails authorize with an error page', async () => {
    emu.faults.add({ endpoint: 'authorize', status: 500, count: 1 });
    const res = await call(
      emu,
      'GET',
      `/${TENANT}/oauth2/v2.0/authorize?client_id=${WEB.clientId}`,
    );
    expect(res.status).toBe(500);
    expect(res.text).toContain('AADSTS90033');
  });

  it('validates fault rules', async () => {
    const res = await call(emu, 'POST', '/_emulator/faults', { json: { endpoint: 'nowhere' } });
    expect(res.status).toBe(400);
    expect(res.body.error_description).toMatch(/^endpoint/);
    expect(
      (await call(emu, 'POST', '/_emulator/faults', { json: { endpoint: 'token', fraction: 2 } }))
        .body.error_description,
    ).toMatch(/^fraction/);
    emu.faults.add({ endpoint: 'token', status: 500, fraction: 0 });
    expect((await cc()).status).toBe(200);
  });

  it('counts requests per endpoint and grant, and resets the counters', async () => {
    await cc();
    await userTokenForApi(emu, ALICE);
    const counters = (await call(emu, 'GET', '/_emulator/counters')).body;
    expect(counters.token).toMatchObject({ client_credentials: 1, password: 1, total: 2 });
    expect((await call(emu, 'POST', '/_emulator/counters/reset')).status).toBe(204);
    expect(emu.counters().token.total).toBe(0);
  });

  it('shows the seed without passwords or secrets', async () => {
    const res = await call(emu, 'GET', '/_emulator/seed');
    expect(res.status).toBe(200);
    expect(res.body.users.map((u: { userPrincipalName: string }) => u.userPrincipalName)).toContain(
      ALICE,
    );
    expect(res.text).not.toContain(PASSWORD);
    expect(res.text).not.toContain(WEB.clientSecret);
    expect(res.text).not.toContain('"password"');
  });

  it('mints tokens with arbitrary claims', async () => {
    const res = await call(emu, 'POST', '/_emulator/tokens', {
      json: { claims: { aud: 'custom', roles: ['x'] }, lifetimeSeconds: 60 },
    });
    const claims = claimsOf(res.body.access_token);
    expect(claims).toMatchObject({
      aud: 'custom',
      roles: ['x'],
      tid: TENANT,
      iss: `${emu.url}/${TENANT}/v2.0`,
    });
    expect(claims.exp - claims.iat).toBe(60);
    expect((await call(emu, 'POST', '/_emulator/tokens', { json: [1, 2] })).status).toBe(400);
  });

  it("revokes a user's refresh tokens (AADSTS50173, as Entra) and sessions", async () => {
    const ropc = await call(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'password',
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        username: ALICE,
        password: PASSWORD,
        scope: 'openid offline_access',
      },
    });
    expect((await call(emu, 'POST', `/_emulator/users/${ALICE}/revoke`)).status).toBe(204);
    const refresh = await call(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'refresh_token',
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        refresh_token: ropc.body.refresh_token,
      },
    });
    expect(refresh.body.error_codes).toEqual([50173]);
    expect((await call(emu, 'POST', '/_emulator/users/nobody/revoke')).status).toBe(404);
    expect((await call(emu, 'POST', '/_emulator/reset')).status).toBe(204);
  });
});

describe('control plane disabled', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ controlPlane: false });
  });
  afterAll(() => emu.stop());

  it('answers 404 on /_emulator', async () => {
    expect((await call(emu, 'GET', '/_emulator/counters')).status).toBe(404);
    expect(
      (await call(emu, 'POST', '/_emulator/faults', { json: { endpoint: 'token', status: 500 } }))
        .status,
    ).toBe(404);
  });
});
