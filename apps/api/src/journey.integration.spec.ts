import request from 'supertest';
import type { RunningEmulator } from '@obo/entra-emulator';
import {
  apiConfigFor,
  startApi,
  startTestEmulator,
  userToken,
  type RunningApi,
} from './test/harness';

/** Three base64url segments separated by dots: what any JWT looks like. */
const JWT_SHAPED = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

describe('GET /api/subscriptions?journey=1 (development token journey)', () => {
  let emu: RunningEmulator;
  let api: RunningApi;
  let off: RunningApi;

  beforeAll(async () => {
    emu = await startTestEmulator();
    api = await startApi(apiConfigFor(emu));
    off = await startApi(apiConfigFor(emu, { TOKEN_JOURNEY: 'false' }));
  });
  afterAll(async () => {
    await api?.stop();
    await off?.stop();
    await emu?.stop();
  });

  const get = (target: RunningApi, token: string, query = '?journey=1') =>
    request(target.url).get(`/api/subscriptions${query}`).set('authorization', `Bearer ${token}`);

  it('reports the OBO token’s decoded claims, its source and the hops’ timings', async () => {
    const token = await userToken(emu, 'bob');
    const first = await get(api, token);
    expect(first.status).toBe(200);
    expect(first.body.value.length).toBeGreaterThan(5);
    const { journey } = first.body;
    expect(journey.obo).toMatchObject({
      source: 'network',
      ms: expect.any(Number),
      header: { alg: 'RS256', kid: expect.any(String), typ: 'JWT' },
      claims: {
        aud: 'https://management.azure.com/',
        scp: 'user_impersonation',
        tid: emu.tenantId,
      },
    });
    expect(Object.keys(journey.obo.header).sort()).toEqual(['alg', 'kid', 'typ']);
    expect(journey.arm).toEqual({ ms: expect.any(Number), pages: expect.any(Number) });
    expect(journey.arm.pages).toBeGreaterThan(1);
    expect(journey.validateMs).toEqual(expect.any(Number));

    const second = await get(api, token);
    expect(second.body.journey.obo.source).toBe('l1');
  });

  it('never carries a token or a signature', async () => {
    const token = await userToken(emu, 'alice');
    const res = await get(api, token);
    const text = res.text;
    expect(text).not.toMatch(JWT_SHAPED);
    expect(text).not.toContain(token.split('.')[2]);
    const armToken = await api.obo.acquire({
      assertion: token,
      tenantId: emu.tenantId,
      scopes: ['https://management.azure.com/.default'],
    });
    expect(text).not.toContain(armToken.accessToken.split('.')[2]);
    expect(text).not.toContain(armToken.accessToken.split('.')[1]);
  });

  it('is absent without ?journey=1 and when TOKEN_JOURNEY is off', async () => {
    const token = await userToken(emu, 'alice');
    expect((await get(api, token, '')).body.journey).toBeUndefined();
    const res = await get(off, token);
    expect(res.status).toBe(200);
    expect(res.body.journey).toBeUndefined();
  });
});
