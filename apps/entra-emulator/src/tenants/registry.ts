import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { EmulatorContext } from '../context';
import type { Seed } from '../seed/schema';
import { siteOf, type Site } from '../sites/site';
import { CustomerTenant } from './customer/tenant';
import type { Realm, Tenant } from './tenant';
import { WorkforceTenant } from './workforce';

/**
 * The tenants one emulator serves: the seed's workforce tenant, and its B2C and External ID
 * tenants when it has them. Finds the one a request's path addresses.
 */
export class Tenants {
  readonly workforce: WorkforceTenant;
  readonly customers: readonly CustomerTenant[];

  constructor(ctx: EmulatorContext, seed: Seed, b2cUsersFile?: string) {
    this.workforce = new WorkforceTenant(ctx);
    this.customers = [
      ...(seed.b2c ? [new CustomerTenant('b2c', seed.b2c, ctx, b2cUsersFile)] : []),
      ...(seed.ciam ? [new CustomerTenant('ciam', seed.ciam, ctx)] : []),
    ];
  }

  get all(): Tenant[] {
    return [this.workforce, ...this.customers];
  }

  /**
   * `/{tenant}/…` at `site`: the External ID tenant by domain or id, else the workforce tenant
   * by any name — each only where its endpoints answer (a host of its own in transparent mode).
   */
  byPath(segment: string, site: Site): Realm | undefined {
    const ciam = this.customer('ciam', segment);
    if (ciam) return site.serves(ciam) ? ciam.realm(site) : undefined;
    return this.workforce.knows(segment) && site.serves(this.workforce)
      ? this.workforce.realm(segment, site)
      : undefined;
  }

  /** `/{tenant}/{policy}/…` at `site`: one of the B2C tenant's user flows (case-insensitive). */
  byUserFlow(segment: string, policy: string, site: Site): Realm | undefined {
    const b2c = this.customer('b2c', segment);
    const kind = b2c?.directory.policyKind(policy);
    return b2c && kind && site.serves(b2c)
      ? b2c.realm(site, b2c.directory.policies[kind])
      : undefined;
  }

  /** Forgets every code and refresh token issued. */
  reset(): void {
    for (const tenant of this.all) tenant.store.reset();
  }

  private customer(kind: 'b2c' | 'ciam', segment: string): CustomerTenant | undefined {
    return this.customers.find((t) => t.kind === kind && t.directory.matches(segment));
  }
}

/** The realm the request addressed (set by {@link addressed}). */
export function realmOf(res: Response): Realm | undefined {
  return (res.locals as { realm?: Realm }).realm;
}

/**
 * Resolves the tenant a route's `:tenant` (and `:policy`) names into `res.locals.realm`, and
 * the tenant answering (`res.locals.tenant`, whose dialect the error renderer uses). A user-flow
 * path that names no B2C user flow is left to the next route (before its body is read); a
 * tenant path that names no tenant goes on with no realm, for the handler to refuse (AADSTS90002).
 */
export function addressed(ctx: EmulatorContext): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const segment = String(req.params.tenant);
    const policy = req.params.policy;
    const site = siteOf(res);
    const realm =
      policy === undefined
        ? ctx.tenants.byPath(segment, site)
        : ctx.tenants.byUserFlow(segment, String(policy), site);
    if (!realm) return next(policy === undefined ? undefined : 'route');
    res.locals.realm = realm;
    res.locals.tenant = realm.tenant;
    return next();
  };
}
