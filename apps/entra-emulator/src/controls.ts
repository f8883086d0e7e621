import { generateKeyPairSync } from 'node:crypto';
import type { EmulatorContext } from './context';
import { emptyCounters, type EmulatorCounters } from './counters';
import type { CriticalEvent, CriticalEventKind } from './critical-events';
import type { FaultSpec } from './faults';
import { signJwt } from './jwt';
import type { Seed, SeedUser } from './seed/schema';
import { uti } from './tokens';

/** Options of {@link EmulatorControls.mintToken}. */
export interface MintOptions {
  /** Lifetime when `exp` is not among the claims. Default 3600 s. */
  lifetimeSeconds?: number;
  /** Sign with a fresh key that is not in the JWKS (for signature tests). Default false. */
  untrustedKey?: boolean;
  /** Header fields to add or override (e.g. `{ alg: 'none' }` is not honoured: RS256 only). */
  header?: Record<string, unknown>;
}

/** What tests and the control plane can do to a running emulator. */
export interface EmulatorControls {
  counters(): EmulatorCounters;
  resetCounters(): void;
  faults: {
    add(spec: FaultSpec): void;
    clear(): void;
    list(): FaultSpec[];
  };
  /**
   * Signs a token with arbitrary claims. Defaults (all overridable): `iss` v2, `tid`, `iat`,
   * `nbf`, `exp`, `ver` 2.0, `uti`.
   */
  mintToken(claims: Record<string, unknown>, opts?: MintOptions): string;
  /** Rotates the signing key; the old one stays published for `overlapSeconds` (default 3600). */
  rotateKeys(opts?: { overlapSeconds?: number }): { kid: string; previousKid: string };
  /**
   * Critical event `sessions_revoked`: ends the user's browser sessions and revokes their
   * refresh tokens (Graph's `revokeSignInSessions`). False for an unknown user.
   */
  revokeUser(userIdOrUpn: string): boolean;
  /** Critical event `user_disabled`: no sign-in, no token (AADSTS50057) until enabled. */
  disableUser(userIdOrUpn: string): boolean;
  /** `user_enabled`: the user may sign in again (revoked grants stay revoked). */
  enableUser(userIdOrUpn: string): boolean;
  /** Critical event `password_changed`: the new password works, the old one no longer does. */
  changePassword(userIdOrUpn: string, password: string): boolean;
  /** The user's access as CAE sees it, or undefined for an unknown user. */
  userAccess(userIdOrUpn: string): UserAccessView | undefined;
  /**
   * Forgets codes, refresh tokens, sessions, consents given at run time, faults, counters and
   * critical events (disabled users are enabled, changed passwords restored).
   */
  reset(): void;
  /** The seed without passwords and secrets. */
  publicSeed(): unknown;
}

/** A user's critical events (`GET /_emulator/users/{user}/events`). */
export interface UserAccessView {
  userId: string;
  disabled: boolean;
  /** ISO time before which the user's grants and CAE tokens are refused, if any. */
  tokensValidFrom?: string;
  lastSignIn?: string;
  events: { event: CriticalEventKind; at: string }[];
}

export function createControls(ctx: EmulatorContext): EmulatorControls {
  let untrusted: ReturnType<typeof generateKeyPairSync> | undefined;
  const seededPasswords = new Map<SeedUser, string>();
  const iso = (ms: number | undefined) =>
    ms === undefined ? undefined : new Date(ms).toISOString();
  /**
   * Records a critical event for a known user; a revoking one also ends the user's browser
   * sessions. Refresh tokens need nothing more: the token endpoint refuses every grant whose
   * sign-in predates the user's latest revoking event (AADSTS50173, as Entra answers).
   */
  const critical = (
    userIdOrUpn: string,
    kind: CriticalEventKind,
    change?: (user: SeedUser) => void,
  ) => {
    const user = ctx.directory.user(userIdOrUpn);
    if (!user) return false;
    change?.(user);
    const event: CriticalEvent = ctx.criticalEvents.record(user.id, kind, ctx.now());
    if (event.kind !== 'user_enabled') ctx.store.signOutEverywhere(user.id);
    return true;
  };
  return {
    counters: () => structuredClone(ctx.counters),
    resetCounters: () => Object.assign(ctx.counters, emptyCounters()),
    faults: {
      add: (spec) => ctx.faults.add(spec),
      clear: () => ctx.faults.clear(),
      list: () => ctx.faults.list(),
    },
    mintToken(claims, opts = {}) {
      const iat = Math.floor(ctx.now() / 1000);
      const payload = {
        iss: ctx.tenants.workforce.issuer(ctx.sites.local.names),
        tid: ctx.seed.tenant.id,
        iat,
        nbf: iat,
        exp: iat + (opts.lifetimeSeconds ?? 3600),
        ver: '2.0',
        uti: uti(),
        ...claims,
      };
      if (opts.untrustedKey) {
        untrusted ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
        return signJwt(payload, untrusted.privateKey, {
          kid: ctx.keys.current.kid,
          ...opts.header,
        });
      }
      const key = ctx.keys.current;
      return signJwt(payload, key.privateKey, { kid: key.kid, x5t: key.kid, ...opts.header });
    },
    rotateKeys(opts = {}) {
      const previousKid = ctx.keys.current.kid;
      const key = ctx.keys.rotate((opts.overlapSeconds ?? 3600) * 1000);
      return { kid: key.kid, previousKid };
    },
    revokeUser: (user) => critical(user, 'sessions_revoked'),
    disableUser: (user) => critical(user, 'user_disabled'),
    enableUser: (user) => critical(user, 'user_enabled'),
    changePassword: (userIdOrUpn, password) =>
      critical(userIdOrUpn, 'password_changed', (user) => {
        if (!seededPasswords.has(user)) seededPasswords.set(user, user.password);
        user.password = password;
      }),
    userAccess(userIdOrUpn) {
      const user = ctx.directory.user(userIdOrUpn);
      if (!user) return undefined;
      const events = ctx.criticalEvents;
      return {
        userId: user.id,
        disabled: events.disabled(user.id),
        tokensValidFrom: iso(events.revokedAt(user.id)),
        lastSignIn: iso(events.lastSignIn(user.id)),
        events: events.events(user.id).map((e) => ({ event: e.kind, at: iso(e.at) as string })),
      };
    },
    reset() {
      for (const [user, password] of seededPasswords) user.password = password;
      seededPasswords.clear();
      ctx.criticalEvents.reset();
      ctx.store.reset();
      ctx.tenants.reset();
      ctx.faults.clear();
      ctx.directory.resetConsents();
      Object.assign(ctx.counters, emptyCounters());
    },
    publicSeed: () => publicSeed(ctx.seed),
  };
}

/** The seed as the control plane shows it: no passwords, no secrets. */
export function publicSeed(seed: Seed): unknown {
  return {
    ...seed,
    apps: seed.apps.map(({ secrets, ...app }) => ({ ...app, secretCount: secrets.length })),
    users: seed.users.map(({ password: _password, ...user }) => user),
    b2c: seed.b2c && redactCustomer(seed.b2c),
    ciam: seed.ciam && redactCustomer(seed.ciam),
  };
}

function redactCustomer<T extends NonNullable<Seed['ciam']>>(tenant: T) {
  return {
    ...tenant,
    apps: tenant.apps.map(({ secrets, ...app }) => ({ ...app, secretCount: secrets.length })),
    users: tenant.users.map(({ password: _password, ...user }) => user),
  };
}
