/**
 * The names the emulator answers as. Locally it is one origin (`https://localhost:8443`) with
 * ARM under `/arm` and Graph under `/graph`; in transparent mode it is also Microsoft's own
 * hosts, each serving what the real one serves. Everything a client sees — endpoints in
 * documents, issuers, links, challenges — is written from one of these two sets of names.
 */
export interface PublicNames {
  /** True for Microsoft's host names (transparent mode). */
  readonly microsoft: boolean;
  /** Origin of the workforce tenant's endpoints and of its v2 issuer. */
  readonly login: string;
  /** Origin of a B2C tenant's endpoints and issuer (`https://{name}.b2clogin.com`). */
  b2c(tenantName: string): string;
  /**
   * Origin of an External ID tenant's endpoints (`https://{name}.ciamlogin.com`) and, given its
   * id, of its issuer (`https://{tid}.ciamlogin.com`).
   */
  ciam(tenantNameOrId: string): string;
  /** Azure Resource Manager's base URL (nextLinks point here). */
  readonly arm: string;
  /** Microsoft Graph's base URL (before `/v1.0`). */
  readonly graph: string;
  /** The `authorization_uri` origin ARM's `WWW-Authenticate` challenge names. */
  readonly armAuthority: string;
  /** `cloud_instance_name` of discovery documents and user realm answers. */
  readonly cloudInstanceName: string;
  /** `rbac_url` of discovery documents. */
  readonly rbacUrl: string;
}

/** The emulator's own origin: every tenant, ARM (`/arm`) and Graph (`/graph`) under it. */
export function localNames(url: string): PublicNames {
  return {
    microsoft: false,
    login: url,
    b2c: () => url,
    ciam: () => url,
    arm: `${url}/arm`,
    graph: `${url}/graph`,
    armAuthority: url,
    cloudInstanceName: new URL(url).host,
    rbacUrl: `${url}/arm`,
  };
}

/** The public cloud's identity host: workforce endpoints and their v2 issuer. */
export const LOGIN_HOST = 'login.microsoftonline.com';
/** Its older alias, which Entra still serves (endpoints answer there; issuers stay on LOGIN_HOST). */
export const LOGIN_ALIAS = 'login.windows.net';
export const ARM_HOST = 'management.azure.com';
export const GRAPH_HOST = 'graph.microsoft.com';
const B2C_SUFFIX = '.b2clogin.com';
const CIAM_SUFFIX = '.ciamlogin.com';

/** Microsoft's names, as Entra, ARM and Graph publish them in the public cloud. */
export const MICROSOFT_NAMES: PublicNames = {
  microsoft: true,
  login: `https://${LOGIN_HOST}`,
  b2c: (name) => `https://${name.toLowerCase()}${B2C_SUFFIX}`,
  ciam: (nameOrId) => `https://${nameOrId.toLowerCase()}${CIAM_SUFFIX}`,
  arm: `https://${ARM_HOST}`,
  graph: `https://${GRAPH_HOST}`,
  // ARM's challenges name login.windows.net, as the real service's do.
  armAuthority: `https://${LOGIN_ALIAS}`,
  cloudInstanceName: 'microsoftonline.com',
  rbacUrl: 'https://pas.windows.net',
};

/**
 * True for a host name that belongs to one of the services the emulator can stand in for
 * (whichever tenants it has): what a client-side router sends to it.
 */
export function isMicrosoftHostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return (
    [LOGIN_HOST, LOGIN_ALIAS, ARM_HOST, GRAPH_HOST].includes(h) ||
    (h.endsWith(B2C_SUFFIX) && h.length > B2C_SUFFIX.length) ||
    (h.endsWith(CIAM_SUFFIX) && h.length > CIAM_SUFFIX.length)
  );
}
