import { timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { WebError } from '../errors';
import { SealedBox } from './sealed-box';
import type { AuthFlow } from './session-data';

/** A sign-in in flight: what the redirect must match, kept until the code comes back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Local path to return to after sign-in. */
  returnTo: string;
  /** Claims requested on the authorize URL (step-up); also sent on the code redemption. */
  claims?: string;
  /** Which user flow / authority the sign-in went to (B2C: sign-in, edit profile, reset). */
  flow: AuthFlow;
  /** Why the sign-in started: `challenge` arms the step-up loop guard. */
  reason: 'user' | 'challenge';
  /** Epoch ms. Pending sign-ins expire after PENDING_TTL_MS. */
  createdAt: number;
}

/** The cookie holding a browser's pending sign-ins, sealed (AES-256-GCM). */
export const PENDING_COOKIE = 'obo.web.signin';
/** Pending sign-ins older than this are dropped (10 minutes). */
export const PENDING_TTL_MS = 10 * 60 * 1000;
/** At most this many sign-ins in flight per browser (several tabs may sign in at once). */
export const MAX_PENDING = 5;
/** Longest cookie value written: browsers drop a cookie over 4096 bytes with its attributes. */
export const MAX_COOKIE_VALUE = 3800;

/** Clocks of instances sharing the cookie may differ by this much (ms). */
const CLOCK_SKEW_MS = 60_000;
const SEAL_PURPOSE = 'obo-web pending sign-ins v1';
/** res.locals key: the list this response has written (a later read in it must see that). */
const WRITTEN = 'pendingSignIns';

export interface PendingSignInsOptions {
  /** The session secret; the cookie's key is derived from it (HKDF), so instances share it. */
  secret: string;
  /** Clock (epoch ms). Default Date.now. */
  now?: () => number;
  /** Pending sign-ins remembered as used (on this instance, for their lifetime). Default 20 000. */
  maxUsed?: number;
}

/**
 * A browser's pending sign-ins, kept in a sealed, HttpOnly, SameSite=Lax cookie instead of a
 * server session, so starting a sign-in costs the server nothing and anonymous traffic cannot
 * evict anyone's session. Each pending sign-in is taken at most once: `take` removes it from
 * the cookie, and this instance remembers its state as used until it would have expired anyway.
 */
export class PendingSignIns {
  private readonly box: SealedBox;
  private readonly now: () => number;
  private readonly used: LRUCache<string, true>;

  constructor(options: PendingSignInsOptions) {
    this.box = new SealedBox(options.secret, SEAL_PURPOSE);
    this.now = options.now ?? Date.now;
    const maxUsed = options.maxUsed ?? 20_000;
    if (!Number.isInteger(maxUsed) || maxUsed < 1) {
      throw new RangeError('maxUsed must be a positive integer');
    }
    this.used = new LRUCache({ max: maxUsed, ttl: PENDING_TTL_MS });
  }

  /** Adds `pending` to the browser's cookie, keeping the newest MAX_PENDING live ones. */
  add(req: Request, res: Response, pending: PendingSignIn): void {
    this.write(req, res, [pending, ...this.read(req, res)].slice(0, MAX_PENDING));
  }

  /**
   * Removes and returns the pending sign-in for `state` (compared in constant time). Undefined
   * when there is none, it expired, or this instance has already handed it out once.
   */
  take(req: Request, res: Response, state: string | undefined): PendingSignIn | undefined {
    const all = this.read(req, res);
    const found = state === undefined ? undefined : all.find((p) => safeEqual(p.state, state));
    if (found || req.cookies?.[PENDING_COOKIE] !== undefined) {
      this.write(
        req,
        res,
        all.filter((p) => p !== found),
      );
    }
    if (!found || this.used.has(found.state)) return undefined;
    this.used.set(found.state, true);
    return found;
  }

  /** The live pending sign-ins, newest first: as written earlier in this response, else the cookie's. */
  private read(req: Request, res: Response): PendingSignIn[] {
    const written = res.locals[WRITTEN] as PendingSignIn[] | undefined;
    if (written) return written;
    const sealed: unknown = req.cookies?.[PENDING_COOKIE];
    const json = typeof sealed === 'string' ? this.box.open(sealed) : undefined;
    if (json === undefined) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      return [];
    }
    const list = (parsed as { v?: unknown; p?: unknown }).p;
    if ((parsed as { v?: unknown }).v !== 1 || !Array.isArray(list)) return [];
    const now = this.now();
    return (list as PendingSignIn[])
      .filter((p) => typeof p?.state === 'string' && this.isLive(p, now))
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, MAX_PENDING);
  }

  private isLive(p: PendingSignIn, now: number): boolean {
    return (
      typeof p.createdAt === 'number' &&
      p.createdAt <= now + CLOCK_SKEW_MS &&
      now - p.createdAt < PENDING_TTL_MS
    );
  }

  /** Sets the cookie to `list` (newest first), dropping the oldest until it fits; clears it when empty. */
  private write(req: Request, res: Response, list: PendingSignIn[]): void {
    const options: CookieOptions = {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
    };
    removeSetCookie(res, PENDING_COOKIE);
    let kept = list;
    let value = '';
    while (kept.length > 0) {
      value = this.box.seal(JSON.stringify({ v: 1, p: kept }));
      if (value.length <= MAX_COOKIE_VALUE) break;
      kept = kept.slice(0, -1);
    }
    if (list.length > 0 && kept.length === 0) {
      throw new WebError(
        502,
        'sign_in_request_too_large',
        'The sign-in request (its claims challenge) is too large to start.',
        { expose: true },
      );
    }
    res.locals[WRITTEN] = kept;
    if (kept.length === 0) {
      res.clearCookie(PENDING_COOKIE, options);
      return;
    }
    res.cookie(PENDING_COOKIE, value, {
      ...options,
      // Whole seconds, rounded up: the cookie outlives its newest entry by less than a second.
      maxAge:
        Math.max(1, Math.ceil((kept[0].createdAt + PENDING_TTL_MS - this.now()) / 1000)) * 1000,
    });
  }
}

/** Drops a Set-Cookie for `name` this response already carries (the newest value replaces it). */
function removeSetCookie(res: Response, name: string): void {
  const current = res.getHeader('set-cookie');
  if (current === undefined) return;
  const list = ([] as string[]).concat(current as string | string[]);
  const others = list.filter((c) => !c.startsWith(`${name}=`));
  if (others.length === list.length) return;
  if (others.length === 0) res.removeHeader('set-cookie');
  else res.setHeader('set-cookie', others);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
