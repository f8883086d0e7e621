import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import { grantName } from '../counters';
import type { RealmHandler } from './flow';
import { AadError } from '../errors/wire';
import { customerOnBehalfOf } from './on-behalf-of';
import { MAX_ENTRIES, safeEqual, type CustomerState } from './state';
import { issueCustomerTokens, type CustomerGrant, type Realm } from './tokens';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The token endpoint of a B2C user flow or the CIAM tenant: `authorization_code` (+PKCE) and
 * `refresh_token`; in the External ID tenant also On-Behalf-Of (`jwt-bearer`), which B2C
 * refuses (AADB2C90086).
 */
export function tokenHandler(ctx: EmulatorContext, state: CustomerState): RealmHandler {
  const { codes, refreshTokens } = state;
  const expired = () =>
    new AadError(
      90080,
      'invalid_grant',
      'The provided grant has expired. Please re-authenticate and try again.',
      { prefix: 'AADB2C' },
    );

  const token = (r: Realm, req: Request, res: Response) => {
    const body = req.body as Record<string, string>;
    const grantType = body.grant_type ?? '';
    const b2c = r.tenant.kind === 'b2c';
    ctx.counters.token.total += 1;
    ctx.counters.token[grantName(grantType, body.requested_token_use)] += 1;
    // External ID supports On-Behalf-Of; B2C does not (AADB2C90086).
    const obo = !b2c && grantType === JWT_BEARER && body.requested_token_use === 'on_behalf_of';
    if (!obo && !['authorization_code', 'refresh_token'].includes(grantType)) {
      throw b2c
        ? new AadError(
            90086,
            'unsupported_grant_type',
            `The supplied grant_type [${grantType}] is not supported.`,
            { prefix: 'AADB2C' },
          )
        : new AadError(
            70003,
            'unsupported_grant_type',
            `The app requested an unsupported grant type '${grantType}'.`,
          );
    }
    const basic = /^Basic (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const [basicId, basicSecret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent)
      : [];
    const client = r.tenant.app(body.client_id ?? basicId);
    const secret = body.client_secret ?? basicSecret;
    if (!client) {
      throw new AadError(
        90018,
        'unauthorized_client',
        `The client id '${body.client_id ?? ''}' specified in the request is not registered in tenant '${r.tenant.domain}'.`,
        { prefix: 'AADB2C' },
      );
    }
    if (secret === undefined || !client.secrets.some((s) => safeEqual(s, secret))) {
      throw new AadError(
        90081,
        'invalid_client',
        'The specified client_secret does not match the expected value for this client.',
        { prefix: 'AADB2C' },
      );
    }
    if (obo) {
      return res.set('Cache-Control', 'no-store').json(customerOnBehalfOf(ctx, r, client, body));
    }
    let grant: CustomerGrant;
    if (grantType === 'authorization_code') {
      const code = codes.take(body.code);
      if (!code || code.realm.tenant !== r.tenant || code.client.clientId !== client.clientId) {
        throw expired();
      }
      if (body.redirect_uri !== code.redirectUri) {
        throw new AadError(
          90006,
          'invalid_request',
          'The redirect URI provided in the request does not match the one of the authorization request.',
          { prefix: 'AADB2C' },
        );
      }
      if (code.codeChallenge) {
        const verifier = body.code_verifier ?? '';
        const computed = createHash('sha256').update(verifier).digest('base64url');
        if (!safeEqual(computed, code.codeChallenge)) {
          throw new AadError(90183, 'invalid_grant', 'The supplied code_verifier is invalid.', {
            prefix: 'AADB2C',
          });
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
        throw expired();
      }
      const user = r.tenant.user(stored.user.id);
      if (!user)
        throw new AadError(99002, 'invalid_grant', 'This user does not exist.', {
          prefix: 'AADB2C',
        });
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
