import type { TokenValidationError } from '@obo/token-validation';
import type { EmulatorContext } from '../context';
import { ArmError } from './wire';

/**
 * ARM's 401: `AuthenticationFailed` for a missing or unreadable header, else a code naming what
 * is wrong with the token; its `WWW-Authenticate` names the authority to get a token from.
 */
export function armAuthFailed(
  ctx: EmulatorContext,
  message: string,
  code = 'AuthenticationFailed',
): ArmError {
  const error = code === 'AuthenticationFailed' ? '' : ', error="invalid_token"';
  return new ArmError(401, code, message, {
    'WWW-Authenticate': `Bearer authorization_uri="${ctx.baseUrl}/${ctx.seed.tenant.id}", error_description="${message.replace(/"/g, "'")}"${error}`,
  });
}

/**
 * ARM's Continuous Access Evaluation challenge: a CAE token (its client declared `cp1`) issued
 * before a critical event of its user (`revokedAt`, epoch ms) is refused with a claims
 * challenge asking for a token not before that time. ARM's body names the reason as Graph's
 * does.
 */
export function armCaeChallenge(ctx: EmulatorContext, revokedAt: number): ArmError {
  const claims = JSON.stringify({
    access_token: { nbf: { essential: true, value: String(Math.floor(revokedAt / 1000)) } },
  });
  return new ArmError(
    401,
    'InvalidAuthenticationToken',
    'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp',
    {
      'WWW-Authenticate': `Bearer authorization_uri="${ctx.baseUrl}/${ctx.seed.tenant.id}", error="insufficient_claims", error_description="User session has been revoked", claims="${Buffer.from(claims).toString('base64')}"`,
    },
  );
}

/** A token @obo/token-validation refused, as ARM answers it. */
export function armTokenError(ctx: EmulatorContext, err: TokenValidationError): ArmError {
  const code =
    err.code === 'ERR_TOKEN_EXPIRED'
      ? 'ExpiredAuthenticationToken'
      : err.code === 'ERR_TOKEN_AUDIENCE'
        ? 'InvalidAuthenticationTokenAudience'
        : err.code.startsWith('ERR_TOKEN_TENANT') || err.code === 'ERR_TOKEN_ISSUER'
          ? 'InvalidAuthenticationTokenTenant'
          : 'InvalidAuthenticationToken';
  return armAuthFailed(ctx, `The access token is invalid: ${err.message}`, code);
}
