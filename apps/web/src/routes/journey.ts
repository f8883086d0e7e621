import { Router } from 'express';
import type { WebContext } from '../context';
import { apiChallengePanel, reauthenticationPanel } from '../journey/challenges';
import {
  claimRows,
  decodeForDisplay,
  diffClaims,
  parseApiJourney,
  type JourneyHop,
} from '../journey/model';
import { apiTokenOrRespond, stepUp } from './subscriptions';

const RETURN_TO = '/journey';

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * `/journey` (development only, `TOKEN_JOURNEY`): one `/subscriptions` request's path with the
 * decoded claims of the ID token, the access token for the API and the OBO token for ARM.
 */
export function journeyRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/journey', async (req, res) => {
    if (!req.session.user) {
      ctx.views.send(req, res, 401, 'unauthorized', 'Sign-in required', { returnTo: RETURN_TO });
      return;
    }
    const correlationId = res.locals.correlationId as string;

    const silentStarted = performance.now();
    const result = await apiTokenOrRespond(ctx, req, res, RETURN_TO, {
      view: 'journey',
      title: 'Token journey',
    });
    if (!result) return;
    const silentMs = round(performance.now() - silentStarted);

    const apiStarted = performance.now();
    const outcome = await ctx.api.listSubscriptions(result.accessToken, correlationId, {
      journey: true,
    });
    const apiMs = round(performance.now() - apiStarted);
    if (outcome.kind === 'challenge') return stepUp(ctx, req, res, outcome.challenge, RETURN_TO);
    if (outcome.kind === 'error') {
      return ctx.views.send(req, res, 502, 'journey', 'Token journey', { error: outcome });
    }
    const apiJourney = parseApiJourney(outcome.journey);
    if (!apiJourney) {
      return ctx.views.send(req, res, 502, 'journey', 'Token journey', {
        error: {
          code: 'journey_unavailable',
          message:
            'The API did not report its side of the journey: set TOKEN_JOURNEY=true for the API (development only).',
        },
      });
    }

    const idToken = decodeForDisplay(result.idToken) ?? {
      header: {},
      claims: req.session.user.idTokenClaims,
    };
    const apiToken = decodeForDisplay(result.accessToken) ?? { header: {}, claims: {} };
    const hops: JourneyHop[] = [
      {
        id: 'id',
        title: 'ID token',
        hop: 'browser → web',
        explanation:
          'At sign-in the identity provider sent this app an ID token about you. Its audience is the web app itself: it proves who signed in and is never sent to an API.',
        header: idToken.header,
        claims: claimRows(idToken.claims),
        cache: 'kept in your session since sign-in',
        timings: [],
      },
      {
        id: 'api',
        title: 'Access token for the API',
        hop: 'web → API',
        explanation:
          'The web app asked for a token for the API’s scope (access_as_user) and sends it as the bearer token. Its audience is the API, and azp says the web app asked for it.',
        header: apiToken.header,
        claims: claimRows(apiToken.claims),
        cache: result.fromCache
          ? 'hit (this session’s MSAL cache)'
          : 'miss (refreshed at the token endpoint)',
        timings: [
          { label: 'token from MSAL', ms: silentMs },
          { label: 'API call, round trip', ms: apiMs },
          ...(apiJourney.validateMs !== undefined
            ? [{ label: 'validated by the API', ms: apiJourney.validateMs }]
            : []),
        ],
      },
      {
        id: 'obo',
        title: 'On-Behalf-Of token for ARM',
        hop: 'API → ARM',
        explanation:
          'The API exchanged the token it received (the assertion) for a new one On-Behalf-Of you. Same user (oid), but the audience is now Azure Resource Manager, the scopes are ARM’s, and azp is the API.',
        header: apiJourney.obo.header,
        claims: claimRows(apiJourney.obo.claims),
        cache: oboCacheLabel(apiJourney.obo.source),
        timings: [
          { label: 'OBO exchange', ms: apiJourney.obo.ms },
          {
            label: `ARM, ${apiJourney.arm.pages} page${apiJourney.arm.pages === 1 ? '' : 's'}`,
            ms: apiJourney.arm.ms,
          },
        ],
      },
    ];
    const reauthentication = req.session.reauthentication;
    const apiChallenge = apiChallengePanel(apiJourney.challenge);
    ctx.views.send(req, res, 200, 'journey', 'Token journey', {
      challenges: [
        ...(reauthentication ? [reauthenticationPanel(reauthentication)] : []),
        ...(apiChallenge ? [apiChallenge] : []),
      ],
      hops,
      diff: diffClaims([idToken.claims, apiToken.claims, apiJourney.obo.claims]),
      subscriptionCount: outcome.subscriptions.length,
    });
  });
  return router;
}

function oboCacheLabel(source: string): string {
  switch (source) {
    case 'l1':
      return 'hit (L1: the API’s in-process cache)';
    case 'l2':
      return 'hit (L2: the shared Redis cache)';
    case 'network':
      return 'miss (exchanged at the token endpoint)';
    default:
      return source;
  }
}
