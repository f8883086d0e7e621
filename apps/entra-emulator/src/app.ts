import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { requestLog } from '@obo/server';
import type { EmulatorContext } from './context';
import { createControls, type EmulatorControls } from './controls';
import { emptyCounters } from './counters';
import { CriticalEvents } from './critical-events';
import { Directory } from './directory';
import { aad } from './errors/entra';
import { errorHandler } from './errors/render';
import { PlainError } from './errors/wire';
import { FaultRegistry } from './faults';
import { identityHeaders } from './http';
import { KeyRing } from './keys';
import { armRoutes } from './routes/arm';
import { authorizeRoutes } from './routes/authorize';
import { controlRoutes } from './routes/control';
import { discoveryRoutes } from './routes/discovery';
import { graphRoutes } from './routes/graph';
import { logoutRoutes } from './routes/logout';
import { tokenRoutes } from './routes/token';
import { loadSeed } from './seed/load';
import type { SeedInput } from './seed/schema';
import { Store } from './store';
import { Tenants } from './tenants/registry';
import { CAE_TOKEN_LIFETIME_S } from './tokens';

/** Options of {@link createEmulatorApp}. */
export interface EmulatorAppOptions {
  /** Seed object or JSON file path. Default: the built-in `seed/default.json`. */
  seed?: SeedInput | string;
  /** Origin written into metadata and tokens. Default `https://localhost:8443`. */
  publicUrl?: string;
  /** Serve `/_emulator/*`. Default true. */
  controlPlane?: boolean;
  /** Subscriptions per ARM page. Default 5. */
  armPageSize?: number;
  /**
   * Lifetime of CAE tokens (ARM tokens for clients that declared `cp1`), in seconds, 300 to
   * 100 800 (28 hours). Default 86 400 (24 hours; Entra issues them for 20 to 28 hours).
   */
  caeTokenLifetimeSeconds?: number;
  /** Request logger; one line per request, no query strings, bodies or headers. Default none. */
  logger?: Logger | false;
  /** Clock in epoch ms. Default `Date.now`. */
  now?: () => number;
  /** PEM of the initial token-signing key. Default: a new key. */
  signingKeyPem?: string;
  /** JSON file keeping the B2C tenant's users (sign-ups, changes) across restarts. Default none. */
  b2cUsersFile?: string;
}

/** The emulator as an Express app without a listening port (for supertest). */
export interface EmulatorApp {
  app: Express;
  context: EmulatorContext;
  controls: EmulatorControls;
}

export function createEmulatorApp(options: EmulatorAppOptions = {}): EmulatorApp {
  const seed = loadSeed(options.seed);
  const now = options.now ?? Date.now;
  const armPageSize = options.armPageSize ?? 5;
  if (!Number.isInteger(armPageSize) || armPageSize < 1)
    throw new TypeError('armPageSize: expected a positive integer');
  const caeTokenLifetimeSeconds = options.caeTokenLifetimeSeconds ?? CAE_TOKEN_LIFETIME_S;
  if (
    !Number.isInteger(caeTokenLifetimeSeconds) ||
    caeTokenLifetimeSeconds < 300 ||
    caeTokenLifetimeSeconds > 100_800
  ) {
    throw new TypeError('caeTokenLifetimeSeconds: expected an integer from 300 to 100800');
  }
  // The tenants need the context they are part of: it is complete once they are added.
  const context = {
    seed,
    directory: new Directory(seed),
    keys: new KeyRing(now, options.signingKeyPem),
    store: new Store(now),
    faults: new FaultRegistry(),
    criticalEvents: new CriticalEvents(),
    counters: emptyCounters(),
    baseUrl: (options.publicUrl ?? 'https://localhost:8443').replace(/\/+$/, ''),
    armPageSize,
    caeTokenLifetimeSeconds,
    controlPlane: options.controlPlane ?? true,
    now,
    logger: options.logger || undefined,
  } as EmulatorContext;
  context.tenants = new Tenants(context, seed, options.b2cUsersFile);
  const controls = createControls(context);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // One line per request (path only: query strings carry codes and hints, headers carry tokens).
  if (context.logger) app.use(requestLog(context.logger, { skip: ['/healthz'] }));
  // HSTS would make browsers upgrade every http://localhost app (the web app!) to https.
  app.use(
    helmet({
      hsts: false,
      contentSecurityPolicy: false,
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    }),
  );
  app.get('/', (_req, res) => res.json(home(context)));
  app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
  app.use(identityHeaders());
  app.use(discoveryRoutes(context));
  app.use(tokenRoutes(context));
  app.use(authorizeRoutes(context));
  app.use(logoutRoutes(context));
  app.use('/arm', armRoutes(context));
  app.use('/graph', graphRoutes(context));
  if (context.controlPlane) app.use('/_emulator', controlRoutes(context, controls));
  app.use((req) => {
    const tenant = req.path.split('/')[1] ?? '';
    if (
      tenant &&
      !context.directory.knowsTenant(tenant) &&
      /\/oauth2\/|\/discovery\//.test(req.path)
    ) {
      throw aad.unknownTenant(tenant);
    }
    throw new PlainError(404, 'not_found', `No emulator endpoint at ${req.method} ${req.path}.`);
  });
  app.use(errorHandler(context, 'oauth'));
  return { app, context, controls };
}

function home(ctx: EmulatorContext): Record<string, unknown> {
  const authority = `${ctx.baseUrl}/${ctx.seed.tenant.id}`;
  return {
    name: 'Microsoft Entra ID + Azure Resource Manager emulator',
    tenantId: ctx.seed.tenant.id,
    tenantDomain: ctx.seed.tenant.domain,
    authority,
    openidConfiguration: `${authority}/v2.0/.well-known/openid-configuration`,
    armEndpoint: `${ctx.baseUrl}/arm`,
    controlPlane: ctx.controlPlane ? `${ctx.baseUrl}/_emulator` : null,
  };
}
