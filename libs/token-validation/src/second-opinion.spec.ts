import { globalAgent } from 'node:https';
import express, { type Express } from 'express';
import passport from 'passport';
import { BearerStrategy as AadBearerStrategy } from 'passport-azure-ad';
import request from 'supertest';
import { authenticateBearer } from './http/authenticate';
import { entraIssuers } from './issuers';
import { startJwksServer, TEST_CA_PEM, type JwksServer } from './test/jwks-server';
import {
  AUTHORITY,
  b64url,
  CLIENT_ID,
  goodClaims,
  ISSUER_V1,
  ISSUER_V2,
  makeEcKey,
  makeRsaKey,
  OTHER_TENANT,
  signHs256,
  signToken,
  TENANT,
} from './test/tokens';
import { createTokenValidator } from './validator';

/**
 * Second opinion: passport-azure-ad's BearerStrategy (archived upstream; a devDependency only)
 * and ours see the same tokens over HTTP. They must agree on accept/reject, except for the
 * documented cases below where ours is stricter or handles more.
 *
 * passport-azure-ad fetches its openid-configuration and JWKS with `https.get` and the global
 * agent, so the test CA is added to `https.globalAgent.options.ca` for this file only (restored
 * in afterAll). No NODE_TLS_REJECT_UNAUTHORIZED: certificate checking stays on.
 */

type Outcome = 'accept' | 'reject';
interface Case {
  name: string;
  token: string;
  /** How the token is sent; default `Authorization: Bearer <token>`. */
  send?: 'header-double-space' | 'body';
  ours: Outcome;
  aad: Outcome;
  /** Why the two differ (only for documented differences). */
  why?: string;
}

const keyA = makeRsaKey('kid-A');
const keyB = makeRsaKey('kid-B'); // published only after both strategies have warmed up
const impostor = makeRsaKey('kid-A');
const ecKey = makeEcKey('kid-ec');
const THIRD_TENANT = '99999999-8888-7777-6666-555555555555';

let server: JwksServer;
let ours: Express;
let aad: Express;
let savedCa: unknown;

function live(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return goodClaims({ iat: now - 60, nbf: now - 60, exp: now + 3600, ...overrides });
}

function liveApp(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const claims = live({ roles: ['Subscriptions.Read'], idtyp: 'app', ...overrides });
  delete claims['scp'];
  return claims;
}

function app(auth: express.RequestHandler): Express {
  const result = express();
  result.use(express.json());
  result.all('/', auth, (_req, res) => {
    res.json({ ok: true });
  });
  return result;
}

beforeAll(async () => {
  server = await startJwksServer([keyA, ecKey], { https: true });
  server.documents.set(`/${TENANT}/v2.0/.well-known/openid-configuration`, {
    issuer: ISSUER_V2,
    jwks_uri: server.jwksUri,
    authorization_endpoint: `${server.origin}/${TENANT}/oauth2/v2.0/authorize`,
    token_endpoint: `${server.origin}/${TENANT}/oauth2/v2.0/token`,
    id_token_signing_alg_values_supported: ['RS256'],
  });
  savedCa = globalAgent.options.ca;
  globalAgent.options.ca = TEST_CA_PEM;

  const aadPassport = new passport.Passport();
  const aadStrategy = new AadBearerStrategy(
    {
      identityMetadata: `${server.origin}/${TENANT}/v2.0/.well-known/openid-configuration`,
      clientID: CLIENT_ID,
      audience: CLIENT_ID,
      validateIssuer: true,
      issuer: [ISSUER_V2],
      loggingLevel: 'error',
      loggingNoPII: true,
    },
    (token, done) => done(null, token),
  );
  aadPassport.use(aadStrategy as unknown as passport.Strategy);
  aad = app(aadPassport.authenticate('oauth-bearer', { session: false }));

  // Ours, configured for what passport-azure-ad cannot express: v1 and {tenantid} issuers.
  const validator = createTokenValidator({
    jwksUri: server.jwksUri,
    audiences: [CLIENT_ID, `api://${CLIENT_ID}`],
    issuers: entraIssuers(AUTHORITY, { v1: true }),
    allowedTenants: [TENANT, OTHER_TENANT],
    maxTokenBytes: 8 * 1024,
    ca: TEST_CA_PEM,
    // The corpus's unknown-kid case fetches; the rotation case needs the set refetchIntervalMs old.
    refetchIntervalMs: 1,
  });
  ours = app(authenticateBearer(validator));
});

afterAll(async () => {
  globalAgent.options.ca = savedCa as typeof globalAgent.options.ca;
  await server.close();
});

