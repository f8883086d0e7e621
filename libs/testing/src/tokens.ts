import { request } from 'node:https';
import { EMULATOR_DEFAULTS } from '@obo/config';

/** What a test needs to know of a running emulator to get tokens from it. */
export interface TokenSource {
  /** `{url}/{tenantId}` */
  authority: string;
  caCert: string;
}

export interface PasswordGrant {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  username: string;
  password: string;
  /** A `claims` request, e.g. client capabilities `{"access_token":{"xms_cc":{"values":["cp1"]}}}`. */
  claims?: string;
}

/** Capabilities claim announcing that the client handles claims challenges. */
export const CP1_CLAIMS = JSON.stringify({ access_token: { xms_cc: { values: ['cp1'] } } });

/**
 * A user's access token through the resource-owner password grant, which the emulator keeps
 * for scripted tests: no browser, no MSAL, one HTTPS round trip.
 */
export async function passwordGrantToken(
  source: TokenSource,
  grant: PasswordGrant,
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: grant.clientId,
    client_secret: grant.clientSecret,
    scope: grant.scopes.join(' '),
    username: grant.username,
    password: grant.password,
    ...(grant.claims ? { claims: grant.claims } : {}),
  }).toString();
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(
      `${source.authority}/oauth2/v2.0/token`,
      {
        method: 'POST',
        ca: source.caCert,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(text)
            : reject(new Error(`token endpoint answered ${res.statusCode}: ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(form);
  });
  return (JSON.parse(body) as { access_token: string }).access_token;
}

/**
 * An access token for the API, as the web app gets it, for a seeded user of the emulator's
 * development tenant (`alice` → `alice@obodev.onmicrosoft.com`); `cp1` announces the client
 * capability.
 */
export function devUserToken(
  source: TokenSource,
  username: string,
  options: { cp1?: boolean } = {},
): Promise<string> {
  return passwordGrantToken(source, {
    clientId: EMULATOR_DEFAULTS.web.clientId,
    clientSecret: EMULATOR_DEFAULTS.web.clientSecret,
    scopes: [`api://${EMULATOR_DEFAULTS.api.clientId}/access_as_user`],
    username: `${username}@${EMULATOR_DEFAULTS.tenantDomain}`,
    password: EMULATOR_DEFAULTS.devPassword,
    claims: options.cp1 ? CP1_CLAIMS : undefined,
  });
}

/** The payload of a JWT, decoded without verification (tests only). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}
