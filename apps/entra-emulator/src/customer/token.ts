import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import { grantName } from '../counters';
import type { RealmHandler } from './flow';
import { CustomerOboError, customerOnBehalfOf } from './on-behalf-of';
import { b2cDescription, MAX_ENTRIES, safeEqual, type CustomerState } from './state';
import { issueCustomerTokens, type CustomerGrant, type Realm } from './tokens';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The token endpoint of a B2C user flow or the CIAM tenant: `authorization_code` (+PKCE) and
 * `refresh_token`; in the External ID tenant also On-Behalf-Of (`jwt-bearer`), which B2C
 * refuses (AADB2C90086).
 */
export function tokenHandler(ctx: EmulatorContext, state: CustomerState): RealmHandler {
  const { codes, refreshTokens } = state;
  const tokenError = (
    req: Request,
    res: Response,
    status: number,
    error: string,
    message: string,
  ) =>
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .json({ error, error_description: b2cDescription(ctx, req, message) });

  const token = (r: Realm, req: Request, res: Response) => {
    const body = req.body as Record<string, string>;
    const grantType = body.grant_type ?? '';
    const b2c = r.tenant.kind === 'b2c';
    ctx.counters.token.total += 1;
    ctx.counters.token[grantName(grantType, body.requested_token_use)] += 1;
    // External ID supports On-Behalf-Of; B2C does not (AADB2C90086).
    const obo = !b2c && grantType === JWT_BEARER && body.requested_token_use === 'on_behalf_of';
    if (!obo && !['authorization_code', 'refresh_token'].includes(grantType)) {
      return tokenError(
        req,
        res,
        400,
        'unsupported_grant_type',
        b2c
          ? `AADB2C90086: The supplied grant_type [${grantType}] is not supported.`
          : `AADSTS70003: The app requested an unsupported grant type '${grantType}'.`,
      );
    }
    const basic = /^Basic (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const [basicId, basicSecret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent)
      : [];
    const client = r.tenant.app(body.client_id ?? basicId);
    const secret = body.client_secret ?? basicSecret;
    if (!client) {
      return tokenError(
        req,
        res,
        400,
        'unauthorized_client',
        `AADB2C90018: The client id '${body.client_id ?? ''}' specified in the request is not registered in tenant '${r.tenant.domain}'.`,
      );
    }
    if (secret === undefined || !client.secrets.some((s) => safeEqual(s, secret))) {
      return tokenError(
        req,
        res,
        401,
        'invalid_client',
        'AADB2C90081: The specified client_secret does not match the expected value for this client.',
      );
    }
    if (obo) {
      try {
        return res.set('Cache-Control', 'no-store').json(customerOnBehalfOf(ctx, r, client, body));
      } catch (error) {
        if (!(error instanceof CustomerOboError)) throw error;
        return tokenError(req, res, error.status, error.error, error.message);
      }
    }
    let grant: CustomerGrant;
    if (grantType === 'authorization_code') {
      const code = codes.take(body.code);
      if (!code || code.realm.tenant !== r.tenant || code.client.clientId !== client.clientId) {
        return tokenError(
          req,
          res,
          400,
          'invalid_grant',
          'AADB2C90080: The provided grant has expired. Please re-authenticate and try again.',
        );
      }
      if (body.redirect_uri !== code.redirectUri) {
        return tokenError(
          req,
          res,
          400,
          'invalid_request',
          'AADB2C90006: The redirect URI provided in the request does not match the one of the authorization request.',
        );
      }
      if (code.codeChallenge) {
        const verifier = body.code_verifier ?? '';
        const computed = createHash('sha256').update(verifier).digest('base64url');
        if (!safeEqual(computed, code.codeChallenge)) {
          return tokenError(
            req,
            res,
            400,
            'invalid_grant',
            'AADB2C90183: The supplied code_verifier is invalid.',
          );
        }
      }
      grant = code;
    } else {
      const stored = refreshTokens.get(body.refresh_token ?? '');
      if (
        !stored ||
        stored.realm.tenant !== r.tenant ||
        stored.client.clientId !== client.clientId
      ) {
        return tokenError(
          req,
          res,
          400,
          'invalid_grant',
          'AADB2C90080: The provided grant has expired. Please re-authenticate and try again.',
        );
      }
      const user = r.tenant.user(stored.user.id);
      if (!user)
        return tokenError(req, res, 400, 'invalid_grant', 'AADB2C99002: This user does not exist.');
      const requested = (body.scope ?? '').split(' ').filter(Boolean);
      grant = {
        ...stored,
        user,
        scopes: requested.length > 0 ? requested : stored.scopes,
        nonce: undefined,
        newUser: false,
      };
    }
    let refresh: string | undefined;
    if (grant.scopes.includes('offline_access')) {
      refresh = randomBytes(48).toString('base64url');
      const oldest = refreshTokens.keys().next().value;
      if (refreshTokens.size >= MAX_ENTRIES && oldest !== undefined) refreshTokens.delete(oldest);
      refreshTokens.set(refresh, {
        ...grant,
        scopes: [...new Set([...grant.scopes, 'offline_access'])],
      });
    }
    const user = r.tenant.user(grant.user.id) ?? grant.user;
    return res
      .set('Cache-Control', 'no-store')
      .json(issueCustomerTokens(ctx, { ...grant, user }, refresh));
  };
  return token;
}