async function outcome(target: Express, c: Case): Promise<Outcome> {
  let res: request.Response;
  if (c.send === 'body') {
    res = await request(target).post('/').send({ access_token: c.token });
  } else {
    const header = c.send === 'header-double-space' ? `Bearer  ${c.token}` : `Bearer ${c.token}`;
    res = await request(target).get('/').set('Authorization', header);
  }
  if (res.status === 200) return 'accept';
  expect([400, 401]).toContain(res.status);
  return 'reject';
}

function corpus(): Case[] {
  const good = signToken(live(), keyA);
  const [h, p, s] = good.split('.') as [string, string, string];
  const now = Math.floor(Date.now() / 1000);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const twin = good.slice(0, -1) + alphabet.charAt(alphabet.indexOf(good.slice(-1)) ^ 1);
  const both = (outcomeOfBoth: Outcome) => ({ ours: outcomeOfBoth, aad: outcomeOfBoth });
  return [
    // Agreement: accepted.
    { name: 'good delegated v2 token', token: good, ...both('accept') },
    { name: 'good app-only token (roles)', token: signToken(liveApp(), keyA), ...both('accept') },
    {
      name: 'one-element aud array',
      token: signToken(live({ aud: [CLIENT_ID] }), keyA),
      ...both('accept'),
    },
    {
      name: 'expired 60 s ago (within skew)',
      token: signToken(live({ exp: now - 60, nbf: now - 600 }), keyA),
      ...both('accept'),
    },
    // Agreement: rejected.
    {
      name: 'expired an hour ago',
      token: signToken(live({ exp: now - 3600, nbf: now - 7200 }), keyA),
      ...both('reject'),
    },
    {
      name: 'not valid for an hour',
      token: signToken(live({ nbf: now + 3600, exp: now + 7200 }), keyA),
      ...both('reject'),
    },
    {
      name: 'wrong audience',
      token: signToken(live({ aud: 'https://graph.microsoft.com' }), keyA),
      ...both('reject'),
    },
    {
      name: 'wrong issuer host',
      token: signToken(live({ iss: `https://evil.example/${TENANT}/v2.0` }), keyA),
      ...both('reject'),
    },
    {
      name: 'foreign tenant',
      token: signToken(live({ tid: THIRD_TENANT, iss: `${AUTHORITY}/${THIRD_TENANT}/v2.0` }), keyA),
      ...both('reject'),
    },
    {
      name: 'signed by another key with the same kid',
      token: signToken(live(), impostor),
      ...both('reject'),
    },
    {
      name: 'tampered payload',
      token: `${h}.${b64url(live({ scp: 'admin' }))}.${s}`,
      ...both('reject'),
    },
    {
      name: 'alg none',
      token: `${b64url({ alg: 'none', typ: 'JWT', kid: 'kid-A' })}.${p}.`,
      ...both('reject'),
    },
    {
      name: 'HS256 signed with the public key',
      token: signHs256(live(), keyA.publicKey.export({ type: 'spki', format: 'pem' }), 'kid-A'),
      ...both('reject'),
    },
    { name: 'RS512 header', token: signToken(live(), keyA, { alg: 'RS512' }), ...both('reject') },
    {
      name: 'kid never published',
      token: signToken(live(), keyA, { kid: 'kid-unknown' }),
      ...both('reject'),
    },
    {
      name: 'RS256 token naming an EC key',
      token: signToken(live(), keyA, { kid: ecKey.kid }),
      ...both('reject'),
    },
    {
      name: 'JWE (5 segments)',
      token: `${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`,
      ...both('reject'),
    },
    { name: 'two segments', token: `${h}.${p}`, ...both('reject') },
    { name: 'garbage', token: 'not-a-token', ...both('reject') },
    {
      name: 'several audiences, azp not the client',
      token: signToken(live({ aud: [CLIENT_ID, 'other'] }), keyA),
      ...both('reject'),
    },
    { name: 'no exp', token: signToken(live({ exp: undefined }), keyA), ...both('reject') },
    {
      name: 'nbf not before exp',
      token: signToken(live({ nbf: now + 10, exp: now + 10 }), keyA),
      ...both('reject'),
    },
    {
      name: 'typ JOSE+JSON (payload not parsed by jws)',
      token: signToken(live(), keyA, { typ: 'JOSE+JSON' }),
      ...both('reject'),
    },
    {
      name: 'several audiences, azp = client',
      token: signToken(live({ aud: [CLIENT_ID, 'other'], azp: CLIENT_ID }), keyA),
      ...both('reject'),
    },
    // Documented: ours is stricter.
    {
      name: 'neither scp nor roles',
      token: signToken(live({ scp: undefined }), keyA),
      ours: 'reject',
      aad: 'accept',
      why: 'an access token for an API must carry scp or roles',
    },
    {
      name: 'no tid',
      token: signToken(live({ tid: undefined }), keyA),
      ours: 'reject',
      aad: 'accept',
      why: 'tid is required (requireTenantId)',
    },
    {
      name: 'tid differs from the tenant in iss',
      token: signToken(live({ tid: OTHER_TENANT }), keyA),
      ours: 'reject',
      aad: 'accept',
      why: 'tid must match iss',
    },
    {
      name: 'crit header',
      token: signToken(live(), keyA, { crit: ['exp'] }),
      ours: 'reject',
      aad: 'accept',
      why: 'unsupported critical headers must be refused (RFC 7515 §4.1.11)',
    },
    {
      name: 'non-canonical signature encoding',
      token: twin,
      ours: 'reject',
      aad: 'accept',
      why: 'two strings must not carry one signature',
    },
    {
      name: 'app-only idtyp with scp',
      token: signToken(live({ idtyp: 'app' }), keyA),
      ours: 'reject',
      aad: 'accept',
      why: 'contradictory token kind',
    },
    {
      name: 'unknown ver 3.0',
      token: signToken(live({ ver: '3.0' }), keyA),
      ours: 'reject',
      aad: 'accept',
      why: 'only v1.0 / v2.0 tokens',
    },
    {
      name: 'over maxTokenBytes (8 KB here)',
      token: signToken(live({ pad: 'x'.repeat(9000) }), keyA),
      ours: 'reject',
      aad: 'accept',
      why: 'size limit before any crypto',
    },
    {
      name: 'token in the body',
      token: good,
      send: 'body',
      ours: 'reject',
      aad: 'accept',
      why: 'RFC 6750 body tokens are not accepted (header only)',
    },
    // Documented: ours handles more.
    {
      name: 'typ at+jwt (RFC 9068)',
      token: signToken(live(), keyA, { typ: 'at+jwt' }),
      ours: 'accept',
      aad: 'reject',
      why: 'jws only parses the payload of typ JWT',
    },
    {
      name: 'v1 token (api:// audience, sts.windows.net issuer)',
      token: signToken(live({ aud: `api://${CLIENT_ID}`, iss: ISSUER_V1, ver: '1.0' }), keyA),
      ours: 'accept',
      aad: 'reject',
      why: 'v1 + v2 issuers',
    },
    {
      name: 'second allow-listed tenant via {tenantid}',
      token: signToken(live({ tid: OTHER_TENANT, iss: `${AUTHORITY}/${OTHER_TENANT}/v2.0` }), keyA),
      ours: 'accept',
      aad: 'reject',
      why: '{tenantid} issuer templating',
    },
    {
      name: 'extra whitespace in the header',
      token: good,
      send: 'header-double-space',
      ours: 'accept',
      aad: 'reject',
      why: 'lenient header parsing',
    },
  ];
}

