import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { decodeForDisplay, type DisplayedToken, type ValidatedToken } from '@obo/token-validation';
import type { OboClient, OboResult } from '@obo/token-acquisition';
import { ArmClaimsChallenge, type ArmClient } from '../arm/arm-client';
import type { Metrics } from '../metrics';
import { timingsOf, type RequestTimings } from '../middleware/timings';
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

/**
 * `GET /api/subscriptions`: OBO for ARM, then every page of ARM's subscription list — the guard
 * and the handler, for `app.get`. The API's hot path: no per-request closures on the way that
 * succeeds, the answer written in one piece (see {@link sendJson}).
 */
export function subscriptionsRoute(options: SubscriptionRouteOptions): RequestHandler[] {
  const { obo, arm, armScope, metrics } = options;
  const scopes = [armScope];

  const exchange = async (
    caller: ValidatedToken,
    correlationId: string,
    timings: RequestTimings,
    claims?: string,
  ): Promise<OboResult> => {
    const started = performance.now();
    try {
      // Workforce tokens exchange in their own tenant (tid); the identity profile decides.
      const result = await obo.acquire({
        assertion: caller.assertion,
        tenantId: caller.tenantId,
        scopes,
        claims,
        correlationId,
      });
      metrics.countOboLookup(result.source);
      timings.obo = result.source;
      return result;
    } catch (error) {
      throw oboFailureAnswer(error, caller, armScope, claims);
    } finally {
      timings.oboMs = round(performance.now() - started);
    }
  };

  const handler = async (req: Request, res: Response): Promise<void> => {
    const caller = req.authInfo as ValidatedToken;
    const correlationId = res.locals.correlationId as string;
    const timings = timingsOf(res);

    let token = await exchange(caller, correlationId, timings);
    const armStarted = performance.now();
    const stats = { pages: 0 };
    let value: unknown[];
    let challenge: ArmChallengeReport | undefined;
    try {
      value = await arm.listSubscriptions(token.accessToken, correlationId, stats);
    } catch (error) {
      if (!(error instanceof ArmClaimsChallenge)) throw error;
      // ARM refused the token (CAE: the user's sessions were revoked since): OBO again with
      // its claims, replacing the cached token, and call ARM once more.
      const answered = await answerArmChallenge(
        error,
        {
          exchange: (claims) => exchange(caller, correlationId, timings, claims),
          call: (renewed) => arm.listSubscriptions(renewed.accessToken, correlationId, stats),
        },
        {
          caller,
          armScope,
          correlationId,
          metrics,
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
      sendJson(res, { value, ...(journey ? { journey } : {}) });
      return;
    }
    sendJson(res, { value });
  };
  return [...options.guard, handler];
}

/**
 * A 200 JSON answer in one write. Express's `res.json` turns a body of 1,000 characters or more
 * into a Buffer, which Node then cannot send together with the headers, and re-derives the
 * content type's charset and the request's freshness on every call; this sets the two headers
 * itself. HEAD gets the headers only (Node drops the body).
 */
function sendJson(res: Response, body: unknown): void {
  const text = JSON.stringify(body);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
