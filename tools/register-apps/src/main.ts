/**
 * `npm run register-apps -- [options]`: creates or updates the API and web app registrations
 * through Microsoft Graph and writes `apps/api/.env` and `apps/web/.env`. See the README's
 * "Registering the apps" section.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findWorkspaceRoot } from '@obo/config';
import { registerApps, type RegisterResult } from './register';
import { graphToken, tenantOf } from './token';

const USAGE = `Usage: npm run register-apps -- [options]

  --tenant <id>            tenant id or domain (default: the token's tenant)
  --graph-url <url>        Graph root (default https://graph.microsoft.com;
                           emulator: https://localhost:8443/graph)
  --authority-host <url>   written as AZURE_AUTHORITY_HOST; also used for device code
  --token <jwt>            a Graph access token (else GRAPH_TOKEN, the Azure CLI, device code)
  --ca <file>              extra trusted CA for Graph (the emulator's .emulator/ca.pem)
  --redirect-uri <url>     web redirect URI (default http://localhost:3000/auth/redirect)
  --api-certificate <pem>  the API authenticates with this certificate (PEM: private key
                           and certificate) instead of a client secret
  --web-certificate <pem>  the same for the web app
  --name-prefix <text>     display names {prefix}api and {prefix}web (default obo-)
  --out-dir <dir>          write <dir>/api.env and <dir>/web.env instead of apps/*/.env
  --dry-run                print the Graph writes it would make; change nothing
  --help`;

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(
  argv: string[],
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<{ code: number; result?: RegisterResult }> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        tenant: { type: 'string' },
        'graph-url': { type: 'string', default: 'https://graph.microsoft.com' },
        'authority-host': { type: 'string' },
        token: { type: 'string' },
        ca: { type: 'string' },
        'redirect-uri': { type: 'string' },
        'api-certificate': { type: 'string' },
        'web-certificate': { type: 'string' },
        'name-prefix': { type: 'string' },
        'out-dir': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    print(`${(error as Error).message}\n\n${USAGE}`);
    return { code: 2 };
  }
  if (values.help) {
    print(USAGE);
    return { code: 0 };
  }
  const graphUrl = values['graph-url'] as string;
  try {
    const { token, source } = await graphToken({
      token: values.token ?? process.env.GRAPH_TOKEN,
      tenant: values.tenant,
      authorityHost: values['authority-host'],
      graphUrl,
      print,
    });
    const tenantId = values.tenant ?? tenantOf(token);
    if (!tenantId) throw new Error('No tenant: pass --tenant.');
    print(
      `Graph ${graphUrl}, tenant ${tenantId}, token from ${source}${values['dry-run'] ? ' (dry run)' : ''}`,
    );
    const outDir = values['out-dir'];
    const root = findWorkspaceRoot(__dirname);
    const result = await registerApps({
      graphUrl,
      token,
      tenantId,
      authorityHost: values['authority-host'],
      redirectUri: values['redirect-uri'],
      namePrefix: values['name-prefix'],
      ca: values.ca ? readFileSync(values.ca, 'utf8') : undefined,
      envFiles: outDir
        ? { api: resolve(outDir, 'api.env'), web: resolve(outDir, 'web.env') }
        : { api: join(root, 'apps/api/.env'), web: join(root, 'apps/web/.env') },
      certificates: { api: values['api-certificate'], web: values['web-certificate'] },
      dryRun: values['dry-run'],
      print,
    });
    print(
      `Done: api ${result.api.appId}, web ${result.web.appId}; ${result.writes.length} Graph write(s).`,
    );
    return { code: 0, result };
  } catch (error) {
    print(`register-apps: ${(error as Error).message}`);
    return { code: 1 };
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then(({ code }) => process.exit(code));
}