describe('second opinion: passport-azure-ad BearerStrategy vs ours', () => {
  it('agree on every token except the documented cases', async () => {
    const cases = corpus();
    for (const c of cases) {
      const seen = { ours: await outcome(ours, c), aad: await outcome(aad, c) };
      expect({ name: c.name, ...seen }).toEqual({ name: c.name, ours: c.ours, aad: c.aad });
      expect(c.ours === c.aad || c.why !== undefined).toBe(true);
    }
    expect(cases.filter((c) => c.ours !== c.aad)).toHaveLength(13);
  });

  it('a rotated-in key: ours refetches the JWKS, passport-azure-ad keeps its cached keys', async () => {
    // Both have loaded the key set once (also when this test runs alone).
    const warm: Case = {
      name: 'warm',
      token: signToken(live(), keyA),
      ours: 'accept',
      aad: 'accept',
    };
    expect([await outcome(ours, warm), await outcome(aad, warm)]).toEqual(['accept', 'accept']);
    const before = server.requests;
    server.keys = [keyA, keyB, ecKey];
    const rotated: Case = {
      name: 'rotated key',
      token: signToken(live(), keyB),
      ours: 'accept',
      aad: 'reject',
    };
    expect(await outcome(ours, rotated)).toBe('accept');
    expect(await outcome(aad, rotated)).toBe('reject');
    expect(server.requests - before).toBe(1);
  });
});
