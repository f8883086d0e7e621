import { Writable } from 'node:stream';
import type { RunningEmulator } from '@obo/entra-emulator';
import { OboClient } from '@obo/token-acquisition';
import {
  claimsOf,
  redisAvailable,
  requireRedisInCi,
  startTestRedis,
  waitUntil,
  type TestRedis,
} from '@obo/testing';
import pino from 'pino';
import request from 'supertest';
import {
  apiConfigFor,
  seededSubscriptionIds,
  startApi,
  startReplicas,
  startTestEmulator,
  userToken,
  type Replicas,
  type RunningApi,
} from './test/harness';

/**
 * Continuous Access Evaluation through the API against the emulator: ARM refuses a CAE token
 * after the user's critical event at the next request, the API re-runs OBO with ARM's claims
 * (replacing the cached token in L1 and L2) and retries once, or tells the caller to sign in.
 */
jest.setTimeout(30_000);

const upn = (user: string) => `${user}@obodev.onmicrosoft.com`;
/** Lets the clock move past the millisecond a token was issued in, before an event. */
const aMomentLater = () => new Promise((resolve) => setTimeout(resolve, 2));
const decodeHeaderClaims = (header: string | undefined) =>
  JSON.parse(Buffer.from(/claims="([^"]+)"/.exec(header ?? '')?.[1] ?? '', 'base64').toString());

/** A pino logger whose JSON lines land in `lines`. */
function capturingLogger(lines: Record<string, unknown>[]) {
  return pino(
    { level: 'info' },
    new Writable({
      write: (chunk, _encoding, done) => {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    }),
  );
}

describe('CAE: ARM’s challenge after a critical event', () => {
  let emu: RunningEmulator;
  let api: RunningApi;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    emu = await startTestEmulator();
    api = await startApi(apiConfigFor(emu), { logger: capturingLogger(lines) });
  });
  afterAll(async () => {
    await api?.stop();
    await emu?.stop();
  });
  beforeEach(() => {
    emu.reset();
    lines.length = 0;
  });

  const get = (token: string, path = '/api/subscriptions') =>
    request(api.url)
      .get(path)
      .set('authorization', `Bearer ${token}`)
      .set('x-correlation-id', 'cae-corr-1');
  const metric = async (outcome: string) => {
    const text = (await request(api.url).get('/metrics')).text;
    const line = new RegExp(
      `arm_claims_challenges_total\\{kind="cae",outcome="${outcome}"\\} (\\d+)`,
    ).exec(text);
    return Number(line?.[1] ?? 0);
  };

  it('challenge → OBO with its claims → ARM again: served to a user who signed in again', async () => {
    const assertion = await userToken(emu, 'alice', { cp1: true });
    expect((await get(assertion)).status).toBe(200);
    await aMomentLater();
    emu.revokeUser(upn('alice'));
    await userToken(emu, 'alice'); // alice signs in again (elsewhere): her auth_time is after
    emu.resetCounters();
    const recoveredBefore = await metric('recovered');

    const res = await get(assertion, '/api/subscriptions?journey=1');
    expect(res.status).toBe(200);
    expect(res.body.value.map((s: { subscriptionId: string }) => s.subscriptionId).sort()).toEqual(
      seededSubscriptionIds(emu, 'alice'),
    );
    // The very next ARM call after the revocation was refused: one challenge, one new OBO.
    expect(emu.counters().arm.caeChallenges).toBe(1);
    expect(emu.counters().token.on_behalf_of).toBe(1);
    expect(res.body.journey.challenge).toEqual({
      kind: 'cae',
      outcome: 'recovered',
      nbf: expect.any(Number),
    });
    expect(claimsOf(await armTokenOf(api, assertion, emu)).iat).toBeGreaterThanOrEqual(
      res.body.journey.challenge.nbf,
    );
    expect(await metric('recovered')).toBe(recoveredBefore + 1);
    const logged = lines.filter((l) => l.msg === 'ARM claims challenge');
    expect(logged).toEqual([
      expect.objectContaining({
        correlationId: 'cae-corr-1',
        challenge: 'cae',
        outcome: 'recovered',
        rejectedToken: 'l1',
      }),
    ]);
    expect(JSON.stringify(logged)).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);

    // The replaced token serves the next request: no challenge, no exchange.
    expect((await get(assertion)).status).toBe(200);
    expect(emu.counters().arm.caeChallenges).toBe(1);
    expect(emu.counters().token.on_behalf_of).toBe(1);
  });

  it('refused (the user has not signed in again): 401 insufficient_claims with ARM’s claims to a cp1 caller', async () => {
    const assertion = await userToken(emu, 'bob', { cp1: true });
    expect((await get(assertion)).status).toBe(200);
    await aMomentLater();
    emu.revokeUser(upn('bob'));
    const before = await metric('interaction_required');

    const res = await get(assertion);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('insufficient_claims');
    const header = res.headers['www-authenticate'];
    expect(header).toMatch(/^Bearer realm="api", error="insufficient_claims"/);
    const claims = decodeHeaderClaims(header);
    expect(claims).toEqual({
      access_token: { nbf: { essential: true, value: expect.stringMatching(/^\d+$/) } },
    });
    expect(JSON.parse(res.body.claims)).toEqual(claims);
    expect(emu.counters().arm.caeChallenges).toBe(1);
    expect(await metric('interaction_required')).toBe(before + 1);

    // The revoked token left the cache: the next request makes no ARM call with it.
    const armCalls = emu.counters().arm.total;
    const again = await get(assertion);
    expect(again.status).toBe(403);
    expect(again.body.error).toBe('interaction_required');
    expect(emu.counters().arm.total).toBe(armCalls);
    expect(emu.counters().arm.caeChallenges).toBe(1);
  });

  it('refused: 403 interaction_required with the claims to a caller without cp1', async () => {
    const assertion = await userToken(emu, 'bob');
    expect((await get(assertion)).status).toBe(200);
    await aMomentLater();
    emu.revokeUser(upn('bob'));

    const res = await get(assertion);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.body).toMatchObject({
      error: 'interaction_required',
      scopes: ['https://management.azure.com/.default'],
      correlationId: 'cae-corr-1',
    });
    expect(JSON.parse(res.body.claims).access_token.nbf.essential).toBe(true);
  });

  it('a disabled user: 403 user_access_denied, counted as refused, no loop', async () => {
    const assertion = await userToken(emu, 'dave', { cp1: true });
    expect((await get(assertion)).status).toBe(200);
    await aMomentLater();
    emu.disableUser(upn('dave'));
    emu.resetCounters();
    const before = await metric('refused');

    const res = await get(assertion);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('user_access_denied');
    expect(await metric('refused')).toBe(before + 1);
    expect(emu.counters().arm.caeChallenges).toBe(1);
    expect(emu.counters().token.on_behalf_of).toBe(1);
  });
});

