import { spawnSync } from 'node:child_process';

/** The Azure CLI's public client id, which Graph lets manage applications for a signed-in user. */
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

export interface TokenOptions {
  /** A Graph access token given on the command line (`--token`) or in GRAPH_TOKEN. */
  token?: string;
  tenant?: string;
  /** Authority host for device code, e.g. `https://login.microsoftonline.com`. */
  authorityHost?: string;
  /** Graph root, e.g. `https://graph.microsoft.com` (the scope is `{graphUrl}/.default`). */
  graphUrl: string;
  print: (line: string) => void;
}

/**
 * A Graph access token, from the first source that has one: `--token` / GRAPH_TOKEN, the
 * Azure CLI's signed-in account (`az account get-access-token --resource-type ms-graph`),
 * or a device-code sign-in through MSAL Node as the Azure CLI's public client.
 */
export async function graphToken(
  options: TokenOptions,
): Promise<{ token: string; source: string }> {
  if (options.token) return { token: options.token, source: '--token' };
  const fromAz = azureCliToken(options.tenant);
  if (fromAz) return { token: fromAz, source: 'Azure CLI' };
  return { token: await deviceCodeToken(options), source: 'device code sign-in' };
}

function azureCliToken(tenant: string | undefined): string | undefined {
  const args = ['account', 'get-access-token', '--resource-type', 'ms-graph', '--output', 'json'];
  if (tenant) args.push('--tenant', tenant);
  const run = spawnSync('az', args, { encoding: 'utf8', timeout: 60_000 });
  if (run.error || run.status !== 0) return undefined; // not installed, or not signed in
  try {
    return (JSON.parse(run.stdout) as { accessToken?: string }).accessToken;
  } catch {
    return undefined;
  }
}

async function deviceCodeToken(options: TokenOptions): Promise<string> {
  const { PublicClientApplication } = await import('@azure/msal-node');
  const host = (options.authorityHost ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
  const pca = new PublicClientApplication({
    auth: {
      clientId: AZURE_CLI_CLIENT_ID,
      authority: `${host}/${options.tenant ?? 'organizations'}`,
    },
  });
  const result = await pca.acquireTokenByDeviceCode({
    scopes: [`${options.graphUrl.replace(/\/+$/, '')}/.default`],
    deviceCodeCallback: (response) => options.print(response.message),
  });
  if (!result?.accessToken) throw new Error('The device code sign-in returned no token.');
  return result.accessToken;
}

/** The `tid` claim of a token (not verified: Graph verifies it). */
export function tenantOf(token: string): string | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as {
      tid?: unknown;
    };
    return typeof payload.tid === 'string' ? payload.tid : undefined;
  } catch {
    return undefined;
  }
}
