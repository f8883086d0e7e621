import { GRAPH_APP_ID } from '../directory';
import { ARM_APP_ID } from '../resources';
import type { Seed, SeedApp } from './schema';

/** The Azure CLI's application id: the public client `az login` signs users in as. */
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
/** Azure PowerShell's (`Connect-AzAccount`). */
export const AZURE_POWERSHELL_CLIENT_ID = '1950a258-227b-4e31-a9cf-717495945fc2';

/** Permissions Microsoft's developer tools are pre-authorized for: ARM and Graph sign-in. */
const PREAUTHORIZED = [
  { resource: ARM_APP_ID, scopes: ['user_impersonation'] },
  { resource: GRAPH_APP_ID, scopes: ['User.Read'] },
];

/**
 * Microsoft's first-party public clients that developer tools sign in as (the Azure CLI and
 * Azure PowerShell; the Azure SDK's developer credentials use the CLI's id). Entra knows them in
 * every tenant: they need no registration, no secret, and no user consent for ARM and Graph.
 */
const PUBLIC_CLIENTS: readonly Pick<SeedApp, 'displayName' | 'clientId'>[] = [
  { displayName: 'Microsoft Azure CLI', clientId: AZURE_CLI_CLIENT_ID },
  { displayName: 'Microsoft Azure PowerShell', clientId: AZURE_POWERSHELL_CLIENT_ID },
];

/** Microsoft's own apps: service principals in a tenant, never its application objects. */
export const FIRST_PARTY_APP_IDS: ReadonlySet<string> = new Set([
  ARM_APP_ID,
  GRAPH_APP_ID,
  ...PUBLIC_CLIENTS.map((c) => c.clientId),
]);

/**
 * Adds the first-party public clients a seed does not define itself, pre-authorized (an
 * admin-consent grant) for those of ARM's and Graph's permissions the seed has.
 */
export function withFirstPartyClients(seed: Seed): Seed {
  const has = (id: string) => seed.apps.some((a) => a.clientId.toLowerCase() === id.toLowerCase());
  const access = PREAUTHORIZED.filter((p) => has(p.resource));
  for (const client of PUBLIC_CLIENTS.filter((c) => !has(c.clientId))) {
    seed.apps.push({
      ...client,
      secrets: [],
      certificates: [],
      federatedCredentials: [],
      redirectUris: [
        'http://localhost',
        'https://login.microsoftonline.com/common/oauth2/nativeclient',
      ],
      postLogoutRedirectUris: [],
      identifierUris: [],
      scopes: [],
      appRoles: [],
      requiredResourceAccess: access.map((a) => ({ ...a, roles: [] })),
      knownClientApplications: [],
      requestedAccessTokenVersion: 1,
      allowPublicClient: true,
      owners: [],
    });
    for (const a of access) {
      seed.grants.push({ clientId: client.clientId, ...a, principal: 'AllPrincipals' });
    }
  }
  return seed;
}
