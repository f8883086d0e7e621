import type { AuthenticationResult } from '@azure/msal-node';
import { TokenAcquisitionError } from '@obo/token-acquisition';
import { Router, type Request, type Response } from 'express';
import { summarizeClaims, type ApiChallenge } from '../auth/challenge';
import { sessionCachePartition } from '../auth/session-cache';
import type { WebContext } from '../context';
import { regenerateSession } from './session-helpers';

/** A challenge arriving this soon after a step-up sign-in is shown, not answered again. */
const STEP_UP_LOOP_WINDOW_MS = 2 * 60 * 1000;
const RETURN_TO = '/subscriptions';

/**
 * `/subscriptions`: a token for the API from the user's cache, `GET /api/subscriptions`, a
 * table. Claims/consent challenges (from MSAL or the API) send the user through sign-in again.
 */
export function subscriptionRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/subscriptions', async (req, res) => {
    if (!req.session.user) return res.redirect(`/login?returnTo=${encodeURIComponent(RETURN_TO)}`);
    const correlationId = res.locals.correlationId as string;

    const token = await apiTokenOrRespond(ctx, req, res, RETURN_TO, {
      view: 'subscriptions',
      title: 'Azure subscriptions',
    });
    if (!token) return;

    const outcome = await ctx.api.listSubscriptions(token.accessToken, correlationId);
    switch (outcome.kind) {
      case 'ok':
        return ctx.views.send(req, res, 200, 'subscriptions', 'Azure subscriptions', {
          subscriptions: outcome.subscriptions,
        });
      case 'challenge':
        return stepUp(ctx, req, res, outcome.challenge, RETURN_TO);
      case 'error':
        ctx.logger.warn(
          { correlationId, status: outcome.status, code: outcome.code },
          'API call failed',
        );
        return ctx.views.send(req, res, 502, 'subscriptions', 'Azure subscriptions', {
          error: outcome,
        });
    }
  });
  return router;
}

/** The page a failure is shown on, and the downstream service it names. */
export interface ErrorPage {
  view: 'subscriptions' | 'journey' | 'graph';
  title: string;
  /** The service in messages. Default `the API`. */
  service?: string;
}

const SUBSCRIPTIONS_PAGE: ErrorPage = { view: 'subscriptions', title: 'Azure subscriptions' };

/**
 * A token for `scopes` (default the API's) from the user's cache, or undefined once the response
 * is taken care of: a lost account signs in again (fresh session), interaction (expired refresh
 * token, MFA, consent to scopes not asked for at sign-in: incremental consent) steps up, any other
 * failure renders `page` with a 502 error panel.
 */
export async function apiTokenOrRespond(
  ctx: WebContext,
  req: Request,
  res: Response,
  returnTo: string,
  page: ErrorPage,
  scopes: string[] = ctx.config.api.scopes,
): Promise<AuthenticationResult | undefined> {
  const correlationId = res.locals.correlationId as string;
  try {
    return await ctx.tokens.acquireTokenSilent(
      sessionCachePartition(req.session),
      scopes,
      correlationId,
    );
  } catch (error) {
    if (!(error instanceof TokenAcquisitionError)) throw error;
    if (error.code === 'account_missing') {
      await regenerateSession(req);
      res.redirect(`/login?returnTo=${encodeURIComponent(returnTo)}`);
      return undefined;
    }
    if (error.needsInteraction) {
      const claims = error.details.claims || undefined;
      // Scopes the sign-in does not ask for are consented to now (incremental consent).
      const incremental = scopes.filter((s) => !ctx.config.api.scopes.includes(s));
      const challenge: ApiChallenge = { kind: 'interaction', claims };
      await stepUp(ctx, req, res, challenge, returnTo, page, incremental);
      return undefined;
    }
    ctx.logger.warn(
      { correlationId, code: error.code, error: error.details.error },
      'silent token acquisition failed',
    );
    ctx.views.send(req, res, 502, page.view, page.title, {
      error: {
        code: error.details.error ?? error.code,
        message: `A token for ${page.service ?? 'the API'} could not be acquired. Try signing in again.`,
      },
    });
    return undefined;
  }
}

/**
 * Sends the user through sign-in again with the challenge's claims (or consent prompt), then
 * back to `returnTo`. A CAE challenge (its claims ask for a token not before a critical event:
 * revoked sessions, a disabled account, a changed password) asks for the credentials again
 * (`prompt=login`): a session from before the event does not do. A challenge right after a
 * step-up is shown as an error instead of answered again — unless it names a critical event
 * later than that sign-in, which is news. `ownScopes`: the web app's own scopes the sign-in must
 * add (incremental consent).
 */
export async function stepUp(
  ctx: WebContext,
  req: Request,
  res: Response,
  challenge: ApiChallenge,
  returnTo: string,
  page: ErrorPage = SUBSCRIPTIONS_PAGE,
  ownScopes: string[] = [],
): Promise<void> {
  const steppedUpAt = req.session.steppedUpAt;
  const summary = summarizeClaims(challenge.claims);
  const newEvent =
    steppedUpAt !== undefined && summary.nbf !== undefined && summary.nbf * 1000 > steppedUpAt;
  if (steppedUpAt !== undefined && !newEvent && ctx.now() - steppedUpAt < STEP_UP_LOOP_WINDOW_MS) {
    // The sign-in that answered the last challenge did not satisfy the service: stop the loop.
    ctx.logger.warn(
      { correlationId: res.locals.correlationId, kind: challenge.kind },
      'repeated API challenge',
    );
    return ctx.views.send(req, res, 403, page.view, page.title, {
      error: {
        code: challenge.kind === 'consent' ? 'consent_required' : 'insufficient_claims',
        message: `Additional sign-in or consent is still required by ${page.service ?? 'the API'} after you signed in again.`,
      },
    });
  }
  const url = await ctx.signIn.start(req, res, {
    returnTo,
    claims: challenge.claims,
    prompt: challenge.kind === 'consent' ? 'consent' : summary.kind === 'cae' ? 'login' : undefined,
    // A consent challenge names the downstream scopes to consent to; otherwise only the web
    // app's own scopes not asked for at sign-in (incremental consent, e.g. Graph's User.Read).
    // Signing in again for MFA or CAE asks for nothing more: a consent page for a resource the
    // web app never calls would only confuse.
    extraScopesToConsent:
      challenge.kind === 'consent' ? challenge.scopes : ownScopes.length ? ownScopes : undefined,
    loginHint: req.session.user?.username,
    reason: 'challenge',
  });
  res.redirect(url);
}
