import { createClient } from 'redis';
import {
  redisAvailable,
  requireRedisInCi,
  startTestRedis,
  waitUntil,
  type TestRedis,
} from '@obo/testing';
import { RedisCacheInvalidation } from './cache-invalidation';

/** The invalidation channel between instances on a real redis-server. */
describe('RedisCacheInvalidation', () => {
  requireRedisInCi();
  const run = redisAvailable() ? it : it.skip;
  let redis: TestRedis | undefined;

  beforeAll(async () => {
    if (redisAvailable()) redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const client = () => {
    const c = createClient({ url: redis?.url, disableOfflineQueue: true });
    c.on('error', () => undefined);
    return c;
  };

  run('delivers a key to the other instances, never back to its sender', async () => {
    const [one, two] = [client(), client()];
    await Promise.all([one.connect(), two.connect()]);
    const a = new RedisCacheInvalidation(one);
    const b = new RedisCacheInvalidation(two);
    const seen = { a: [] as string[], b: [] as string[] };
    a.subscribe((key) => seen.a.push(key));
    b.subscribe((key) => seen.b.push(key));
    try {
      await waitUntil(
        async () => (await one.pubSubNumSub('obo:token:invalidate'))['obo:token:invalidate'] === 2,
      );
      await a.publish('partition:1');
      await b.publish('partition:2');
      await waitUntil(async () => seen.a.length + seen.b.length === 2);
      expect(seen).toEqual({ a: ['partition:2'], b: ['partition:1'] });
    } finally {
      a.close();
      b.close();
      one.destroy();
      two.destroy();
    }
  });

  run('never throws when Redis is gone: publishing reports the failure', async () => {
    const one = client();
    await one.connect();
    const errors: string[] = [];
    const a = new RedisCacheInvalidation(one, { onError: (_e, op) => errors.push(op) });
    one.destroy();
    await expect(a.publish('partition:1')).resolves.toBeUndefined();
    expect(errors).toEqual(['publish']);
  });
});
