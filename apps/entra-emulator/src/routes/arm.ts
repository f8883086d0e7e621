import { randomUUID } from 'node:crypto';
import { TENANT_PLACEHOLDER, type TokenValidator } from '@obo/token-validation';
import { Router, type Request, type Response } from 'express';
import type { EmulatorContext } from '../context';
import { armAuthFailed, armCaeChallenge, armChallengeAuthority } from '../errors/arm';
import { errorHandler } from '../errors/render';
import { ArmError } from '../errors/wire';
import { applyFault, wrap } from '../http';
import { resourceTokenValidator } from '../resource-validator';
import { ARM_AUDIENCES } from '../resources';
import type { SeedSubscription } from '../seed/schema';
import { siteOf } from '../sites/site';
import { declaresCp1, issuedAtMs } from '../tokens';

/** api-versions of Microsoft.Resources/subscriptions the emulator answers. */
export const ARM_API_VERSIONS = [
  '2022-12-01',
  '2021-01-01',
  '2020-01-01',
  '2019-11-01',
  '2016-06-01',
];
const READS_PER_HOUR = 12_000;

/**
 * Azure Resource Manager's `GET /subscriptions` and `GET /subscriptions/{id}`: under `/arm` on
 * the emulator's own origin, at the root of `management.azure.com` in transparent mode.
 */
export function armRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const validator = createArmValidator(ctx);
  let window = { start: 0, reads: 0 };

  /** The caller's token; refusals reach the error handler, which answers them as ARM does. */
  const authenticate = async (req: Request, res: Response) => {
    const authority = armChallengeAuthority(ctx, res);
    const header = req.get('authorization');
    if (!header)
      throw armAuthFailed(
        authority,
        "Authentication failed. The 'Authorization' header is missing.",
      );
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(header);
    if (!match)
      throw armAuthFailed(
        authority,
        "Authentication failed. The 'Authorization' header is provided in an invalid format.",
      );
    const token = await validator.validate(match[1]);
    if (token.kind === 'delegated' && !token.scopes.includes('user_impersonation')) {
      throw armAuthFailed(
        authority,
        "The access token does not grant the 'user_impersonation' permission.",
        'InvalidAuthenticationToken',
      );
    }
    // Continuous Access Evaluation: a CAE token (its client handles challenges) dies with its
    // user's next critical event; any other token lives until it expires.
    const revokedAt =
      token.kind === 'delegated' && token.objectId && declaresCp1(token.claims.xms_cc)
        ? ctx.criticalEvents.revokedAt(token.objectId)
        : undefined;
    if (revokedAt !== undefined && (issuedAtMs(token.claims) ?? 0) < revokedAt) {
      ctx.counters.arm.caeChallenges += 1;
      throw armCaeChallenge(authority, revokedAt);
    }
    return token;
  };

  const prepare = async (req: Request, res: Response) => {
    const correlation = req.get('x-ms-correlation-request-id') ?? randomUUID();
    const now = ctx.now();
    if (now - window.start > 3_600_000) window = { start: now, reads: 0 };
    window.reads += 1;
    res.set({
      'x-ms-correlation-request-id': correlation,
      'x-ms-request-id': randomUUID(),
      'x-ms-routing-request-id': `LOCAL:${new Date(now).toISOString().replace(/[-:.]/g, '')}:${correlation}`,
      'x-ms-ratelimit-remaining-tenant-reads': String(Math.max(0, READS_PER_HOUR - window.reads)),
      'Cache-Control': 'no-cache',
    });
    ctx.counters.arm.total += 1;
    await applyFault(ctx, 'arm');
    const token = await authenticate(req, res);
    const version = req.query['api-version'];
    if (typeof version !== 'string' || version === '') {
      throw new ArmError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    }
    if (!ARM_API_VERSIONS.includes(version)) {
      throw new ArmError(
        400,
        'InvalidApiVersionParameter',
        `The api-version '${version}' is invalid. The supported versions are '${ARM_API_VERSIONS.join(',')}'.`,
      );
    }
    const subscriptions = ctx.directory.armSubscriptions(
      token.kind === 'delegated'
        ? { userId: token.objectId ?? '' }
        : { appId: String(token.claims.appid ?? token.claims.azp) },
    );
    return { version, subscriptions, tenantId: token.tenantId };
  };

  router.get(
    '/subscriptions',
    wrap(async (req, res) => {
      ctx.counters.arm.subscriptions += 1;
      const ready = await prepare(req, res);
      const skip = parseSkipToken(req.query.$skiptoken);
      const page = ready.subscriptions.slice(skip, skip + ctx.armPageSize);
      const body: { value: unknown[]; nextLink?: string; count?: { type: string; value: number } } =
        {
          value: page.map((s) => armSubscription(ctx, s)),
        };
      if (skip + ctx.armPageSize < ready.subscriptions.length) {
        const next = new URL(`${siteOf(res).names.arm}/subscriptions`);
        next.searchParams.set('api-version', ready.version);
        next.searchParams.set(
          '$skiptoken',
          Buffer.from(String(skip + ctx.armPageSize)).toString('base64url'),
        );
        body.nextLink = next.toString();
      }
      res.json(body);
    }),
  );

  // What `az login` reads after signing in: the tenants the caller's token is for.
  router.get(
    '/tenants',
    wrap(async (req, res) => {
      const ready = await prepare(req, res);
      res.json({ value: armTenants(ctx, ready.tenantId) });
    }),
  );

  router.get(
    '/subscriptions/:subscriptionId',
    wrap(async (req, res) => {
      ctx.counters.arm.subscription += 1;
      const ready = await prepare(req, res);
      const id = String(req.params.subscriptionId).toLowerCase();
      const sub = ready.subscriptions.find((s) => s.subscriptionId.toLowerCase() === id);
      if (!sub) {
        throw new ArmError(
          404,
          'SubscriptionNotFound',
          `The subscription '${req.params.subscriptionId}' could not be found.`,
        );
      }
      res.json(armSubscription(ctx, sub));
    }),
  );

  router.use((req, _res, next) =>
    next(
      new ArmError(
        404,
        'NotFound',
        `The requested resource '${req.path}' is not available in the emulated Resource Manager.`,
      ),
    ),
  );
  router.use(errorHandler(ctx, 'arm'));
  return router;
}

