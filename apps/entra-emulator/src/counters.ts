/** Grant types as the counters name them. */
export const GRANT_NAMES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'password',
  'on_behalf_of',
  'other',
] as const;
export type GrantName = (typeof GRANT_NAMES)[number];

/** Requests served per endpoint (and per grant type at the token endpoint). */
export interface EmulatorCounters {
  token: Record<GrantName | 'total', number>;
  authorize: number;
  login: number;
  jwks: number;
  discovery: number;
  instanceDiscovery: number;
  logout: number;
  /** ARM requests, and the CAE challenges it answered (`caeChallenges`: a revoked CAE token). */
  arm: { subscriptions: number; subscription: number; total: number; caeChallenges: number };
  /** Microsoft Graph: `/me`, `/users/{id}`, and every Graph request (app registration included). */
  graph: { me: number; user: number; total: number };
}

export function emptyCounters(): EmulatorCounters {
  const token = Object.fromEntries(
    [...GRANT_NAMES, 'total'].map((g) => [g, 0]),
  ) as EmulatorCounters['token'];
  return {
    token,
    authorize: 0,
    login: 0,
    jwks: 0,
    discovery: 0,
    instanceDiscovery: 0,
    logout: 0,
    arm: { subscriptions: 0, subscription: 0, total: 0, caeChallenges: 0 },
    graph: { me: 0, user: 0, total: 0 },
  };
}

/** Maps a `grant_type` (+ `requested_token_use`) to its counter name. */
export function grantName(grantType: unknown, requestedTokenUse?: unknown): GrantName {
  if (
    grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer' &&
    requestedTokenUse === 'on_behalf_of'
  ) {
    return 'on_behalf_of';
  }
  return (GRANT_NAMES as readonly unknown[]).includes(grantType) && grantType !== 'on_behalf_of'
    ? (grantType as GrantName)
    : 'other';
}
