import type { Site } from '../sites/site';

/** One cloud's entry of Entra's instance discovery answer. */
interface CloudAliases {
  preferred_network: string;
  preferred_cache: string;
  aliases: string[];
}

/**
 * What `https://login.microsoftonline.com/common/discovery/instance` answers as `metadata`:
 * every cloud's login hosts, the public cloud's first (`login.microsoftonline.com` for the
 * network, `login.windows.net` for token caches). The same list MSAL libraries carry as their
 * built-in copy of this answer.
 */
const ENTRA_CLOUDS: readonly CloudAliases[] = [
  {
    preferred_network: 'login.microsoftonline.com',
    preferred_cache: 'login.windows.net',
    aliases: [
      'login.microsoftonline.com',
      'login.windows.net',
      'login.microsoft.com',
      'sts.windows.net',
    ],
  },
  {
    preferred_network: 'login.partner.microsoftonline.cn',
    preferred_cache: 'login.partner.microsoftonline.cn',
    aliases: ['login.partner.microsoftonline.cn', 'login.chinacloudapi.cn'],
  },
  {
    preferred_network: 'login.microsoftonline.de',
    preferred_cache: 'login.microsoftonline.de',
    aliases: ['login.microsoftonline.de'],
  },
  {
    preferred_network: 'login.microsoftonline.us',
    preferred_cache: 'login.microsoftonline.us',
    aliases: ['login.microsoftonline.us', 'login.usgovcloudapi.net'],
  },
  {
    preferred_network: 'login-us.microsoftonline.com',
    preferred_cache: 'login-us.microsoftonline.com',
    aliases: ['login-us.microsoftonline.com'],
  },
];

/** Instance discovery's answer, or undefined for an instance Entra does not know (AADSTS50049). */
export interface InstanceDiscovery {
  tenant_discovery_endpoint: string;
  'api-version': '1.1';
  metadata: CloudAliases[];
}

/**
 * Entra's instance discovery for an `authorization_endpoint` (default
 * `{site}/common/oauth2/v2.0/authorize`): the tenant's v2 document on the host asked about, and
 * the clouds' aliases. As Microsoft's hosts the answer is Entra's own list, and a host that is
 * no Entra instance is unknown; on the emulator's own origin the only alias is that origin.
 * `served(host)`: the emulator's own hosts, which are instances too (its B2C and External ID
 * login hosts in transparent mode).
 */
export function instanceDiscovery(
  site: Site,
  authorizationEndpoint: unknown,
  served: (host: string) => boolean,
): InstanceDiscovery | undefined {
  let endpoint: URL | undefined;
  try {
    endpoint =
      typeof authorizationEndpoint === 'string' ? new URL(authorizationEndpoint) : undefined;
  } catch {
    // Unparseable: answered for `common`, as Entra does.
  }
  const tenant = endpoint?.pathname.split('/')[1] || 'common';
  const document = (origin: string) => `${origin}/${tenant}/v2.0/.well-known/openid-configuration`;
  if (!site.names.microsoft) {
    const host = new URL(site.origin).host;
    return {
      tenant_discovery_endpoint: document(site.origin),
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    };
  }
  const host = endpoint?.host.toLowerCase() ?? new URL(site.origin).host;
  const cloud = ENTRA_CLOUDS.find((c) => c.aliases.includes(host));
  if (!cloud && !served(host)) return undefined;
  const metadata = cloud
    ? [...ENTRA_CLOUDS]
    : [{ preferred_network: host, preferred_cache: host, aliases: [host] }, ...ENTRA_CLOUDS];
  return {
    tenant_discovery_endpoint: document(`https://${cloud ? cloud.preferred_network : host}`),
    'api-version': '1.1',
    metadata: metadata.map((c) => ({ ...c, aliases: [...c.aliases] })),
  };
}
