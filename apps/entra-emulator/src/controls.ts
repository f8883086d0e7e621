import { generateKeyPairSync } from 'node:crypto';
import type { EmulatorContext } from './context';
import { emptyCounters, type EmulatorCounters } from './counters';
import type { FaultSpec } from './faults';
import { signJwt } from './jwt';
import type { Seed } from './seed/schema';
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
  /** Ends the user's browser sessions and revokes their refresh tokens. */
  revokeUser(userIdOrUpn: string): boolean;
  /** Forgets codes, refresh tokens, sessions, consents given at run time, faults and counters. */
  reset(): void;
  /** The seed without passwords and secrets. */
  publicSeed(): unknown;
}

export function createControls(ctx: EmulatorContext): EmulatorControls {
  let untrusted: ReturnType<typeof generateKeyPairSync> | undefined;
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
    revokeUser(userIdOrUpn) {
      const user = ctx.directory.user(userIdOrUpn);
      if (!user) return false;
      ctx.store.signOutEverywhere(user.id);
      ctx.tenants.workforce.store.revokeWhere((grant) => grant.userId === user.id);
      return true;
    },
    reset() {
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
