import {
  constants,
  createHash,
  createPublicKey,
  verify,
  X509Certificate,
  type JsonWebKey,
} from 'node:crypto';
import { aad, type ErrorCatalogue } from '../errors/entra';
import { decodeJwt, verifyRs256, type DecodedJwt } from '../jwt';
import { safeEqual } from '../safe-equal';
import type { AuthenticatedClient, TenantClient } from '../tenants/tenant';
import type { GrantRequest } from './types';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * Authenticates the client of a token request at the addressed tenant: `client_secret` (basic
 * or post), `private_key_jwt` with a registered certificate, or a federated credential's
 * assertion. Public clients (no credential) only where the app allows them and `allowPublic`
 * is set. Refusals are the tenant's (B2C: AADB2C90018, AADB2C90081).
 */
export async function authenticateClient<App extends TenantClient>(
  g: GrantRequest,
  options: { allowPublic?: boolean } = {},
): Promise<AuthenticatedClient<App>> {
  const { realm, body } = g;
  const { errors } = realm.tenant;
  const basic = parseBasic(g.req.headers.authorization);
  const assertion = body.client_assertion;
  let clientId = basic?.clientId ?? body.client_id;
  let jwt: DecodedJwt | undefined;
  if (assertion !== undefined) {
    if (body.client_assertion_type !== JWT_BEARER_ASSERTION) {
      throw errors.malformed(`client_assertion_type must be '${JWT_BEARER_ASSERTION}'.`);
    }
    jwt = decodeJwt(assertion);
    if (!jwt) throw errors.badClientAssertion(50027, 'JWT token is invalid or malformed.');
    clientId ??= typeof jwt.payload.sub === 'string' ? jwt.payload.sub : undefined;
  }
  if (!clientId) throw errors.missingClientId(realm.name);
  const app = realm.tenant.app(clientId) as App | undefined;
  if (!app) throw errors.unknownClient(clientId, realm.name);

  const secret = basic?.secret ?? body.client_secret;
  if (secret !== undefined) {
    if (!app.secrets.some((s) => safeEqual(s, secret))) throw errors.badSecret(app.clientId);
    return { app, acr: '1' };
  }
  if (jwt) {
    await verifyClientAssertion(g, app, jwt);
    return { app, acr: '2' };
  }
  if (options.allowPublic && app.allowPublicClient) return { app, acr: '0' };
  throw errors.missingCredential();
}

async function verifyClientAssertion(
  g: GrantRequest,
  app: TenantClient,
  jwt: DecodedJwt,
): Promise<void> {
  const { header, payload } = jwt;
  const refuse = g.realm.tenant.errors.badClientAssertion;
  const now = Math.floor(g.ctx.now() / 1000);
  const expired = typeof payload.exp !== 'number' || payload.exp + 300 < now;
  const thumbprint = header['x5t#S256'] ?? header.x5t;
  if (thumbprint !== undefined) {
    const cert = (app.certificates ?? [])
      .map((pem) => new X509Certificate(pem))
      .find((c) => matchesThumbprint(c, header));
    if (!cert) {
      throw refuse(
        700027,
        `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${String(thumbprint)}']`,
      );
    }
    if (!verifyRs256(jwt, cert.publicKey) && !verifyPs256(jwt, cert)) {
      throw refuse(700027, 'Client assertion failed signature validation.');
    }
    if (payload.iss !== app.clientId || payload.sub !== app.clientId) {
      throw refuse(
        700021,
        "Client assertion application identifier doesn't match 'client_id' parameter.",
      );
    }
    if (!audienceMatches(g, payload.aud)) {
      throw refuse(700212, 'The client assertion audience is not the token endpoint.');
    }
    if (expired) throw refuse(700024, 'Client assertion is not within its valid time range.');
    return;
  }
  const fic = (app.federatedCredentials ?? []).find(
    (f) => f.issuer === payload.iss && f.subject === payload.sub,
  );
  if (!fic) {
    throw refuse(
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${String(payload.iss)}'. Assertion Subject: '${String(payload.sub)}'.`,
    );
  }
  const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!auds.some((a) => fic.audiences.includes(String(a)))) {
    throw refuse(
      700212,
      `No matching federated identity record found for presented assertion audience '${auds.join(',')}'.`,
    );
  }
  const keys = fic.jwks?.keys ?? (await fetchIssuerKeys(fic.issuer, refuse));
  const jwk = keys.find((k) => header.kid === undefined || k.kid === header.kid);
  let ok = false;
  try {
    ok = !!jwk && verifyRs256(jwt, createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
  } catch {
    ok = false;
  }
  if (!ok) {
    throw refuse(700213, 'The federated assertion failed signature validation.');
  }
  if (expired) throw refuse(700024, 'Client assertion is not within its valid time range.');
}

