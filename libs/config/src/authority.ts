/** Builds authority URLs for each kind of tenant. All results carry no trailing slash. */

/** Workforce tenant (and the emulator): `https://{host}/{tenant}`. */
export function entraAuthority(authorityHost: string, tenant: string): string {
  return `${trimSlash(authorityHost)}/${tenant}`;
}

/** The default B2C host for a tenant name: `https://{tenant}.b2clogin.com`. */
export function b2cDefaultHost(tenantName: string): string {
  return `https://${tenantName}.b2clogin.com`;
}

/** Azure AD B2C user flow: `https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/{policy}`. */
export function b2cAuthority(
  tenantName: string,
  policy: string,
  host = b2cDefaultHost(tenantName),
): string {
  return `${trimSlash(host)}/${tenantName}.onmicrosoft.com/${policy}`;
}

/**
 * External ID (CIAM): `https://{subdomain}.ciamlogin.com/{tenant}`. When only the host is
 * given, the tenant defaults to `{subdomain}.onmicrosoft.com` as Microsoft's samples do.
 */
export function ciamAuthority(authority: string): string {
  const url = new URL(authority);
  const path = url.pathname.replace(/^\/+|\/+$/g, '');
  if (path) return `${url.origin}/${path}`;
  const subdomain = url.hostname.split('.')[0];
  return `${url.origin}/${subdomain}.onmicrosoft.com`;
}

/** `host[:port]` of an authority, the form MSAL's `knownAuthorities` expects. */
export function authorityHostname(authority: string): string {
  return new URL(authority).host;
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, '');
}
