/** The placeholder replaced by the token's `tid` in issuer templates and the JWKS URL. */
export const TENANT_PLACEHOLDER = '{tenantid}';
const PLACEHOLDER_RE = /\{tenantid\}/gi;

/** The v1 issuer of Microsoft Entra workforce tenants (global cloud). */
export const ENTRA_V1_ISSUER = 'https://sts.windows.net/{tenantid}/';

export function hasTenantPlaceholder(value: string): boolean {
  return value.toLowerCase().includes(TENANT_PLACEHOLDER);
}

export function fillTenant(template: string, tenantId: string): string {
  return template.replace(PLACEHOLDER_RE, tenantId);
}

/**
 * Issuer templates for a workforce (or emulator) authority host, e.g.
 * `entraIssuers('https://login.microsoftonline.com', { v1: true })` →
 * `['https://login.microsoftonline.com/{tenantid}/v2.0', 'https://sts.windows.net/{tenantid}/']`.
 */
export function entraIssuers(authorityHost: string, opts: { v1?: boolean } = {}): string[] {
  const v2 = `${normalizeHost(authorityHost)}/${TENANT_PLACEHOLDER}/v2.0`;
  return opts.v1 ? [v2, ENTRA_V1_ISSUER] : [v2];
}

/**
 * The issuer of Azure AD B2C tokens: `https://{tenantName}.b2clogin.com/{tenantId}/v2.0/`.
 * `host` overrides the b2clogin host (custom domains, the emulator).
 */
export function b2cIssuer(
  tenantName: string,
  tenantId: string,
  opts: { host?: string } = {},
): string {
  const host = opts.host ? normalizeHost(opts.host) : `https://${tenantName}.b2clogin.com`;
  return `${host}/${tenantId}/v2.0/`;
}

/**
 * The issuer of Microsoft Entra External ID (CIAM) tokens:
 * `https://{tenantId}.ciamlogin.com/{tenantId}/v2.0`. `host` overrides the ciamlogin host.
 */
export function ciamIssuer(tenantId: string, opts: { host?: string } = {}): string {
  const host = opts.host ? normalizeHost(opts.host) : `https://${tenantId}.ciamlogin.com`;
  return `${host}/${tenantId}/v2.0`;
}

/** Matches `iss` against fixed issuers and `{tenantid}` templates filled with the token's tid. */
export function compileIssuerMatcher(
  issuers: readonly string[],
): (iss: string, tid?: string) => boolean {
  const fixed = new Set(issuers.filter((issuer) => !hasTenantPlaceholder(issuer)));
  const templates = issuers.filter(hasTenantPlaceholder);
  // Filled templates per tenant; bounded (tenants are allow-listed, or '*' with a cap).
  const filled = new Map<string, ReadonlySet<string>>();
  return (iss, tid) => {
    if (fixed.has(iss)) return true;
    if (tid === undefined || templates.length === 0) return false;
    let accepted = filled.get(tid);
    if (!accepted) {
      accepted = new Set(templates.map((template) => fillTenant(template, tid)));
      if (filled.size >= 1000) filled.clear();
      filled.set(tid, accepted);
    }
    return accepted.has(iss);
  };
}

function normalizeHost(host: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`;
  return withScheme.replace(/\/+$/, '');
}
