import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { decodeForDisplay, type DisplayedToken, type ValidatedToken } from '@obo/token-validation';
import type { OboClient, OboResult } from '@obo/token-acquisition';
import { ArmClaimsChallenge, type ArmClient } from '../arm/arm-client';
import type { Metrics } from '../metrics';
import { timingsOf } from '../middleware/timings';
import { answerArmChallenge, type ArmChallengeReport } from './arm-challenge';
import { oboFailureAnswer } from './obo-answers';

export interface SubscriptionRouteOptions {
  obo: OboClient;
  arm: ArmClient;
  armScope: string;
  metrics: Metrics;
  logger: Logger;
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
  /** A claims challenge from ARM answered during this request (CAE). */
  challenge?: ArmChallengeReport;
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
        throw oboFailureAnswer(error, caller, options.armScope, claims);
      } finally {
        timings.oboMs = round(performance.now() - started);
      }
    };

    let token = await exchange();
    const armStarted = performance.now();
    const stats = { pages: 0 };
    const list = (obo: OboResult) =>
      options.arm.listSubscriptions(obo.accessToken, correlationId, stats);
    let value: unknown[];
    let challenge: ArmChallengeReport | undefined;
    try {
      value = await list(token);
    } catch (error) {
      if (!(error instanceof ArmClaimsChallenge)) throw error;
      // ARM refused the token (CAE: the user's sessions were revoked since): OBO again with
      // its claims, replacing the cached token, and call ARM once more.
      const answered = await answerArmChallenge(
        error,
        { exchange, call: list },
        {
          caller,
          armScope: options.armScope,
          correlationId,
          metrics: options.metrics,
          logger: options.logger,
          rejected: token.source,
        },
      );
      ({ token, value, report: challenge } = answered);
    } finally {
      timings.armMs = round(performance.now() - armStarted);
    }
    if (options.tokenJourney && req.query.journey === '1') {
      const decoded = decodeForDisplay(token.accessToken);
      const journey: Journey | undefined = decoded && {
        obo: { source: token.source, ms: timings.oboMs ?? 0, ...decoded },
        arm: { ms: timings.armMs, pages: stats.pages },
        validateMs: timings.validateMs,
        ...(challenge ? { challenge } : {}),
      };
      res.json({ value, ...(journey ? { journey } : {}) });
      return;
    }
    res.json({ value });
  });
  return router;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
