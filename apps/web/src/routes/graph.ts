import type { GraphConfig } from '@obo/config';
import { Router } from 'express';
import type { WebContext } from '../context';
import type { GraphClient } from '../graph/graph-client';
import { apiTokenOrRespond, stepUp, type ErrorPage } from './subscriptions';

const RETURN_TO = '/graph';
const PAGE: ErrorPage = { view: 'graph', title: 'Microsoft Graph', service: 'Microsoft Graph' };

/**
 * `/graph`: a token for Microsoft Graph (`User.Read`, asked for the first time here: incremental
 * consent) from the user's cache, `GET {graph}/v1.0/me`, the profile in a table. Consent and
 * claims challenges (from MSAL or Graph) send the user through sign-in again, as `/subscriptions`
 * does; Graph's errors, throttling and timeouts are shown in the error panel.
 */
export function graphRoutes(ctx: WebContext, graph: GraphConfig, client: GraphClient): Router {
  const router = Router();
  router.get('/graph', async (req, res) => {
    if (!req.session.user) return res.redirect(`/login?returnTo=${encodeURIComponent(RETURN_TO)}`);
    const correlationId = res.locals.correlationId as string;

    const token = await apiTokenOrRespond(ctx, req, res, RETURN_TO, PAGE, graph.scopes);
    if (!token) return;

    const outcome = await client.me(token.accessToken, correlationId);
    switch (outcome.kind) {
      case 'ok':
        return ctx.views.send(req, res, 200, PAGE.view, PAGE.title, { profile: outcome.profile });
      case 'challenge':
        // The new sign-in asks for Graph's scopes too, so its token can be had afterwards.
        return stepUp(ctx, req, res, outcome.challenge, RETURN_TO, PAGE, graph.scopes);
      case 'error':
        ctx.logger.warn(
          { correlationId, status: outcome.status, code: outcome.code },
          'Graph call failed',
        );
        return ctx.views.send(req, res, 502, PAGE.view, PAGE.title, { error: outcome });
    }
  });
  return router;
}
