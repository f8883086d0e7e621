import {
  freePort,
  redisAvailable,
  requireRedisInCi,
  startTestRedis,
  waitUntil,
} from '@obo/testing';
import pino from 'pino';
import { closeRedisClient, createRedisClient, redisBackoff } from './index';

const silent = pino({ level: 'silent' });

describe('redisBackoff', () => {
  it('waits 100 ms, then 200 ms more per attempt, at most 2 s', () => {
    expect([0, 1, 2, 5, 9, 10, 100].map(redisBackoff)).toEqual([
      100, 300, 500, 1100, 1900, 2000, 2000,
    ]);
  });
});

describe('createRedisClient', () => {
  requireRedisInCi();
  const run = redisAvailable() ? it : it.skip;

  run('connects in the background and serves commands', async () => {
    const redis = await startTestRedis();
    const client = createRedisClient(redis.url, silent);
    try {
      await waitUntil(() => client.isReady);
      expect(await client.ping()).toBe('PONG');
    } finally {
      await closeRedisClient(client);
      await redis.stop();
    }
    expect(client.isOpen).toBe(false);
  });

  it('fails commands at once while Redis is unreachable, and closes without waiting for it', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const client = createRedisClient(`redis://:pw-SECRET@127.0.0.1:${await freePort()}`, logger);
    const started = Date.now();
    await expect(client.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
    await closeRedisClient(client);
    expect(client.isOpen).toBe(false);
    await waitUntil(() => warnings.length > 0);
    expect(warnings.join('')).not.toContain('pw-SECRET');
  });

  it('closeRedisClient accepts no client at all', async () => {
    await expect(closeRedisClient(undefined)).resolves.toBeUndefined();
  });
});
