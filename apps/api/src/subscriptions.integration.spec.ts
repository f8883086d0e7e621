import { Writable } from 'node:stream';
import type { RunningEmulator } from '@obo/entra-emulator';
import { claimsOf } from '@obo/testing';
import pino from 'pino';
import request from 'supertest';
import {
  apiConfigFor,
  seededSubscriptionIds,
  startApi,
  startTestEmulator,
  userToken,
  type RunningApi,
} from './test/harness';

/** The whole chain against the real emulator: validate → OBO → every ARM page. */
jest.setTimeout(30_000);

describe('GET /api/subscriptions against the emulator', () => {
  let emu: RunningEmulator;
  let api: RunningApi;
  const warnings: string[] = [];

  beforeAll(async () => {
    emu = await startTestEmulator();
    api = await startApi(apiConfigFor(emu, { ARM_TIMEOUT_MS: '800' }), {
      logger: pino(
        { level: 'warn' },
        new Writable({ write: (c, _e, done) => (warnings.push(String(c)), done()) }),
      ),
    });
  });
  afterAll(async () => {
    await api?.stop();
    await emu?.stop();
  });
  beforeEach(() => {
    emu.faults.clear();
    emu.resetCounters();
  });

  const get = (token: string) =>
    request(api.url).get('/api/subscriptions').set('authorization', `Bearer ${token}`);
  const ids = (body: { value: { subscriptionId: string }[] }) =>
    body.value.map((s) => s.subscriptionId).sort();

  it('returns the user’s seeded subscriptions, and the ARM token is for ARM and for that user', async () => {
    const token = await userToken(emu, 'alice');
    const res = await get(token);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(seededSubscriptionIds(emu, 'alice'));
    expect(res.body.value[0]).toMatchObject({
      id: expect.stringMatching(/^\/subscriptions\//),
      state: expect.any(String),
      tenantId: emu.tenantId,
    });

    const armToken = await api.obo.acquire({
      assertion: token,
      tenantId: emu.tenantId,
      scopes: ['https://management.azure.com/.default'],
    });
    expect(armToken.source).toBe('l1');
    expect(claimsOf(armToken.accessToken)).toMatchObject({
      aud: 'https://management.azure.com/',
      oid: claimsOf(token).oid,
      scp: 'user_impersonation',
    });
  });

  it('answers a flood of /readyz probes from its key cache (at most one JWKS fetch)', async () => {
    const probes = await Promise.all(
      Array.from({ length: 100 }, () => request(api.url).get('/readyz')),
    );
    expect(probes.map((r) => r.status)).toEqual(probes.map(() => 200));
    expect(emu.counters().jwks).toBeLessThanOrEqual(1);
  });

  it('follows nextLink through every page', async () => {
    const res = await get(await userToken(emu, 'bob'));
    expect(res.status).toBe(200);
    expect(seededSubscriptionIds(emu, 'bob').length).toBeGreaterThan(5);
    expect(ids(res.body)).toEqual(seededSubscriptionIds(emu, 'bob'));
    expect(emu.counters().arm.subscriptions).toBeGreaterThan(1);
  });

  it('returns an empty list for a user with no subscriptions', async () => {
    const res = await get(await userToken(emu, 'dave'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ value: [] });
  });

  it('answers /api/me with the validated identity and no token', async () => {
    const token = await userToken(emu, 'alice');
    const res = await request(api.url).get('/api/me').set('authorization', `Bearer ${token}`);
    expect(res.body).toMatchObject({
      oid: claimsOf(token).oid,
      tid: emu.tenantId,
      scopes: ['access_as_user'],
      kind: 'delegated',
    });
    expect(JSON.stringify(res.body)).not.toContain(token.split('.')[2]);
  });

  describe('one token per request (RFC 6750 §2)', () => {
    const garbage = 'Bearer not-a-jwt';
    const expect400 = (res: request.Response) => {
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        error: 'invalid_request',
        correlationId: expect.any(String),
      });
      expect(res.headers['www-authenticate']).toMatch(/error="invalid_request"/);
    };

    it.each(['/api/subscriptions', '/api/me'])(
      '%s: two Authorization headers are 400, whichever comes first',
      async (path) => {
        const token = await userToken(emu, 'alice');
        expect(
          (await request(api.url).get(path).set('authorization', `Bearer ${token}`)).status,
        ).toBe(200);
        for (const headers of [
          [`Bearer ${token}`, garbage],
          [garbage, `Bearer ${token}`],
          [`Bearer ${token}`, `Bearer ${token}`],
        ]) {
          expect400(
            await request(api.url)
              .get(path)
              .set('authorization', headers as never),
          );
        }
      },
    );

    it('a token in the header and in ?access_token= is 400; other query parameters are fine', async () => {
      const token = await userToken(emu, 'alice');
      expect400(await get(token).query({ access_token: token }));
      expect400(
        await request(api.url)
          .get(`/api/me?access_token=${token}`)
          .set('authorization', `Bearer ${token}`),
      );
      expect((await get(token).query({ journey: '1' })).status).toBe(200);
    });
  });

  describe('caching', () => {
    it('makes one OBO request for N sequential calls', async () => {
      const token = await userToken(emu, 'alice');
      for (let i = 0; i < 5; i++) expect((await get(token)).status).toBe(200);
      expect(emu.counters().token.on_behalf_of).toBe(1);
    });

    it('makes one OBO request for 50 concurrent first calls', async () => {
      const token = await userToken(emu, 'bob');
      const results = await Promise.all(Array.from({ length: 50 }, () => get(token)));
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(emu.counters().token.on_behalf_of).toBe(1);
    });

    it('keeps users apart: each user gets their own token and their own subscriptions', async () => {
      const [alice, bob] = await Promise.all([userToken(emu, 'alice'), userToken(emu, 'bob')]);
      const [a, b] = await Promise.all([get(alice), get(bob)]);
      expect(ids(a.body)).toEqual(seededSubscriptionIds(emu, 'alice'));
      expect(ids(b.body)).toEqual(seededSubscriptionIds(emu, 'bob'));
      expect(emu.counters().token.on_behalf_of).toBe(2);
    });

    it('counts hits and misses in /metrics', async () => {
      // Its own traffic: a miss (exchange at the token endpoint, ARM answers), then an L1 hit.
      const token = emu.mintToken(claimsOf(await userToken(emu, 'alice')));
      for (let i = 0; i < 2; i++) expect((await get(token)).status).toBe(200);
      expect(emu.counters().token.on_behalf_of).toBe(1);
      const metrics = (await request(api.url).get('/metrics')).text;
      expect(metrics).toMatch(/obo_cache_requests_total\{result="miss"\} [1-9]/);
      expect(metrics).toMatch(/obo_cache_requests_total\{result="hit_l1"\} [1-9]/);
      expect(metrics).toMatch(/token_endpoint_requests_total\{outcome="success"\} [1-9]/);
      expect(metrics).toMatch(/arm_request_duration_seconds_count\{status="200"\} [1-9]/);
      // The L1 holds what was obtained: entries and bytes, read at scrape time.
      const entries = Number(/^obo_cache_entries (\d+)$/m.exec(metrics)?.[1]);
      const bytes = Number(/^obo_cache_bytes (\d+)$/m.exec(metrics)?.[1]);
      expect(entries).toBeGreaterThanOrEqual(1);
      expect(bytes).toBeGreaterThan(entries * 1000); // each entry holds a ~1.5 KB token
    });
  });

  describe('claims challenges', () => {
    it('tells a client without cp1 to sign in again: 403 interaction_required with the claims', async () => {
      const res = await get(await userToken(emu, 'carol'));
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({
        error: 'interaction_required',
        scopes: ['https://management.azure.com/.default'],
        correlationId: expect.any(String),
      });
      expect(JSON.parse(res.body.claims).access_token.capolids).toBeDefined();
    });

    it('sends a cp1 client an RFC 6750 insufficient_claims challenge (401)', async () => {
      const res = await get(await userToken(emu, 'carol', { cp1: true }));
      expect(res.status).toBe(401);
      const header = String(res.headers['www-authenticate']);
      expect(header).toMatch(/^Bearer realm="api", /);
      expect(header).toMatch(/error="insufficient_claims"/);
      const claims = Buffer.from(/claims="([^"]+)"/.exec(header)?.[1] ?? '', 'base64').toString(
        'utf8',
      );
      expect(JSON.parse(claims).access_token.capolids).toBeDefined();
    });
  });

  describe('whose problem a refused exchange is', () => {
    it('answers 403 user_access_denied, not 502, when the token’s user is not in the tenant (AADSTS50034)', async () => {
      const alice = claimsOf(await userToken(emu, 'alice'));
      const stranger = emu.mintToken({ ...alice, oid: '00000000-0000-0000-0000-00000000dead' });
      const res = await get(stranger);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({
        error: 'user_access_denied',
        correlationId: expect.any(String),
      });
      expect(emu.counters().token.on_behalf_of).toBe(1);
      // The operator sees Entra's number (never its text) under the same correlation id.
      const line = warnings
        .map((l) => JSON.parse(l) as { correlationId?: string; cause?: { aadsts?: number[] } })
        .find((l) => l.correlationId === res.body.correlationId);
      expect(line?.cause?.aadsts).toEqual([50034]);
      expect(warnings.join('')).not.toContain('does not exist');
    });

    it('answers an assertion Entra refuses with a challenge in the API’s one realm', async () => {
      emu.faults.add({ endpoint: 'token', grantType: 'on_behalf_of', aadsts: 500133, count: 1 });
      const res = await get(emu.mintToken(claimsOf(await userToken(emu, 'alice'))));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
    });

    it.each([
      [50057, 400, 403, 'user_access_denied'],
      [50053, 400, 403, 'user_access_denied'],
      [500133, 400, 401, 'invalid_token'],
      [65001, 400, 403, 'consent_required'],
      [700024, 401, 502, 'client_misconfigured'],
      [7000222, 401, 502, 'client_misconfigured'],
      [500011, 400, 502, 'client_misconfigured'],
      [90033, 400, 503, 'temporarily_unavailable'],
    ])(
      'AADSTS%i from the token endpoint (HTTP %i) → %i %s',
      async (aadsts, status, expected, error) => {
        emu.faults.add({ endpoint: 'token', grantType: 'on_behalf_of', status, aadsts, count: 1 });
        // A fresh assertion each time, so nothing comes from the API's cache.
        const token = emu.mintToken(claimsOf(await userToken(emu, 'alice')));
        const res = await get(token);
        expect(res.status).toBe(expected);
        expect(res.body.error).toBe(error);
        expect(emu.faults.list()).toEqual([]);
      },
    );
  });

  describe('Azure Resource Manager faults', () => {
    it('waits out a short Retry-After once and succeeds', async () => {
      emu.faults.add({
        endpoint: 'arm',
        armError: { status: 429, code: 'TooManyRequests', retryAfter: 1 },
        count: 1,
      });
      const res = await get(await userToken(emu, 'alice'));
      expect(res.status).toBe(200);
      expect(emu.faults.list()).toEqual([]);
    });

    it('passes a long Retry-After on as 429', async () => {
      emu.faults.add({
        endpoint: 'arm',
        armError: { status: 429, code: 'TooManyRequests', retryAfter: 120 },
      });
      const res = await get(await userToken(emu, 'alice'));
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('120');
      expect(res.body.error).toBe('arm_throttled');
    });

    it('retries a 5xx and succeeds', async () => {
      emu.faults.add({ endpoint: 'arm', status: 503, count: 2 });
      const res = await get(await userToken(emu, 'alice'));
      expect(res.status).toBe(200);
    });

    it('gives up on persistent 5xx with 502', async () => {
      emu.faults.add({ endpoint: 'arm', status: 500 });
      const res = await get(await userToken(emu, 'alice'));
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ error: 'arm_error', correlationId: expect.any(String) });
    });

    it('answers 504 when ARM does not answer in time', async () => {
      emu.faults.add({ endpoint: 'arm', delayMs: 2_000 });
      const res = await get(await userToken(emu, 'alice'));
      expect(res.status).toBe(504);
      expect(res.body.error).toBe('arm_timeout');
    });
  });

  describe('token endpoint faults', () => {
    it('answers 503 with Retry-After when the token endpoint is down and nothing is cached', async () => {
      emu.faults.add({ endpoint: 'token', grantType: 'on_behalf_of', status: 503 });
      const res = await get(await userToken(emu, 'alice'));
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.body.error).toBe('temporarily_unavailable');
    });

    it('keeps serving from cache while the token endpoint is down', async () => {
      const token = await userToken(emu, 'alice');
      expect((await get(token)).status).toBe(200);
      emu.faults.add({ endpoint: 'token', grantType: 'on_behalf_of', status: 503 });
      expect((await get(token)).status).toBe(200);
    });
  });
});
