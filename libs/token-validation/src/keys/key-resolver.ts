import { TokenValidationError } from '../errors';
import { IntervalGate } from './interval-gate';
import { KeyCache } from './key-cache';
import type { KeySource, SigningKeyEntry } from './key-source';
import { singleFlight, type SingleFlight } from './single-flight';

export interface KeyResolverOptions {
  source: KeySource;
  jwksUri: string;
  now: () => number;
  /** Unknown kids and background refreshes fetch only this long after the last fetch started. */
  refetchIntervalMs: number;
  /** After a failed fetch, nothing but warmUp() fetches for this long. */
  failedFetchBackoffMs: number;
  cacheMaxAgeMs: number;
  staleKeyMaxAgeMs: number;
}

/**
 * Finds the key for a kid, composed in layers: the cache answers known kids synchronously; a
 * miss goes through one single-flight fetch shared by all concurrent callers; the fetch itself
 * is the injected {@link KeySource}. Fetches caused by traffic are rate limited by the age of
 * the last fetch, whatever caused it: an unknown kid, or a known one whose set is older than
 * `cacheMaxAgeMs` (refreshed in the background), fetches only once `refetchIntervalMs` have
 * passed since the last fetch started. So a flood of random kids costs at most one fetch per
 * interval, and a key published meanwhile is picked up by the next fetch — at most
 * `refetchIntervalMs` (plus one fetch) after it appeared, however many tokens the flood sends.
 * During an outage known keys keep working until `staleKeyMaxAgeMs`; a failed fetch backs off
 * for `failedFetchBackoffMs`.
 */
export class KeyResolver {
  private readonly cache: KeyCache;
  /** Stamped when any fetch starts: the minimum age before traffic may cause another. */
  private readonly fetchGate: IntervalGate;
  /** Back-off after a failed fetch, for cold loads, refreshes and unknown kids. */
  private readonly retryGate: IntervalGate;
  private readonly load: SingleFlight<void>;
  private fetches = 0;

  constructor(private readonly options: KeyResolverOptions) {
    this.cache = new KeyCache(options.staleKeyMaxAgeMs);
    this.fetchGate = new IntervalGate(options.refetchIntervalMs, options.now);
    this.retryGate = new IntervalGate(options.failedFetchBackoffMs, options.now);
    this.load = singleFlight(() => this.fetch());
  }

  /** The cached key for `kid`, or undefined. Starts a background refresh when the set is old. */
  peek(kid: string): SigningKeyEntry | undefined {
    const entry = this.cache.get(kid, this.options.now());
    if (entry) this.peekAge();
    return entry;
  }

  /** Starts a background refresh when the cached set is older than `cacheMaxAgeMs`. */
  private peekAge(): void {
    if (this.cache.age(this.options.now()) > this.options.cacheMaxAgeMs) this.refreshInBackground();
  }

  /** The key for `kid`, fetching the JWKS when allowed. Throws TokenValidationError. */
  async resolve(kid: string): Promise<SigningKeyEntry> {
    const cached = this.peek(kid);
    if (cached) return cached;

    if (!this.cache.isUsable(this.options.now())) {
      // Cold, or every key is past the stale bound: a fetch is the only way forward.
      if (!this.load.inFlight() && !this.retryGate.isOpen()) throw unavailable();
      try {
        await this.load();
      } catch (err) {
        throw unavailable(err);
      }
    } else if (this.load.inFlight() || this.mayRefetch()) {
      // A failed refetch leaves the known keys in place; the kid simply stays unknown.
      await this.load().catch(() => undefined);
    }

    const entry = this.cache.get(kid, this.options.now());
    if (!entry) {
      throw new TokenValidationError(
        'ERR_TOKEN_KID_UNKNOWN',
        'The token is signed with an unknown key.',
      );
    }
    return entry;
  }

  /** Fetches once, bypassing the rate limits (readiness probes). True when keys are loaded. */
  async warmUp(): Promise<boolean> {
    try {
      await this.load();
    } catch {
      // Reported through the return value; validate() reports ERR_JWKS_UNAVAILABLE itself.
    }
    return this.cache.isUsable(this.options.now()) && this.cache.size > 0;
  }

  /**
   * Readiness without amplification (probes are unauthenticated): true at once while usable keys
   * are cached (an old set is refreshed in the background, as traffic would); otherwise one
   * fetch, but never sooner than `refetchIntervalMs` after the last one started — so a flood of
   * probes costs at most one fetch per interval, and recovery after an outage is seen within it.
   */
  async ready(): Promise<boolean> {
    if (this.cachedKeys > 0) {
      this.peekAge();
      return true;
    }
    if (this.load.inFlight() || this.fetchGate.isOpen()) await this.load().catch(() => undefined);
    return this.cachedKeys > 0;
  }

  get fetchCount(): number {
    return this.fetches;
  }

  get cachedKeys(): number {
    return this.cache.isUsable(this.options.now()) ? this.cache.size : 0;
  }

  /** Traffic may cause a fetch: the last one started long enough ago and did not just fail. */
  private mayRefetch(): boolean {
    return this.fetchGate.isOpen() && this.retryGate.isOpen();
  }

  private refreshInBackground(): void {
    if (this.load.inFlight() || !this.mayRefetch()) return;
    this.load().catch(() => undefined);
  }

  private async fetch(): Promise<void> {
    this.fetches += 1;
    this.fetchGate.stamp();
    try {
      const keys = await this.options.source.fetchKeys(this.options.jwksUri);
      this.cache.replace(keys, this.options.now());
    } catch (err) {
      this.retryGate.stamp();
      throw err;
    }
  }
}

function unavailable(cause?: unknown): TokenValidationError {
  return new TokenValidationError(
    'ERR_JWKS_UNAVAILABLE',
    'The signing keys could not be fetched; try again later.',
    cause === undefined ? undefined : { cause },
  );
}
