import type { RunningEmulator } from '@obo/entra-emulator';
import {
  requireRedisInCi,
  redisAvailable,
  startTestRedis,
  waitUntil,
  type TestRedis,
} from '@obo/testing';
import request from 'supertest';
import type { RedisClient } from '@obo/server';
import {
  apiConfigFor,
  startReplicas,
  startTestEmulator,
  userToken,
  type Replicas,
  type RunningApi,
} from './test/harness';

/** Two API replicas sharing a real redis-server: one OBO between them, and Redis may die. */
jest.setTimeout(30_000);

describe('shared L2 token cache on a real redis-server', () => {
  requireRedisInCi();
  const run = redisAvailable() ? it : it.skip;

  let emu: RunningEmulator;
  let redis: TestRedis;
  let replicas: Replicas | undefined;
  let apis: RunningApi[] = [];
  let clients: RedisClient[] = [];

  beforeAll(async () => {
    if (!redisAvailable()) return;
    [emu, redis] = await Promise.all([startTestEmulator(), startTestRedis()]);
    replicas = await startReplicas(apiConfigFor(emu, { REDIS_URL: redis.url }), redis.url);
    ({ apis, clients } = replicas);
  });
  afterAll(async () => {
    await replicas?.stop();
    await redis?.stop();
    await emu?.stop();
  });

  const get = (api: RunningApi, token: string) =>
    request(api.url).get('/api/subscriptions').set('authorization', `Bearer ${token}`);

  run('reports Redis in /readyz', async () => {
    const res = await request(apis[0].url).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ signingKeys: 'ok', redis: 'ok' });
  });

  run('serves replica #2 from the token replica #1 obtained: one OBO request in all', async () => {
    emu.resetCounters();
    const token = await userToken(emu, 'alice');
    expect((await get(apis[0], token)).status).toBe(200);
    expect((await get(apis[1], token)).status).toBe(200);
    expect(emu.counters().token.on_behalf_of).toBe(1);
    const metrics = (await request(apis[1].url).get('/metrics')).text;
    expect(metrics).toMatch(/obo_cache_requests_total\{result="hit_l2"\} 1/);
  });

  run('keeps answering when Redis dies mid-run, and says it is not ready', async () => {
    const before = await userToken(emu, 'bob');
    expect((await get(apis[0], before)).status).toBe(200);
    await redis.stop();
    await waitUntil(() => !clients[0].isReady);

    expect((await get(apis[0], before)).status).toBe(200); // L1
    const fresh = await userToken(emu, 'dave');
    expect((await get(apis[1], fresh)).status).toBe(200); // Redis down: token endpoint
    expect((await get(apis[1], fresh)).status).toBe(200); // then L1
    const ready = await request(apis[1].url).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.redis).toBe('failing');
  });
});
