import { Store, type SessionData } from 'express-session';
import { LRUCache } from 'lru-cache';

export interface LruSessionStoreOptions {
  /** Most sessions kept; the least recently used is evicted first. Default 10 000. */
  maxEntries?: number;
  /** Lifetime of a session without a cookie expiry. Default 3 600 000 ms (1 hour). */
  defaultTtlMs?: number;
}

/**
 * A bounded in-memory session store with expiry: unlike express-session's MemoryStore it
 * cannot grow without limit and drops sessions when their cookie expires. Sessions are kept
 * as JSON so callers never share mutable objects. For one instance only; use Redis to share.
 */
export class LruSessionStore extends Store {
  private readonly cache: LRUCache<string, string>;
  private readonly defaultTtlMs: number;

  constructor(options: LruSessionStoreOptions = {}) {
    super();
    const maxEntries = options.maxEntries ?? 10_000;
    this.defaultTtlMs = options.defaultTtlMs ?? 60 * 60 * 1000;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError('maxEntries must be a positive integer');
    }
    if (!(this.defaultTtlMs > 0)) throw new RangeError('defaultTtlMs must be positive');
    this.cache = new LRUCache<string, string>({ max: maxEntries, ttl: this.defaultTtlMs });
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    const json = this.cache.get(sid);
    callback(null, json === undefined ? null : (JSON.parse(json) as SessionData));
  }

  override set(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    const ttl = this.ttlOf(session);
    if (ttl <= 0) this.cache.delete(sid);
    else this.cache.set(sid, JSON.stringify(session), { ttl });
    callback?.();
  }

  override touch(sid: string, session: SessionData, callback?: () => void): void {
    const json = this.cache.get(sid);
    if (json !== undefined) {
      // Keep the stored data, refresh the cookie (and so the expiry) only.
      const stored = JSON.parse(json) as SessionData;
      stored.cookie = session.cookie;
      this.cache.set(sid, JSON.stringify(stored), { ttl: this.ttlOf(session) });
    }
    callback?.();
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.cache.delete(sid);
    callback?.();
  }

  override length(callback: (err: unknown, length?: number) => void): void {
    callback(null, this.cache.size);
  }

  override clear(callback?: (err?: unknown) => void): void {
    this.cache.clear();
    callback?.();
  }

  private ttlOf(session: SessionData): number {
    const expires = session.cookie?.expires;
    if (!expires) return this.defaultTtlMs;
    return new Date(expires).getTime() - Date.now();
  }
}
