/** A national cloud: where users sign in and where Azure Resource Manager lives. */
export interface Cloud {
  /** Canonical name, as the Azure CLI prints it. */
  name: CloudName;
  /** Microsoft Entra authority host, e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  /** Azure Resource Manager endpoint, e.g. `https://management.azure.com`. */
  armEndpoint: string;
  /** ARM's resource identifier: the audience of ARM tokens (with the trailing slash). */
  armResource: string;
  /**
   * Microsoft Graph's service root in this cloud (also its resource identifier), e.g.
   * `https://graph.microsoft.com`. US Government L5 (DoD) tenants use
   * `https://dod-graph.microsoft.us` instead: set `GRAPH_ENDPOINT`.
   */
  graphEndpoint: string;
}

export type CloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

export const CLOUDS: Readonly<Record<CloudName, Cloud>> = Object.freeze({
  AzureCloud: {
    name: 'AzureCloud',
    authorityHost: 'https://login.microsoftonline.com',
    armEndpoint: 'https://management.azure.com',
    armResource: 'https://management.azure.com/',
    graphEndpoint: 'https://graph.microsoft.com',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    authorityHost: 'https://login.microsoftonline.us',
    armEndpoint: 'https://management.usgovcloudapi.net',
    armResource: 'https://management.usgovcloudapi.net/',
    graphEndpoint: 'https://graph.microsoft.us',
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    authorityHost: 'https://login.chinacloudapi.cn',
    armEndpoint: 'https://management.chinacloudapi.cn',
    armResource: 'https://management.chinacloudapi.cn/',
    graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn',
  },
});

/** Every spelling accepted for `AZURE_CLOUD`, lower-cased, mapped to its cloud. */
const CLOUD_ALIASES: Readonly<Record<string, CloudName>> = {
  azurecloud: 'AzureCloud',
  azurepubliccloud: 'AzureCloud',
  public: 'AzureCloud',
  azureusgovernment: 'AzureUSGovernment',
  azureusgovernmentcloud: 'AzureUSGovernment',
  usgov: 'AzureUSGovernment',
  azurechinacloud: 'AzureChinaCloud',
  china: 'AzureChinaCloud',
};

/** The accepted values of `AZURE_CLOUD`, for error messages and docs. */
export const CLOUD_NAMES = Object.keys(CLOUD_ALIASES);

/** Resolves a cloud name (any accepted spelling, case-insensitive); undefined when unknown. */
export function cloudByName(name: string): Cloud | undefined {
  const canonical = CLOUD_ALIASES[name.trim().toLowerCase()];
  return canonical ? CLOUDS[canonical] : undefined;
}

/** Resolves the cloud whose authority host is `host` (origin compared); undefined when none is. */
export function cloudByAuthorityHost(host: string): Cloud | undefined {
  const origin = new URL(host).origin;
  return Object.values(CLOUDS).find((cloud) => cloud.authorityHost === origin);
}

/**
 * Microsoft Graph's national deployments (Microsoft's "national cloud deployments" list): a
 * token for one of them names its own host in the scope (`https://graph.microsoft.us/User.Read`).
 */
export const GRAPH_HOSTS: readonly string[] = [
  'https://graph.microsoft.com',
  'https://graph.microsoft.us',
  'https://dod-graph.microsoft.us',
  'https://microsoftgraph.chinacloudapi.cn',
];

/** The ARM scope for client credentials and OBO: `{resource}.default`. */
export function armScope(armResource: string): string {
  return `${armResource.endsWith('/') ? armResource : `${armResource}/`}.default`;
}
