import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import passport from 'passport';
import request from 'supertest';
import { entraIssuers } from '../issuers';
import {
  appClaims,
  AUTHORITY,
  CLIENT_ID,
  FakeClock,
  FakeKeySource,
  goodClaims,
  makeRsaKey,
  NOW_S,
  signToken,
  TENANT,
} from '../test/tokens';
import type { TokenClaims, TokenValidator, ValidatedToken } from '../types';
import { createTokenValidator } from '../validator';
import { InsufficientScopeError, TokenValidationError } from '../errors';
import { authenticateBearer } from './authenticate';
import { bearerErrorBody, formatBearerChallenge, quoteSafe } from './challenge';
import { getValidatedToken } from './context';
import { requireRoles, requireScopes, requireScopesOrRoles } from './guards';
import { BearerStrategy } from './strategy';

const key = makeRsaKey('k1');
const REALM = 'obo-api';

function makeValidator(source = new FakeKeySource([key])): TokenValidator {
  return createTokenValidator({
    jwksUri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
    audiences: [CLIENT_ID],
    issuers: entraIssuers(AUTHORITY),
    allowedTenants: [TENANT],
    keySource: source,
    now: new FakeClock().now,
  });
}

/** What an app writes to answer a bearer failure (the library writes no response; README). */
const renderBearerError: express.ErrorRequestHandler = (err, _req, res, next) => {
  if (!(err instanceof TokenValidationError)) return next(err);
  res
    .status(err.status)
    .set(err.headers)
    .set('cache-control', 'no-store')
    .json({ ...bearerErrorBody(err), correlationId: 'corr-1' });
};

function makeApp(validator: TokenValidator) {
  const app = express();
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));
  const auth = authenticateBearer(validator, { realm: REALM });
  const echo: express.RequestHandler = (req, res) => {
    const token: ValidatedToken | undefined = getValidatedToken(req);
    const claims = req.user as TokenClaims;
    res.json({
      oid: claims.oid,
      kind: token?.kind,
      authInfoKind: (req.authInfo as ValidatedToken).kind,
    });
  };
  app.all('/me', auth, echo);
  app.get('/scoped', auth, requireScopes('access_as_user'), echo);
  app.get('/admin', auth, requireScopes('admin.write', 'admin.all'), echo);
  app.get('/roles', auth, requireRoles('Subscriptions.Read'), echo);
  app.get('/either', auth, requireScopesOrRoles(['nope'], ['Subscriptions.Read']), echo);
  app.get('/unauthenticated-guard', requireScopes('access_as_user'), echo);

  // The plain passport way, for apps that register the strategy themselves.
  const authenticator = new passport.Passport();
  authenticator.use(new BearerStrategy(validator, { realm: REALM }));
  app.get('/passport', authenticator.authenticate('oauth-bearer', { session: false }), echo);
  app.use(renderBearerError);
  return app;
}

const good = signToken(goodClaims(), key);
const appOnly = signToken(appClaims(), key);
const expired = signToken(goodClaims({ exp: NOW_S - 3600 }), key);

