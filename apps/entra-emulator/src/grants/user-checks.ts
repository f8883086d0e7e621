import type { EmulatorContext } from '../context';
import type { ScopeRequest } from '../directory';
import { AadError } from '../errors/wire';
import { mfaClaimsChallenge } from '../faults';
import type { SeedApp, SeedUser } from '../seed/schema';
import type { AuthStrength } from '../store';
import { claimsSatisfyPolicy, type ClaimsRequest } from './claims';

/**
 * Checks consent and Conditional Access for a delegated token and returns the permissions to
 * grant and the (possibly stepped-up) authentication strength.
 * Throws AADSTS65001 (consent) or AADSTS50076 with a claims challenge (MFA).
 */
export function checkUserGrant(
  ctx: EmulatorContext,
  input: {
    user: SeedUser;
    client: SeedApp;
    request: ScopeRequest;
    strength: AuthStrength;
    claims: ClaimsRequest;
  },
): { scopes: string[]; strength: AuthStrength } {
  const { user, client, request } = input;
  let scopes = request.permissions;
  if (!request.implicit) {
    const consented = ctx.directory.consentedScopes(user, client, request.resource);
    const missing = request.isDefault
      ? consented.size === 0
      : request.permissions.some((p) => !consented.has(p));
    if (missing) throw consentRequired(client, request);
    if (request.isDefault) scopes = [...consented];
  }
  let strength = input.strength;
  const policy = ctx.directory.mfaPolicy(user, request.resource);
  if (policy && !strength.amr.includes('mfa')) {
    if (!claimsSatisfyPolicy(input.claims, policy.id)) {
      throw new AadError(
        50076,
        'interaction_required',
        `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${request.resource.clientId}'.`,
        { claims: mfaClaimsChallenge(policy.id) },
      );
    }
    strength = { amr: [...new Set([...strength.amr, 'mfa'])], acrs: input.claims.acrs };
  }
  return { scopes, strength };
}

export function consentRequired(client: SeedApp, _request?: ScopeRequest): AadError {
  return new AadError(
    65001,
    'invalid_grant',
    `The user or administrator has not consented to use the application with ID '${client.clientId}' named '${client.displayName}'. Send an interactive authorization request for this user and resource.`,
    { suberror: 'consent_required' },
  );
}