describe('CAE: a new token ARM still refuses', () => {
  let clock = Date.now();
  let emu: RunningEmulator;
  let api: RunningApi;

  beforeAll(async () => {
    emu = await startTestEmulator({ now: () => clock });
    api = await startApi(apiConfigFor(emu));
  });
  afterAll(async () => {
    await api?.stop();
    await emu?.stop();
  });

  it('is not answered again (no loop): the cp1 caller is told to sign in', async () => {
    const assertion = await userToken(emu, 'alice', { cp1: true });
    const get = () =>
      request(api.url).get('/api/subscriptions').set('authorization', `Bearer ${assertion}`);
    expect((await get()).status).toBe(200);
    clock += 10_000;
    emu.revokeUser(upn('alice'));
    await userToken(emu, 'alice');
    // The token endpoint's clock lags ARM's: the token it issues now still predates the event.
    clock -= 5_000;

    const res = await get();
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('insufficient_claims');
    expect(decodeHeaderClaims(res.headers['www-authenticate']).access_token.nbf).toBeDefined();
    expect(emu.counters().arm.caeChallenges).toBe(2);
    expect(emu.counters().token.on_behalf_of).toBe(2);
    const metrics = (await request(api.url).get('/metrics')).text;
    expect(metrics).toMatch(
      /arm_claims_challenges_total\{kind="cae",outcome="challenged_again"\} 1/,
    );
  });
});