describe('authenticateBearer + BearerStrategy (RFC 6750)', () => {
  const app = makeApp(makeValidator());

  it('401 with a bare challenge when there is no token', async () => {
    const res = await request(app).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="${REALM}"`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      error: 'unauthorized',
      error_description: expect.any(String),
      correlationId: 'corr-1',
    });
  });

  it.each([
    ['Bearer', `Bearer ${good}`],
    ['lower-case scheme', `bearer ${good}`],
    ['upper-case scheme and extra spaces', `  BEARER    ${good}   `],
    ['a tab', `Bearer\t${good}`],
  ])('accepts %s', async (_name, header) => {
    const res = await request(app).get('/me').set('Authorization', header);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      oid: '00000000-0000-0000-0000-0000000000aa',
      kind: 'delegated',
      authInfoKind: 'delegated',
    });
  });

  it.each([
    ['another scheme', { authorization: `Basic ${good}` }],
    ['an empty Bearer', { authorization: 'Bearer ' }],
  ])('treats %s as no token', async (_name, headers) => {
    const res = await request(app).get('/me').set(headers);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="${REALM}"`);
  });

  it('ignores a token in the query string or the body', async () => {
    const query = await request(app).get(`/me?access_token=${good}`);
    expect(query.status).toBe(401);
    expect(query.headers['www-authenticate']).toBe(`Bearer realm="${REALM}"`);
    const form = await request(app).post('/me').type('form').send({ access_token: good });
    expect(form.status).toBe(401);
    expect(form.headers['www-authenticate']).toBe(`Bearer realm="${REALM}"`);
    const json = await request(app).post('/me').send({ access_token: good });
    expect(json.status).toBe(401);
  });

  it('400 invalid_request for more than one credential', async () => {
    const res = await request(app).get('/me').set('Authorization', `Bearer ${good} ${good}`);
    expect(res.status).toBe(400);
    expect(res.headers['www-authenticate']).toMatch(
      /^Bearer realm="obo-api", error="invalid_request", error_description="[^"]+"$/,
    );
    expect(res.body.error).toBe('invalid_request');
  });

  describe('one token, sent once (RFC 6750 §2)', () => {
    const garbage = 'Bearer not-a-jwt';
    const expect400 = (res: request.Response) => {
      expect(res.status).toBe(400);
      expect(res.headers['www-authenticate']).toMatch(
        /^Bearer realm="obo-api", error="invalid_request", error_description="[^"]+"$/,
      );
      expect(res.body).toMatchObject({ error: 'invalid_request', correlationId: 'corr-1' });
      expect(res.text).not.toContain(good);
    };
    const twice = (path: string, first: string, second: string) =>
      request(app)
        .get(path)
        .set('Authorization', [first, second] as never);

    it.each([
      ['a valid token, then garbage', `Bearer ${good}`, garbage],
      ['garbage, then a valid token', garbage, `Bearer ${good}`],
      ['the same valid token twice', `Bearer ${good}`, `Bearer ${good}`],
      ['another scheme, then a valid token', 'Basic dXNlcjpwYXNz', `Bearer ${good}`],
      ['an empty header, then a valid token', '', `Bearer ${good}`],
    ])('400 for two Authorization headers: %s', async (_name, first, second) => {
      expect400(await twice('/me', first, second));
      // Plain passport answers a 400 failure with the status alone.
      expect((await twice('/passport', first, second)).status).toBe(400);
    });

    it('400 for two Authorization headers whatever their case (raw request)', async () => {
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const { port } = server.address() as AddressInfo;
        const raw = ['Authorization', `Bearer ${good}`, 'AUTHORIZATION', garbage, 'Host', 'x'];
        const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = http.request(
            { host: '127.0.0.1', port, path: '/me', headers: raw },
            (response) => {
              let body = '';
              response.on('data', (chunk) => (body += chunk));
              response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
            },
          );
          req.on('error', reject);
          req.end();
        });
        expect(res.status).toBe(400);
        expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request' });
      } finally {
        server.close();
      }
    });

    it.each([
      ['?access_token=…', `/me?access_token=${good}`],
      ['an empty ?access_token=', '/me?access_token='],
      ['a percent-encoded name', `/me?access%5Ftoken=${good}`],
      ['among other parameters', `/me?a=1&access_token=${good}&b=2`],
    ])('400 for a header token and %s in the query', async (_name, path) => {
      expect400(await request(app).get(path).set('Authorization', `Bearer ${good}`));
    });

    it('400 for a header token and access_token in a form body', async () => {
      const res = await request(app)
        .post('/me')
        .set('Authorization', `Bearer ${good}`)
        .type('form')
        .send({ access_token: good });
      expect400(res);
    });

    it.each([
      ['other query parameters', (r: request.Test) => r.query({ a: '1', access_token_hint: 'x' })],
      ['a form body without access_token', (r: request.Test) => r.type('form').send({ a: '1' })],
      [
        'access_token in a JSON body (not an RFC 6750 method)',
        (r: request.Test) => r.send({ access_token: 'x' }),
      ],
    ])('still 200 with one header token and %s', async (_name, decorate) => {
      const res = await decorate(request(app).post('/me').set('Authorization', `Bearer ${good}`));
      expect(res.status).toBe(200);
    });
  });

  it('401 invalid_token with a description for a bad token, never echoing it', async () => {
    const res = await request(app).get('/me').set('Authorization', `Bearer ${expired}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="${REALM}", error="invalid_token", error_description="The token has expired."`,
    );
    expect(res.body).toEqual({
      error: 'invalid_token',
      error_description: 'The token has expired.',
      correlationId: 'corr-1',
    });
    expect(res.text).not.toContain(expired);
    expect(JSON.stringify(res.headers)).not.toContain(expired);
  });

  it('403 insufficient_scope with the accepted scopes', async () => {
    expect((await request(app).get('/scoped').set('Authorization', `Bearer ${good}`)).status).toBe(
      200,
    );
    const res = await request(app).get('/admin').set('Authorization', `Bearer ${good}`);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toMatch(
      /^Bearer realm="obo-api", error="insufficient_scope", error_description="[^"]+", scope="admin.write admin.all"$/,
    );
    expect(res.body).toMatchObject({ error: 'insufficient_scope', correlationId: 'corr-1' });
  });

  it('role guards: app token with the role passes, a delegated token without it gets 403', async () => {
    expect(
      (await request(app).get('/roles').set('Authorization', `Bearer ${appOnly}`)).body.kind,
    ).toBe('app');
    const res = await request(app).get('/roles').set('Authorization', `Bearer ${good}`);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
    expect(
      (await request(app).get('/either').set('Authorization', `Bearer ${appOnly}`)).status,
    ).toBe(200);
    expect((await request(app).get('/either').set('Authorization', `Bearer ${good}`)).status).toBe(
      403,
    );
  });

  it('a guard without authentication before it answers 401, it does not pass', async () => {
    const res = await request(app)
      .get('/unauthenticated-guard')
      .set('Authorization', `Bearer ${good}`);
    expect(res.status).toBe(401);
  });

  it('503 without a challenge when the JWKS cannot be fetched', async () => {
    const down = new FakeKeySource([key]);
    down.fail = true;
    const res = await request(makeApp(makeValidator(down)))
      .get('/me')
      .set('Authorization', `Bearer ${good}`);
    expect(res.status).toBe(503);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.error).toBe('temporarily_unavailable');
    // The plain passport route hands the error to next(): the app's handler answers the same.
    const plain = await request(makeApp(makeValidator(down)))
      .get('/passport')
      .set('Authorization', `Bearer ${good}`);
    expect(plain.status).toBe(503);
    expect(plain.headers['retry-after']).toBe('5');
    expect(plain.body.error).toBe('temporarily_unavailable');
  });

  it('works as a plain passport strategy named oauth-bearer', async () => {
    expect(new BearerStrategy(makeValidator()).name).toBe('oauth-bearer');
    const ok = await request(app).get('/passport').set('Authorization', `Bearer ${good}`);
    expect(ok.body).toEqual({
      oid: '00000000-0000-0000-0000-0000000000aa',
      kind: 'delegated',
      authInfoKind: 'delegated',
    });
    const bad = await request(app).get('/passport').set('Authorization', `Bearer ${expired}`);
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toBe(
      `Bearer realm="${REALM}", error="invalid_token", error_description="The token has expired."`,
    );
  });

  it('works with a TokenValidator without the sync fast path (async path)', async () => {
    const inner = makeValidator();
    const asyncOnly: TokenValidator = {
      validate: (token) => inner.validate(token),
      warmUp: () => inner.warmUp(),
      ready: () => inner.ready(),
      stats: () => inner.stats(),
    };
    const asyncApp = makeApp(asyncOnly);
    expect(
      (await request(asyncApp).get('/scoped').set('Authorization', `Bearer ${good}`)).status,
    ).toBe(200);
    const bad = await request(asyncApp).get('/me').set('Authorization', `Bearer ${expired}`);
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_token');
  });

  it('guards refuse a request whose req.authInfo was set by someone else', async () => {
    const forged = express();
    forged.get(
      '/',
      (req, _res, next) => {
        req.authInfo = { scopes: ['access_as_user'], roles: [], kind: 'delegated' } as never;
        next();
      },
      requireScopes('access_as_user'),
      (_req, res) => {
        res.send('in');
      },
    );
    expect((await request(forged).get('/')).status).toBe(401);
  });
});

