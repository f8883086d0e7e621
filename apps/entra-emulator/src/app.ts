import express, { Router, type Express, type RequestHandler } from 'express';
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
import { localSite, siteByHost, siteOf, Sites, type SiteKind } from './sites/site';
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
  /**
   * Also answer as Microsoft's hosts (`transparentApp`): `login.microsoftonline.com`,
   * `login.windows.net`, `management.azure.com`, `graph.microsoft.com` and the customer
   * tenants' `b2clogin.com`/`ciamlogin.com` hosts. Default false.
   */
  transparent?: boolean;
}

/** The emulator as Express apps without a listening port (for supertest). */
export interface EmulatorApp {
  /** The emulator's own origin: every tenant, `/arm`, `/graph`, `/_emulator`. */
  app: Express;
  /**
   * Transparent mode (when asked for): Microsoft's hosts, told apart by `Host`, each serving
   * what the real one does at its root; any other host gets 421.
   */
  transparentApp?: Express;
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
  context.sites = new Sites(context.baseUrl, context.tenants.all, options.transparent ?? false);
  const controls = createControls(context);

  const identity = Router();
  identity.use(identityHeaders());
  identity.use(discoveryRoutes(context));
  identity.use(tokenRoutes(context));
  identity.use(authorizeRoutes(context));
  identity.use(logoutRoutes(context));
  const arm = armRoutes(context);
  const graph = graphRoutes(context);

  const app = baseApp(context, localSite(context.sites));
  app.get('/', (_req, res) => res.json(home(context)));
  app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
  app.use(identity);
  app.use('/arm', arm);
  app.use('/graph', graph);
  if (context.controlPlane) app.use('/_emulator', controlRoutes(context, controls));
  app.use(notFound(context));
  app.use(errorHandler(context, 'oauth'));

  let transparentApp: Express | undefined;
  if (context.sites.transparent) {
    transparentApp = baseApp(context, siteByHost(context.sites));
    const served: Partial<Record<SiteKind, RequestHandler>> = { identity, arm, graph };
    transparentApp.use((req, res, next) => {
      const handler = served[siteOf(res).kind];
      return handler ? handler(req, res, next) : next();
    });
    transparentApp.use(notFound(context));
    transparentApp.use(errorHandler(context, 'oauth'));
  }
  return { app, transparentApp, context, controls };
}

/** What every listener does first: the request's site, the request log, security headers. */
function baseApp(ctx: EmulatorContext, site: RequestHandler): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(site);
  // One line per request (path only: query strings carry codes and hints, headers carry tokens).
  if (ctx.logger) app.use(requestLog(ctx.logger, { skip: ['/healthz'] }));
  // HSTS would make browsers upgrade every http://localhost app (the web app!) to https.
  app.use(
    helmet({
      hsts: false,
      contentSecurityPolicy: false,
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    }),
  );
  return app;
}

/** No endpoint here: an unknown tenant on an identity path is AADSTS90002, anything else 404. */
function notFound(ctx: EmulatorContext): RequestHandler {
  return (req) => {
    const tenant = req.path.split('/')[1] ?? '';
    if (tenant && !ctx.directory.knowsTenant(tenant) && /\/oauth2\/|\/discovery\//.test(req.path)) {
      throw aad.unknownTenant(tenant);
    }
    throw new PlainError(404, 'not_found', `No emulator endpoint at ${req.method} ${req.path}.`);
  };
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
    // The Microsoft host names it also answers as (transparent mode), for name routing.
    transparentHosts: ctx.sites.hostNames(),
  };
}