describe('CAE with two API instances sharing a real redis-server', () => {
  requireRedisInCi();
  const run = redisAvailable() ? it : it.skip;

  let emu: RunningEmulator;
  let redis: TestRedis;
  let replicas: Replicas | undefined;
  let apis: RunningApi[] = [];

  beforeAll(async () => {
    if (!redisAvailable()) return;
    [emu, redis] = await Promise.all([startTestEmulator(), startTestRedis()]);
    replicas = await startReplicas(apiConfigFor(emu, { REDIS_URL: redis.url }), redis.url);
    apis = replicas.apis;
    // Both instances listen on the invalidation channel before the test starts.
    const [watcher] = replicas.clients;
    await waitUntil(
      async () =>
        (await watcher.pubSubNumSub('obo:token:invalidate'))['obo:token:invalidate'] === 2,
    );
  });
  afterAll(async () => {
    await replicas?.stop();
    await redis?.stop();
    await emu?.stop();
  });
  beforeEach(() => emu?.reset());

  const get = (api: RunningApi, token: string) =>
    request(api.url).get('/api/subscriptions').set('authorization', `Bearer ${token}`);

  run(
    'after one instance answers the challenge, the other makes no ARM call with the revoked token',
    async () => {
      const [a, b] = apis;
      const assertion = await userToken(emu, 'alice', { cp1: true });
      expect((await get(a, assertion)).status).toBe(200);
      expect((await get(b, assertion)).status).toBe(200); // from L2, now in b's L1 too
      expect(emu.counters().token.on_behalf_of).toBe(1);
      await aMomentLater();
      emu.revokeUser(upn('alice'));
      await userToken(emu, 'alice');

      expect((await get(a, assertion)).status).toBe(200);
      expect(emu.counters().arm.caeChallenges).toBe(1);
      expect(emu.counters().token.on_behalf_of).toBe(2);

      expect((await get(b, assertion)).status).toBe(200);
      // b dropped its L1 copy on a's word and took a's new token from Redis: no challenge, no OBO.
      expect(emu.counters().arm.caeChallenges).toBe(1);
      expect(emu.counters().token.on_behalf_of).toBe(2);
      const metrics = (await request(b.url).get('/metrics')).text;
      expect(metrics).toMatch(/obo_cache_requests_total\{result="hit_l2"\} 2/);
    },
  );

  run('after one instance is refused, the other asks Entra instead of ARM', async () => {
    const [a, b] = apis;
    const assertion = await userToken(emu, 'bob', { cp1: true });
    expect((await get(a, assertion)).status).toBe(200);
    expect((await get(b, assertion)).status).toBe(200);
    await aMomentLater();
    emu.revokeUser(upn('bob'));

    expect((await get(a, assertion)).status).toBe(401);
    const armCalls = emu.counters().arm.total;
    const res = await get(b, assertion);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('interaction_required');
    expect(emu.counters().arm.total).toBe(armCalls);
    expect(emu.counters().arm.caeChallenges).toBe(1);
  });
});

describe('a client without cp1: no CAE', () => {
  let clock = Date.now();
  let emu: RunningEmulator;
  let api: RunningApi;

  beforeAll(async () => {
    emu = await startTestEmulator({ now: () => clock });
    const config = apiConfigFor(emu);
    const obo = new OboClient({
      identity: config.identity,
      client: config.client,
      clientCapabilities: [],
      now: () => clock,
    });
    api = await startApi(config, { obo });
  });
  afterAll(async () => {
    await api?.stop();
    await emu?.stop();
  });

  const get = (token: string) =>
    request(api.url).get('/api/subscriptions').set('authorization', `Bearer ${token}`);

  it('keeps its one-hour ARM token working after the revocation, until it expires (frozen clock)', async () => {
    const assertion = await userToken(emu, 'alice', { cp1: true });
    expect((await get(assertion)).status).toBe(200);
    const armToken = await armTokenOf(api, assertion, emu);
    const { xms_cc, exp, iat } = claimsOf(armToken) as {
      xms_cc?: unknown;
      exp: number;
      iat: number;
    };
    expect(xms_cc).toBeUndefined();
    expect(exp - iat).toBe(3600);
    clock += 1000;
    emu.revokeUser(upn('alice'));

    clock += 50 * 60_000; // 50 minutes on: ARM still accepts the revoked user's token
    expect((await get(assertion)).status).toBe(200);
    expect(emu.counters().arm.caeChallenges).toBe(0);
    expect(emu.counters().token.on_behalf_of).toBe(1);

    clock += 10 * 60_000; // past its hour (less the 5-minute refresh margin): a new exchange
    const res = await get(assertion);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('interaction_required');
    expect(emu.counters().token.on_behalf_of).toBe(2);
    expect(emu.counters().arm.caeChallenges).toBe(0);
  });
});

/** The ARM token the API holds for `assertion` (from its cache). */
async function armTokenOf(
  api: RunningApi,
  assertion: string,
  emu: RunningEmulator,
): Promise<string> {
  const token = await api.obo.acquire({
    assertion,
    tenantId: emu.tenantId,
    scopes: ['https://management.azure.com/.default'],
  });
  expect(token.source).toBe('l1');
  return token.accessToken;
}