function matchesThumbprint(cert: X509Certificate, header: Record<string, unknown>): boolean {
  const sha256 = createHash('sha256').update(cert.raw).digest();
  const sha1 = createHash('sha1').update(cert.raw).digest();
  const same = (value: unknown, digest: Buffer) =>
    typeof value === 'string' &&
    (value === digest.toString('base64url') || value.toLowerCase() === digest.toString('hex'));
  return same(header['x5t#S256'], sha256) || same(header.x5t, sha1);
}

/** MSAL Node signs certificate assertions with PS256 when it has a SHA-256 thumbprint. */
function verifyPs256(jwt: DecodedJwt, cert: X509Certificate): boolean {
  if (jwt.header.alg !== 'PS256') return false;
  try {
    return verify(
      'sha256',
      Buffer.from(jwt.signingInput),
      { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      jwt.signature,
    );
  } catch {
    return false;
  }
}

/**
 * The token endpoint or the tenant's authority, under any of the tenant's names, on any of the
 * hosts its endpoints answer at under the names the request came in with.
 */
function audienceMatches(g: GrantRequest, aud: unknown): boolean {
  const { realm } = g;
  const tenants = [realm.name, realm.tenant.id, realm.tenant.domain].map((t) => t.toLowerCase());
  const origins = new Set([realm.site.origin, ...realm.tenant.origins(realm.site.names)]);
  const accepted = new Set(
    [...origins].flatMap((origin) =>
      tenants.flatMap((t) => [
        `${origin}/${t}/oauth2/v2.0/token`,
        `${origin}/${t}/oauth2/token`,
        `${origin}/${t}/v2.0`,
        `${origin}/${t}/`,
        `${origin}/${t}`,
      ]),
    ),
  );
  const auds = Array.isArray(aud) ? aud : [aud];
  return auds.some((a) => typeof a === 'string' && accepted.has(a.toLowerCase()));
}

function parseBasic(header: string | undefined): { clientId: string; secret: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw aad.malformed('The Authorization header is not valid Basic credentials.');
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    throw aad.malformed('The Authorization header is not valid Basic credentials.');
  }
}

const issuerKeys = new Map<string, { keys: Record<string, unknown>[]; fetchedAt: number }>();

/**
 * The JWKS of a federated issuer without inline keys, via its OpenID discovery document.
 * Cached for 10 minutes; failures become AADSTS700211 (Entra's "no matching federated
 * identity record" family), never a 500.
 */
async function fetchIssuerKeys(
  issuer: string,
  refuse: ErrorCatalogue['badClientAssertion'],
): Promise<Record<string, unknown>[]> {
  const cached = issuerKeys.get(issuer);
  if (cached && Date.now() - cached.fetchedAt < 600_000) return cached.keys;
  try {
    const signal = AbortSignal.timeout(5000);
    const config = (await (
      await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, { signal })
    ).json()) as { jwks_uri?: unknown };
    if (typeof config.jwks_uri !== 'string') throw new Error('no jwks_uri');
    const jwks = (await (await fetch(config.jwks_uri, { signal })).json()) as { keys?: unknown };
    if (!Array.isArray(jwks.keys)) throw new Error('no keys');
    const keys = jwks.keys as Record<string, unknown>[];
    issuerKeys.set(issuer, { keys, fetchedAt: Date.now() });
    return keys;
  } catch (cause) {
    throw refuse(
      700211,
      `Cannot fetch the signing keys of the federated issuer '${issuer}': ${(cause as Error).message}.`,
    );
  }
}