/** One subscription in ARM's 2022-12-01 shape. */
export function armSubscription(
  ctx: EmulatorContext,
  s: SeedSubscription,
): Record<string, unknown> {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId: ctx.seed.tenant.id,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
  };
}

/**
 * `GET /tenants`: the token's tenant (the workforce tenant, or the External ID tenant whose
 * users OBO reaches ARM from), in ARM's 2022-12-01 shape.
 */
function armTenants(ctx: EmulatorContext, tenantId: string | undefined): Record<string, unknown>[] {
  const tenant = ctx.tenants.all.find((t) => t.id === tenantId?.toLowerCase());
  if (!tenant) return [];
  return [
    {
      id: `/tenants/${tenant.id}`,
      tenantId: tenant.id,
      countryCode: 'US',
      displayName: tenant.displayName,
      domains: [tenant.domain],
      tenantCategory: 'Home',
      defaultDomain: tenant.domain,
      tenantType: tenant.kind === 'ciam' ? 'CIAM' : 'AAD',
    },
  ];
}

function parseSkipToken(value: unknown): number {
  if (typeof value !== 'string') return 0;
  const n = Number(Buffer.from(value, 'base64url').toString('utf8'));
  if (!Number.isInteger(n) || n < 0)
    throw new ArmError(400, 'InvalidSkipToken', 'The $skiptoken is not valid.');
  return n;
}

/**
 * ARM's token check: the workforce tenant, and the External ID tenant whose users' tokens OBO
 * also reaches ARM with (they own no subscriptions here: an empty list).
 */
function createArmValidator(ctx: EmulatorContext): TokenValidator {
  return resourceTokenValidator(ctx, {
    audiences: ARM_AUDIENCES,
    // The workforce tenant's v1 and v2 issuers (under every name), for any of the tenants below.
    issuers: ctx.tenants.workforce
      .assertionIssuers()
      .map((issuer) => issuer.replace(ctx.seed.tenant.id, TENANT_PLACEHOLDER)),
    allowedTenants: [ctx.seed.tenant.id, ...(ctx.seed.ciam ? [ctx.seed.ciam.tenantId] : [])],
    // ARM authorizes apps by role assignments (RBAC), not token roles: app tokens carry none.
    requirePermissions: false,
  });
}
