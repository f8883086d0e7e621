import type { TokenValidationError } from '@obo/token-validation';
import type { Response } from 'express';
import type { EmulatorContext } from '../context';
import { siteOf } from '../sites/site';
import { ArmError } from './wire';

/**
 * The authority ARM's challenges name for this request: `https://login.windows.net/{tid}` on
 * `management.azure.com` (as ARM writes it), the emulator's own authority locally.
 */
export function armChallengeAuthority(ctx: EmulatorContext, res: Response): string {
  return `${siteOf(res).names.armAuthority}/${ctx.seed.tenant.id}`;
}

/**
 * ARM's 401: `AuthenticationFailed` for a missing or unreadable header, else a code naming what
 * is wrong with the token; its `WWW-Authenticate` names the authority to get a token from.
 */
export function armAuthFailed(
  authorizationUri: string,
  message: string,
  code = 'AuthenticationFailed',
): ArmError {
  const error = code === 'AuthenticationFailed' ? '' : ', error="invalid_token"';
  return new ArmError(401, code, message, {
    'WWW-Authenticate': `Bearer authorization_uri="${authorizationUri}", error_description="${message.replace(/"/g, "'")}"${error}`,
  });
}

/**
 * ARM's Continuous Access Evaluation challenge: a CAE token (its client declared `cp1`) issued
 * before a critical event of its user (`revokedAt`, epoch ms) is refused with a claims
 * challenge asking for a token not before that time. ARM's body names the reason as Graph's
 * does.
 */
export function armCaeChallenge(authorizationUri: string, revokedAt: number): ArmError {
  const claims = JSON.stringify({
    access_token: { nbf: { essential: true, value: String(Math.floor(revokedAt / 1000)) } },
  });
  return new ArmError(
    401,
    'InvalidAuthenticationToken',
    'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp',
    {
      'WWW-Authenticate': `Bearer authorization_uri="${authorizationUri}", error="insufficient_claims", error_description="User session has been revoked", claims="${Buffer.from(claims).toString('base64')}"`,
    },
  );
}

/** A token @obo/token-validation refused, as ARM answers it (challenge naming `authorizationUri`). */
export function armTokenError(authorizationUri: string, err: TokenValidationError): ArmError {
  const code =
    err.code === 'ERR_TOKEN_EXPIRED'
      ? 'ExpiredAuthenticationToken'
      : err.code === 'ERR_TOKEN_AUDIENCE'
        ? 'InvalidAuthenticationTokenAudience'
        : err.code.startsWith('ERR_TOKEN_TENANT') || err.code === 'ERR_TOKEN_ISSUER'
          ? 'InvalidAuthenticationTokenTenant'
          : 'InvalidAuthenticationToken';
  return armAuthFailed(authorizationUri, `The access token is invalid: ${err.message}`, code);
}
