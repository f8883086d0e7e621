import { Router, type Request, type RequestHandler, type Response } from 'express';
import { ServiceError, type ServiceErrorOptions } from '@obo/errors';
import { decodeForDisplay, type DisplayedToken, type ValidatedToken } from '@obo/token-validation';
import {
  TokenAcquisitionError,
  type OboClient,
  type OboResult,
  type TokenAcquisitionErrorCode,
} from '@obo/token-acquisition';
import { ArmClaimsChallenge, type ArmClient } from '../arm/arm-client';
import { apiChallenge } from '../errors';
import type { Metrics } from '../metrics';
import { timingsOf } from '../middleware/timings';

export interface SubscriptionRouteOptions {
  obo: OboClient;
  arm: ArmClient;
  armScope: string;
  metrics: Metrics;
  /** Middleware that validates the bearer token and requires the scope. */
  guard: RequestHandler[];
  /** Development only: `?journey=1` adds the OBO token's decoded claims and timings. */
  tokenJourney?: boolean;
}

/** What `?journey=1` adds (development only): decoded claims and timings, never a token. */
export interface Journey {
  obo: { source: OboResult['source']; ms: number } & DisplayedToken;
  arm: { ms: number; pages: number };
  validateMs?: number;
}

/** `GET /api/subscriptions`: OBO for ARM, then every page of ARM's subscription list. */
export function subscriptionRoutes(options: SubscriptionRouteOptions): Router {
  const router = Router();
  router.get('/api/subscriptions', ...options.guard, async (req: Request, res: Response) => {
    const caller = req.authInfo as ValidatedToken;
    const correlationId = res.locals.correlationId as string;
    const timings = timingsOf(res);

    const exchange = async (claims?: string): Promise<OboResult> => {
      const started = performance.now();
      try {
        // Workforce tokens exchange in their own tenant (tid); the identity profile decides.
        const result = await options.obo.acquire({
          assertion: caller.assertion,
          tenantId: caller.tenantId,
          scopes: [options.armScope],
          claims,
          correlationId,
        });
        options.metrics.oboCache.inc({
          result: result.source === 'network' ? 'miss' : `hit_${result.source}`,
        });
        timings.obo = result.source;
        return result;
      } catch (error) {
        throw challengeFor(error, caller, options.armScope);
      } finally {
        timings.oboMs = round(performance.now() - started);
      }
    };

    let token = await exchange();
    const armStarted = performance.now();
    const stats = { pages: 0 };
    let value: unknown[];
    try {
      value = await options.arm.listSubscriptions(token.accessToken, correlationId, stats);
    } catch (error) {
      if (!(error instanceof ArmClaimsChallenge)) throw error;
      // ARM wants more (e.g. a fresh MFA): redo OBO with its claims and try once more.
      token = await exchange(error.claims);
      value = await options.arm.listSubscriptions(token.accessToken, correlationId, stats);
    } finally {
      timings.armMs = round(performance.now() - armStarted);
    }
    if (options.tokenJourney && req.query.journey === '1') {
      const decoded = decodeForDisplay(token.accessToken);
      const journey: Journey | undefined = decoded && {
        obo: { source: token.source, ms: timings.oboMs ?? 0, ...decoded },
        arm: { ms: timings.armMs, pages: stats.pages },
        validateMs: timings.validateMs,
      };
      res.json({ value, ...(journey ? { journey } : {}) });
      return;
    }
    res.json({ value });
  });
  return router;
}

type Answer = (
  error: TokenAcquisitionError,
  caller: ValidatedToken,
  armScope: string,
) => ServiceError;

/** An answer of the API's own, whose text is safe to show whatever its status. */
function answer(code: string, message: string, options: ServiceErrorOptions): ServiceError {
  return new ServiceError(code, message, { expose: true, ...options });
}

/**
 * What the caller must do when OBO fails, by TokenAcquisitionError code. Codes not listed keep
 * the status and code that say whose problem it is: 403 user_access_denied (the assertion's
 * user: unknown, disabled, locked, blocked), 501 obo_not_supported (Azure AD B2C,
 * AADB2C90086), 502 client_misconfigured (ours) and token_acquisition_failed.
 */
const ANSWERS: Partial<Record<TokenAcquisitionErrorCode, Answer>> = {
  interaction_required: userMustSignIn,
  consent_required: userMustSignIn,
  invalid_assertion: (error) =>
    answer('invalid_token', error.message, {
      status: 401,
      headers: {
        'www-authenticate': apiChallenge({
          error: 'invalid_token',
          error_description: 'the token cannot be exchanged',
        }),
      },
      cause: error,
    }),
  token_endpoint_unavailable: (error) =>
    answer('temporarily_unavailable', error.message, {
      status: 503,
      headers: { 'retry-after': String(error.details.retryAfterSeconds ?? 30) },
      cause: error,
    }),
};

function challengeFor(error: unknown, caller: ValidatedToken, armScope: string): unknown {
  if (!(error instanceof TokenAcquisitionError)) return error;
  const mapped = ANSWERS[error.code];
  if (mapped) return mapped(error, caller, armScope);
  return answer(error.code, error.message, { status: error.status, cause: error });
}

/**
 * The user must sign in again (or consent): clients that declared `cp1` get an RFC 6750 claims
 * challenge (401); others get 403 with the error, the scopes and any claims to pass at sign-in.
 */
function userMustSignIn(
  error: TokenAcquisitionError,
  caller: ValidatedToken,
  armScope: string,
): ServiceError {
  const { claims } = error.details;
  const capable = Array.isArray(caller.claims.xms_cc) && caller.claims.xms_cc.includes('cp1');
  if (capable && claims) {
    return answer(
      'insufficient_claims',
      'Additional claims are required; sign in again with the claims given.',
      {
        status: 401,
        headers: {
          'www-authenticate': apiChallenge({
            error: 'insufficient_claims',
            error_description: 'additional claims required',
            claims: Buffer.from(claims, 'utf8').toString('base64'),
          }),
        },
        details: { claims },
        cause: error,
      },
    );
  }
  return answer(error.code, error.message, {
    status: 403,
    details: { scopes: [armScope], ...(claims ? { claims } : {}) },
    cause: error,
  });
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
