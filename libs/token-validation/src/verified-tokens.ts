import { hash } from 'node:crypto';
import type { KeyResolver } from './keys/key-resolver';
import type { SigningKeyEntry } from './keys/key-source';

/** A token whose shape and signature passed: what the claim checks need again. */
export interface VerifiedToken {
  payload: Readonly<Record<string, unknown>>;
  kid: string;
  tenantId: string | undefined;
  resolver: KeyResolver;
  /** The key object that verified it: the memory holds only while the resolver still has it. */
  entry: SigningKeyEntry;
}

/**
 * Tokens whose signature verified, remembered by SHA-256 of the whole token (never the token
 * itself), so a token sent again skips the base64 and JSON decoding and the RSA verification —
 * the costly part of validation — while its claims (lifetime, audience, issuer…) are checked
 * again on every request. An entry counts only while its key is still the resolver's key for
 * its kid: a key that left the key set takes its tokens with it. Bounded in entries (oldest
 * first out); only tokens that passed the signature check get in, so anonymous traffic cannot
 * push anyone's token out.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, VerifiedToken>();
  private hitCount = 0;

  constructor(private readonly maxEntries: number) {}

  /** The key a token is remembered by. */
  digest(token: string): string {
    return hash('sha256', token, 'base64');
  }

  /** The remembered token, when its key is still current; a stale entry is dropped. */
  get(digest: string): VerifiedToken | undefined {
    const known = this.entries.get(digest);
    if (!known) return undefined;
    if (known.resolver.peek(known.kid) !== known.entry) {
      this.entries.delete(digest);
      return undefined;
    }
    this.hitCount++;
    return known;
  }

  remember(digest: string, token: VerifiedToken): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(digest, token);
  }

  forget(digest: string): void {
    this.entries.delete(digest);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Validations answered from memory since the start. */
  get hits(): number {
    return this.hitCount;
  }
}
