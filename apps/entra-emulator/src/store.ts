import { randomUUID } from 'node:crypto';
import { opaque, setBounded } from './tenants/grant-store';
import type { Realm } from './tenants/tenant';

/** How the user authenticated: `amr` values plus satisfied ACRs. */
export interface AuthStrength {
  amr: string[];
  acrs: string[];
}

/** A browser's session at one tenant: the accounts signed in on that browser. */
export interface Session {
  /** The cookie value. */
  id: string;
  /** The `sid` claim and `session_state` (never the cookie value). */
  sid: string;
  tenantId: string;
  accounts: Map<string, { authTime: number; strength: AuthStrength }>;
}

/** A pending authorize request while the user is on the sign-in pages. */
export interface Transaction {
  id: string;
  /** The tenant (and B2C user flow) the authorize request addressed. */
  realm: Realm;
  /** The authorize request's parameters (the prompt only where the tenant honours it). */
  params: Record<string, string>;
  /** The browser (flow cookie) that started it: page posts from any other browser are refused. */
  browser: string;
  /** The account this sign-in is for, once known. */
  userId?: string;
  /** Steps completed within this sign-in. */
  loginDone?: boolean;
  selected?: boolean;
  mfaDone?: boolean;
  consentDone?: boolean;
  expiresAt: number;
}

const TRANSACTION_TTL_MS = 30 * 60_000;

/** Browser state of every tenant's sign-in pages: sessions and sign-ins in progress, bounded. */
export class Store {
  readonly sessions = new Map<string, Session>();
  readonly transactions = new Map<string, Transaction>();

  constructor(private readonly now: () => number) {}

  createSession(tenantId: string): Session {
    const session: Session = { id: opaque(24), sid: randomUUID(), tenantId, accounts: new Map() };
    setBounded(this.sessions, session.id, session);
    return session;
  }

  /** The session with this cookie value at this tenant. */
  session(id: unknown, tenantId: string): Session | undefined {
    const session = typeof id === 'string' ? this.sessions.get(id) : undefined;
    return session?.tenantId === tenantId ? session : undefined;
  }

  createTransaction(realm: Realm, params: Record<string, string>, browser: string): Transaction {
    const tx: Transaction = {
      id: opaque(18),
      realm,
      params,
      browser,
      expiresAt: this.now() + TRANSACTION_TTL_MS,
    };
    setBounded(this.transactions, tx.id, tx);
    return tx;
  }

  transaction(id: unknown): Transaction | undefined {
    if (typeof id !== 'string') return undefined;
    const tx = this.transactions.get(id);
    return tx && tx.expiresAt > this.now() ? tx : undefined;
  }

  /** Signs the user out of every browser session. */
  signOutEverywhere(userId: string): void {
    for (const session of this.sessions.values()) session.accounts.delete(userId);
  }

  reset(): void {
    this.sessions.clear();
    this.transactions.clear();
  }
}
