import type { CachedToken, TokenCacheLevel } from './token-cache';

/** The few Redis commands the L2 cache needs; node-redis v5+ clients satisfy it. */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { PX: number }): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

export interface RedisTokenCacheOptions {
  /** Key prefix. Default `obo:token:`. */
  prefix?: string;
  /** Redis calls slower than this are abandoned (the request falls back). Default 250 ms. */
  timeoutMs?: number;
  /** Told about every Redis failure; the cache itself then acts as a miss. */
  onError?: (error: Error, operation: 'get' | 'set' | 'delete') => void;
}

/**
 * L2: Redis shared by replicas, entries expiring with their token. A Redis failure never
 * fails a request: `get` answers "miss" and `set` is dropped, and `onError` is told.
 */
export class RedisTokenCache implements TokenCacheLevel {
  readonly name = 'l2';
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly onError: NonNullable<RedisTokenCacheOptions['onError']>;

  constructor(
    private readonly redis: RedisLike,
    options: RedisTokenCacheOptions = {},
  ) {
    this.prefix = options.prefix ?? 'obo:token:';
    this.timeoutMs = options.timeoutMs ?? 250;
    this.onError = options.onError ?? (() => undefined);
  }

  async get(key: string): Promise<CachedToken | undefined> {
    try {
      const raw = await withTimeout(this.redis.get(this.prefix + key), this.timeoutMs);
      if (!raw) return undefined;
      const parsed = JSON.parse(raw) as CachedToken;
      return typeof parsed.accessToken === 'string' && typeof parsed.expiresOn === 'number'
        ? parsed
        : undefined;
    } catch (error) {
      this.onError(error as Error, 'get');
      return undefined;
    }
  }

  async set(key: string, token: CachedToken, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    try {
      await withTimeout(
        this.redis.set(this.prefix + key, JSON.stringify(token), { PX: Math.ceil(ttlMs) }),
        this.timeoutMs,
      );
    } catch (error) {
      this.onError(error as Error, 'set');
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await withTimeout(this.redis.del(this.prefix + key), this.timeoutMs);
    } catch (error) {
      this.onError(error as Error, 'delete');
    }
  }
}

/** `promise`, or a rejection once `ms` have passed. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
