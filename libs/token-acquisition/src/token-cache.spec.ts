import { entrySize, MemoryTokenCache, type CachedToken } from './token-cache';
import { RedisTokenCache, type RedisLike } from './redis-token-cache';

const token = (n: number, size = 100): CachedToken => ({
  accessToken: 'x'.repeat(size) + n,
  expiresOn: Date.now() + 3_600_000,
  scopes: ['https://management.azure.com/user_impersonation'],
  tenantId: 't',
});

describe('MemoryTokenCache', () => {
  it('is bounded in entries, evicting the least recently used', () => {
    const cache = new MemoryTokenCache({ maxEntries: 3 });
    for (let i = 0; i < 3; i++) cache.set(`k${i}`, token(i), 60_000);
    cache.get('k0');
    cache.set('k3', token(3), 60_000);
    expect(cache.size).toBe(3);
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k0')?.accessToken).toMatch(/0$/);
  });

  it('is bounded in bytes', () => {
    const one = entrySize('k0', token(0, 1000));
    const cache = new MemoryTokenCache({ maxEntries: 1000, maxBytes: one * 5 });
    for (let i = 0; i < 50; i++) cache.set(`k${i}`, token(i, 1000), 60_000);
    expect(cache.size).toBeLessThanOrEqual(5);
    expect(cache.bytes).toBeLessThanOrEqual(one * 5);
  });

  it('drops an entry when its time is up, and never stores an expired one', () => {
    let now = 1_000_000;
    const cache = new MemoryTokenCache({ now: () => now });
    cache.set('short', token(1), 20);
    cache.set('expired', token(2), 0);
    expect(cache.get('expired')).toBeUndefined();
    now += 20;
    expect(cache.get('short')).toBeDefined();
    now += 1;
    expect(cache.get('short')).toBeUndefined();
  });

  it('refuses nonsense bounds at construction', () => {
    expect(() => new MemoryTokenCache({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new MemoryTokenCache({ maxBytes: 10 })).toThrow(RangeError);
  });
});

describe('RedisTokenCache', () => {
  it('treats a failing or hanging Redis as a miss and reports it', async () => {
    const errors: string[] = [];
    const broken: RedisLike = {
      get: () => Promise.reject(new Error('ECONNREFUSED')),
      set: () => new Promise(() => undefined),
      del: () => Promise.reject(new Error('READONLY')),
    };
    const cache = new RedisTokenCache(broken, {
      timeoutMs: 20,
      onError: (e, op) => errors.push(`${op}:${e.message}`),
    });
    await expect(cache.get('k')).resolves.toBeUndefined();
    await expect(cache.set('k', token(1), 1000)).resolves.toBeUndefined();
    await expect(cache.delete('k')).resolves.toBeUndefined();
    expect(errors).toEqual([
      'get:ECONNREFUSED',
      'set:redis did not answer within 20 ms',
      'delete:READONLY',
    ]);
  });

  it('ignores a value that is not a cached token', async () => {
    const junk: RedisLike = {
      get: async () => '{"nope":1}',
      set: async () => 'OK',
      del: async () => 0,
    };
    await expect(new RedisTokenCache(junk).get('k')).resolves.toBeUndefined();
  });
});
