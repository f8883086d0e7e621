import { LRUCache } from 'lru-cache';

/** An access token obtained On-Behalf-Of a user, as cached. Never logged. */
export interface CachedToken {
  accessToken: string;
  /** Expiry, epoch milliseconds. */
  expiresOn: number;
  /** Scopes granted, as the token endpoint returned them. */
  scopes: string[];
  tenantId: string;
}

/** One level of the OBO token cache. Keys are already hashed partitions, never raw tokens. */
export interface TokenCacheLevel {
  readonly name: string;
  get(key: string): Promise<CachedToken | undefined> | CachedToken | undefined;
  /** Stores `token` until `ttlMs` from now. */
  set(key: string, token: CachedToken, ttlMs: number): Promise<void> | void;
  /** Forgets the token of `key` (a resource refused it: it must not be served again). */
  delete(key: string): Promise<void> | void;
  /** Entries held, when the level can tell cheaply (an in-process cache). */
  readonly size?: number;
  /** Approximate bytes held, when the level can tell cheaply. */
  readonly bytes?: number;
}

export interface MemoryTokenCacheOptions {
  /** Most entries kept. Default 10 000. */
  maxEntries?: number;
  /** Most bytes kept (token text counted as UTF-16, plus 200 bytes per entry). Default 64 MiB. */
  maxBytes?: number;
  /** Clock for entry lifetimes, in milliseconds (any origin). Default `performance.now`. */
  now?: () => number;
}

/** L1: an in-process LRU bounded in entries and bytes, each entry living until its token expires. */
export class MemoryTokenCache implements TokenCacheLevel {
  readonly name = 'l1';
  private readonly lru: LRUCache<string, CachedToken>;

  constructor(options: MemoryTokenCacheOptions = {}) {
    const maxEntries = options.maxEntries ?? 10_000;
    const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError('maxEntries must be a positive integer');
    if (!Number.isInteger(maxBytes) || maxBytes < 1024)
      throw new RangeError('maxBytes must be at least 1024');
    this.lru = new LRUCache<string, CachedToken>({
      max: maxEntries,
      maxSize: maxBytes,
      sizeCalculation: (token, key) => entrySize(key, token),
      ttlAutopurge: false,
      allowStale: false,
      ...(options.now ? { perf: { now: options.now } } : {}),
      // Read the clock on every check: no timer-cached "now" that an injected clock would outrun.
      ttlResolution: 0,
    });
  }

  get(key: string): CachedToken | undefined {
    return this.lru.get(key);
  }

  set(key: string, token: CachedToken, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.lru.set(key, token, { ttl: ttlMs });
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  get size(): number {
    return this.lru.size;
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }
}

/** Approximate bytes an entry holds in memory. */
export function entrySize(key: string, token: CachedToken): number {
  return (
    (key.length +
      token.accessToken.length +
      token.tenantId.length +
      token.scopes.join(' ').length) *
      2 +
    200
  );
}
