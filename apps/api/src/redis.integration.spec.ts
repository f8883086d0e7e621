import type { RunningEmulator } from '@obo/entra-emulator';
import { requireRedisInCi, redisAvailable, startTestRedis, type TestRedis } from '@obo/testing';
import pino from 'pino';
import request from 'supertest';
import { createRedisClient, type RedisClient } from '@obo/server';
import {
  apiConfigFor,
  startApi,
  startTestEmulator,
  userToken,
  type RunningApi,
} from './test/harness';

/** Two API replicas sharing a real redis-server: one OBO between them, and Redis may die. */
jest.setTimeout(30_000);

describe('shared L2 token cache on a real redis-server', () => {
  requireRedisInCi();
  const run = redisAvailable() ? it : it.skip;

  let emu: RunningEmulator;
  let redis: TestRedis;
  const clients: RedisClient[] = [];
  const apis: RunningApi[] = [];

  beforeAll(async () => {
    if (!redisAvailable()) return;
    [emu, redis] = await Promise.all([startTestEmulator(), startTestRedis()]);
    const config = apiConfigFor(emu, { REDIS_URL: redis.url });
    for (let i = 0; i < 2; i++) {
      const client = createRedisClient(redis.url, pino({ level: 'silent' }));
      clients.push(client);
      apis.push(await startApi(config, { redis: client }));
    }
    await Promise.all(clients.map((c) => waitFor(() => c.isReady)));
  });
  afterAll(async () => {
    await Promise.all(apis.map((a) => a.stop()));
    for (const client of clients) if (client.isOpen) client.destroy();
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
    await waitFor(() => !clients[0].isReady);

    expect((await get(apis[0], before)).status).toBe(200); // L1
    const fresh = await userToken(emu, 'dave');
    expect((await get(apis[1], fresh)).status).toBe(200); // Redis down: token endpoint
    expect((await get(apis[1], fresh)).status).toBe(200); // then L1
    const ready = await request(apis[1].url).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.redis).toBe('failing');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
