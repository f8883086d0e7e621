import type { SigningKeyEntry } from './key-source';

/**
 * The key set last fetched, by kid, with the time it was fetched. A successful fetch replaces
 * the whole set, so keys removed from the JWKS stop being accepted. Keys are usable until
 * `staleKeyMaxAgeMs` after the fetch that brought them.
 */
export class KeyCache {
  private keys = new Map<string, SigningKeyEntry>();
  private fetchedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly staleKeyMaxAgeMs: number) {}

  replace(entries: readonly SigningKeyEntry[], now: number): void {
    const next = new Map<string, SigningKeyEntry>();
    for (const entry of entries) {
      // First occurrence wins, so a duplicated kid cannot swap a key in behind our back.
      if (!next.has(entry.kid)) next.set(entry.kid, entry);
    }
    this.keys = next;
    this.fetchedAt = now;
  }

  /** The key for `kid`, or undefined when unknown or when the whole set is too old to trust. */
  get(kid: string, now: number): SigningKeyEntry | undefined {
    if (!this.isUsable(now)) return undefined;
    return this.keys.get(kid);
  }

  /** True when a key set was fetched and is still within the stale bound. */
  isUsable(now: number): boolean {
    return now - this.fetchedAt <= this.staleKeyMaxAgeMs;
  }

  /** Milliseconds since the last successful fetch (Infinity when never fetched). */
  age(now: number): number {
    return now - this.fetchedAt;
  }

  get size(): number {
    return this.keys.size;
  }
}
