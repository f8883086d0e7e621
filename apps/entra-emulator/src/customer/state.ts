import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { PolicyKind } from './tenant';
import type { CustomerGrant, Realm } from './tokens';

/** Browser session cookie of the B2C/CIAM tenants (single sign-on across user flows). */
export const CUSTOMER_SESSION_COOKIE = 'x-ms-cpim-sso';
const TTL_MS = 10 * 60_000;
export const MAX_ENTRIES = 10_000;

export interface Transaction {
  realm: Realm;
  kind: PolicyKind;
  clientId: string;
  redirectUri: string;
  state?: string;
  nonce?: string;
  scopes: string[];
  codeChallenge?: string;
  /** The `prompt` the flow honours (External ID: login, none, select_account, create; B2C: login). */
  prompt?: string;
  /** Set once the password-reset flow knows the account. */
  userId?: string;
  /** Value of the browser's FLOW_COOKIE: the pages work only in the browser that opened them. */
  binding: string;
  createdAt: number;
}

export interface Code extends CustomerGrant {
  redirectUri: string;
  codeChallenge?: string;
  createdAt: number;
}

/** A short-lived map with a size cap (oldest out first). */
export class Expiring<T extends { createdAt: number }> {
  private readonly items = new Map<string, T>();
  constructor(private readonly now: () => number) {}
  add(value: T): string {
    const key = randomBytes(32).toString('base64url');
    if (this.items.size >= MAX_ENTRIES) {
      const oldest = this.items.keys().next().value;
      if (oldest !== undefined) this.items.delete(oldest);
    }
    this.items.set(key, value);
    return key;
  }
  get(key: unknown): T | undefined {
    const item = typeof key === 'string' ? this.items.get(key) : undefined;
    return item && this.now() - item.createdAt < TTL_MS ? item : undefined;
  }
  take(key: unknown): T | undefined {
    const item = this.get(key);
    if (item) this.items.delete(key as string);
    return item;
  }
}

/** Binds sign-in pages to the browser that opened them (no login CSRF). */
export const FLOW_COOKIE = 'x-ms-cpim-trans';

/** What the B2C/CIAM endpoints share: sign-in transactions, codes, refresh tokens, sessions. */
export interface CustomerState {
  transactions: Expiring<Transaction>;
  codes: Expiring<Code>;
  refreshTokens: Map<string, CustomerGrant>;
  sessions: Map<string, { tenantId: string; userId: string; authTime: number }>;
}

export function createCustomerState(now: () => number): CustomerState {
  return {
    transactions: new Expiring<Transaction>(now),
    codes: new Expiring<Code>(now),
    refreshTokens: new Map(),
    sessions: new Map(),
  };
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
