import { Router } from 'express';

/** The API's OpenAPI 3.1 description, served at `/api/openapi.json`. */
export function openApiDocument(requiredScope: string): Record<string, unknown> {
  const error = { $ref: '#/components/schemas/Error' };
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: error } },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'OBO middle-tier API',
      version: '1.0.0',
      description:
        'Validates the caller’s Microsoft Entra access token, exchanges it On-Behalf-Of the user and calls Azure Resource Manager.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'error_description', 'correlationId'],
          properties: {
            error: { type: 'string' },
            error_description: { type: 'string' },
            correlationId: { type: 'string' },
            scopes: { type: 'array', items: { type: 'string' } },
            claims: {
              type: 'string',
              description: 'Claims challenge (JSON) to satisfy at sign-in.',
            },
          },
        },
        Subscription: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            subscriptionId: { type: 'string' },
            displayName: { type: 'string' },
            state: { type: 'string' },
            tenantId: { type: 'string' },
          },
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/subscriptions': {
        get: {
          summary: `The signed-in user’s Azure subscriptions (all pages). Requires scope ${requiredScope}.`,
          parameters: [
            {
              name: 'journey',
              in: 'query',
              required: false,
              description:
                'Development only (TOKEN_JOURNEY): `1` adds `journey` — the OBO token’s decoded header (alg, kid, typ) and claims, its cache source (l1, l2, network) and the timings. Never a token or a signature.',
              schema: { type: 'string', enum: ['1'] },
            },
          ],
          responses: {
            200: {
              description: 'Subscriptions',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      value: {
                        type: 'array',
                        items: { $ref: '#/components/schemas/Subscription' },
                      },
                      journey: {
                        type: 'object',
                        description: 'Only with ?journey=1 and TOKEN_JOURNEY on (development).',
                        properties: {
                          obo: {
                            type: 'object',
                            properties: {
                              source: { type: 'string', enum: ['l1', 'l2', 'network'] },
                              ms: { type: 'number' },
                              header: { type: 'object' },
                              claims: { type: 'object' },
                            },
                          },
                          arm: {
                            type: 'object',
                            properties: { ms: { type: 'number' }, pages: { type: 'integer' } },
                          },
                          validateMs: { type: 'number' },
                        },
                      },
                    },
                  },
                },
              },
            },
            400: errorResponse(
              'invalid_request: the token was sent more than once (two Authorization headers, or a header and access_token in the query).',
            ),
            401: errorResponse(
              'No token, an invalid token, or (for clients that declared cp1) a claims challenge.',
            ),
            403: errorResponse(
              'Missing scope; consent_required or interaction_required (the user must consent or sign in again); user_access_denied (the identity provider refused the token’s user: unknown, disabled, locked or blocked).',
            ),
            429: errorResponse('Azure Resource Manager is throttling; see Retry-After.'),
            501: errorResponse(
              'obo_not_supported: the identity provider has no On-Behalf-Of flow (Azure AD B2C, AADB2C90086).',
            ),
            502: errorResponse(
              'client_misconfigured (the API’s own registration or credentials were refused), token_acquisition_failed, or Azure Resource Manager failed.',
            ),
            503: errorResponse('The identity provider is unavailable; see Retry-After.'),
            504: errorResponse('Azure Resource Manager timed out.'),
          },
        },
      },
      '/api/me': {
        get: {
          summary: 'The validated identity of the caller (never the token).',
          responses: {
            200: { description: 'Claims summary' },
            400: errorResponse('invalid_request: the token was sent more than once.'),
            401: errorResponse('Unauthenticated'),
          },
        },
      },
      '/healthz': {
        get: { security: [], summary: 'Liveness', responses: { 200: { description: 'Alive' } } },
      },
      '/readyz': {
        get: {
          security: [],
          summary: 'Readiness',
          responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready' } },
        },
      },
      '/metrics': {
        get: {
          security: [],
          summary: 'Prometheus metrics',
          responses: { 200: { description: 'Metrics' } },
        },
      },
    },
  };
}

export function openApiRoutes(requiredScope: string): Router {
  const document = openApiDocument(requiredScope);
  const router = Router();
  router.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
