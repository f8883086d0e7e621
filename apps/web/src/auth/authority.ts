import { b2cAuthority, type IdentityConfig } from '@obo/config';
import type { AuthFlow } from './session-data';

/**
 * The one place the sign-in authority is chosen. Entra, CIAM and the emulator have one
 * authority; B2C has one per user flow (sign-up/sign-in, edit profile, password reset).
 * Returns undefined when the flow is not configured.
 */
export function authorityFor(
  identity: IdentityConfig,
  flow: AuthFlow = 'signIn',
): string | undefined {
  if (flow === 'signIn') return identity.authority;
  const b2c = identity.b2c;
  if (!b2c) return undefined;
  const policy = flow === 'editProfile' ? b2c.editProfilePolicy : b2c.resetPasswordPolicy;
  return policy ? b2cAuthority(b2c.tenantName, policy, b2c.host) : undefined;
}

/**
 * The authority's end-session endpoint (RP-initiated logout), returning the browser to
 * `postLogoutRedirectUri`; `logoutHint` (the ID token's `login_hint`) skips the account picker.
 */
export function endSessionUrl(
  authority: string,
  params: { postLogoutRedirectUri: string; clientId: string; logoutHint?: string },
): string {
  const url = new URL(`${authority.replace(/\/+$/, '')}/oauth2/v2.0/logout`);
  url.searchParams.set('post_logout_redirect_uri', params.postLogoutRedirectUri);
  url.searchParams.set('client_id', params.clientId);
  if (params.logoutHint) url.searchParams.set('logout_hint', params.logoutHint);
  return url.toString();
}
