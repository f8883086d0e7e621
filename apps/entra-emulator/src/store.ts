import { randomBytes, randomUUID } from 'node:crypto';

/** How the user authenticated: `amr` values plus satisfied ACRs. */
export interface AuthStrength {
  amr: string[];
  acrs: string[];
}

/** What an authorization code stands for (single use, 10 minutes). */
export interface AuthCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  scope: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  strength: AuthStrength;
  capabilities: string[];
  sid: string;
  authTime: number;
  expiresAt: number;
  redeemed: boolean;
}

/** A refresh token; rotated on every use, reuse of a redeemed one revokes its family. */
export interface RefreshRecord {
  familyId: string;
  clientId: string;
  userId: string;
  strength: AuthStrength;
  capabilities: string[];
  sid?: string;
  authTime: number;
  expiresAt: number;
  redeemed: boolean;
}

/** The emulator's browser session: accounts signed in on this browser. */
export interface Session {
  /** The cookie value. */
  id: string;
  /** The `sid` claim and `session_state` (never the cookie value). */
  sid: string;
  accounts: Map<string, { authTime: number; strength: AuthStrength }>;
}

/** A pending authorize request while the user is on the login/consent pages. */
export interface Transaction {
  id: string;
  tenant: string;
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

const CODE_TTL_MS = 10 * 60_000;
const REFRESH_TTL_MS = 90 * 86_400_000;
const TRANSACTION_TTL_MS = 30 * 60_000;
/** Upper bound on each map so a busy or hostile client cannot grow memory without limit. */
const MAX_ENTRIES = 50_000;

export const token = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** In-memory protocol state: codes, refresh tokens, sessions, pending sign-ins. */
export class Store {
  readonly codes = new Map<string, AuthCode>();
  readonly refreshTokens = new Map<string, RefreshRecord>();
  readonly revokedFamilies = new Set<string>();
  readonly sessions = new Map<string, Session>();
  readonly transactions = new Map<string, Transaction>();

  constructor(private readonly now: () => number) {}

  createCode(data: Omit<AuthCode, 'expiresAt' | 'redeemed'>): string {
    const code = `1.${token(48)}`;
    bounded(this.codes).set(code, {
      ...data,
      expiresAt: this.now() + CODE_TTL_MS,
      redeemed: false,
    });
    return code;
  }

  createRefreshToken(
    data: Omit<RefreshRecord, 'expiresAt' | 'redeemed' | 'familyId'>,
    familyId?: string,
  ): string {
    const rt = `1.${token(64)}`;
    bounded(this.refreshTokens).set(rt, {
      ...data,
      familyId: familyId ?? randomUUID(),
      expiresAt: this.now() + REFRESH_TTL_MS,
      redeemed: false,
    });
    return rt;
  }

  createSession(): Session {
    const session: Session = { id: token(24), sid: randomUUID(), accounts: new Map() };
    bounded(this.sessions).set(session.id, session);
    return session;
  }

  createTransaction(tenant: string, params: Record<string, string>, browser: string): Transaction {
    const tx: Transaction = {
      id: token(18),
      tenant,
      params,
      browser,
      expiresAt: this.now() + TRANSACTION_TTL_MS,
    };
    bounded(this.transactions).set(tx.id, tx);
    return tx;
  }

  transaction(id: unknown): Transaction | undefined {
    if (typeof id !== 'string') return undefined;
    const tx = this.transactions.get(id);
    return tx && tx.expiresAt > this.now() ? tx : undefined;
  }

  /** Signs the user out of every browser session and revokes all their refresh tokens. */
  revokeUser(userId: string): void {
    for (const session of this.sessions.values()) session.accounts.delete(userId);
    for (const record of this.refreshTokens.values()) {
      if (record.userId === userId) this.revokedFamilies.add(record.familyId);
    }
  }

  reset(): void {
    this.codes.clear();
    this.refreshTokens.clear();
    this.revokedFamilies.clear();
    this.sessions.clear();
    this.transactions.clear();
  }
}

function bounded<K, V>(map: Map<K, V>): Map<K, V> {
  if (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  return map;
}
