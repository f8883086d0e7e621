import type { Logger } from 'pino';
import type { EmulatorCounters } from './counters';
import type { CriticalEvents } from './critical-events';
import type { Directory } from './directory';
import type { FaultRegistry } from './faults';
import type { KeyRing } from './keys';
import type { Seed } from './seed/schema';
import type { Sites } from './sites/site';
import type { Store } from './store';
import type { Tenants } from './tenants/registry';

/** Everything the routes share. */
export interface EmulatorContext {
  seed: Seed;
  directory: Directory;
  keys: KeyRing;
  /** Browser sessions and sign-ins in progress. */
  store: Store;
  /** The tenants served, each with its codes and refresh tokens. */
  tenants: Tenants;
  faults: FaultRegistry;
  /** Continuous Access Evaluation: each user's critical events, sign-ins, disabled flag. */
  criticalEvents: CriticalEvents;
  counters: EmulatorCounters;
  /** Public origin without a trailing slash, e.g. `https://localhost:8443`. */
  baseUrl: string;
  /** The names it answers as: its own origin, and Microsoft's hosts in transparent mode. */
  sites: Sites;
  armPageSize: number;
  /** Lifetime of ARM tokens for clients that declared `cp1` (CAE tokens), in seconds. */
  caeTokenLifetimeSeconds: number;
  controlPlane: boolean;
  /** Clock in epoch milliseconds. */
  now: () => number;
  logger?: Logger;
}

/** Entra's v1 issuer of a tenant (ARM and Graph tokens are v1): `https://sts.windows.net/{tid}/`. */
export const stsIssuer = (tenantId: string) => `https://sts.windows.net/${tenantId}/`;
export const v1Issuer = (ctx: EmulatorContext) => stsIssuer(ctx.seed.tenant.id);