describe('failures are described, never written', () => {
  /** An app whose error handler records what reached it, and whether anything was written. */
  function recording(...handlers: express.RequestHandler[]) {
    const seen: { err: unknown; headersSent: boolean }[] = [];
    const app = express();
    app.get('/', ...handlers, (_req: express.Request, res: express.Response) => {
      res.send('in');
    });
    app.use(((err, _req, res, _next) => {
      seen.push({ err, headersSent: res.headersSent });
      res.status(599).end();
    }) as express.ErrorRequestHandler);
    return { app, seen };
  }

  it.each([
    ['no token', {}, 401, 'ERR_TOKEN_MISSING', `Bearer realm="${REALM}"`],
    [
      'an expired token',
      { authorization: `Bearer ${expired}` },
      401,
      'ERR_TOKEN_EXPIRED',
      `Bearer realm="${REALM}", error="invalid_token", error_description="The token has expired."`,
    ],
    [
      'two credentials',
      { authorization: `Bearer ${good} ${good}` },
      400,
      'ERR_TOKEN_REQUEST_MALFORMED',
      expect.stringMatching(/^Bearer realm="obo-api", error="invalid_request"/),
    ],
  ])(
    'authenticateBearer hands %s to next(err) with its status and challenge',
    async (_name, headers, status, code, challenge) => {
      const { app, seen } = recording(authenticateBearer(makeValidator(), { realm: REALM }));
      await request(app).get('/').set(headers).expect(599);
      expect(seen).toHaveLength(1);
      expect(seen[0].headersSent).toBe(false);
      expect(seen[0].err).toBeInstanceOf(TokenValidationError);
      expect(seen[0].err).toMatchObject({
        code,
        status,
        expose: true,
        headers: { 'www-authenticate': challenge },
      });
    },
  );

  it('a guard hands an InsufficientScopeError with the accepted scopes to next(err)', async () => {
    const { app, seen } = recording(
      authenticateBearer(makeValidator(), { realm: REALM }),
      requireScopes('admin.write'),
    );
    await request(app).get('/').set('authorization', `Bearer ${good}`).expect(599);
    expect(seen[0].err).toBeInstanceOf(InsufficientScopeError);
    expect(seen[0].err).toMatchObject({
      status: 403,
      scopes: ['admin.write'],
      headers: { 'www-authenticate': expect.stringContaining('scope="admin.write"') },
    });
  });

  it('an unreachable JWKS is a 503 with retry-after and no challenge', async () => {
    const down = new FakeKeySource([key]);
    down.fail = true;
    const { app, seen } = recording(authenticateBearer(makeValidator(down), { realm: REALM }));
    await request(app).get('/').set('authorization', `Bearer ${good}`).expect(599);
    expect(seen[0].err).toMatchObject({
      code: 'ERR_JWKS_UNAVAILABLE',
      status: 503,
      headers: { 'retry-after': '5' },
    });
    expect((seen[0].err as TokenValidationError).headers['www-authenticate']).toBeUndefined();
  });

  it('refuses to build a guard without scopes or roles', () => {
    expect(() => requireScopes()).toThrow(TypeError);
    expect(() => requireScopesOrRoles([], [''])).toThrow(TypeError);
  });
});

describe('formatBearerChallenge', () => {
  it('puts the realm first, then the attributes given, values quote-safe, undefined ones left out', () => {
    expect(
      formatBearerChallenge('api', {
        error: 'insufficient_claims',
        error_description: 'say "more"',
        scope: undefined,
        claims: 'eyJ9',
      }),
    ).toBe(
      'Bearer realm="api", error="insufficient_claims", error_description="say more", claims="eyJ9"',
    );
    expect(formatBearerChallenge('a"pi')).toBe('Bearer realm="api"');
  });
});

describe('quoteSafe', () => {
  it('drops quotes, backslashes, control and non-ASCII characters', () => {
    expect(quoteSafe('a"b\\c\r\nd\u00e9\u0000e ok')).toBe('abcde ok');
  });
});
