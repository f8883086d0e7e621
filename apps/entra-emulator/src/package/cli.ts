#!/usr/bin/env node
import { resolve, join } from 'node:path';
import { startupBanner } from '../banner';
import { startEmulator, type RunningEmulator } from '../emulator';
import { exportCaCertificate } from '../tls';
import { CliError, parseCliArgs, USAGE, type CliOptions, type StartupFacts } from './cli-args';

/**
 * `obo-entra-emulator`: the packaged emulator's command line. Starts the HTTPS server with a
 * seed file, prints the authority, the CA to trust and the seed's credentials, and stops on
 * SIGINT/SIGTERM (or when stdin closes, with `--stop-on-stdin-close`).
 */
async function main(argv: string[]): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    process.stderr.write(`obo-entra-emulator: ${err.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const seedPath = options.seed ? resolve(options.seed) : undefined;
  const emulator = await startEmulator({
    port: options.port,
    host: options.host,
    publicUrl: options.publicUrl,
    seed: seedPath,
    dataDir: resolve(options.dataDir),
    transparentPort: options.transparentPort,
    proxyPort: options.proxyPort,
    logger: false,
  });
  const caExportPath = options.caExport ? resolve(options.caExport) : undefined;
  if (caExportPath) exportCaCertificate(emulator.caCert, caExportPath);
  process.stdout.write(
    options.json
      ? `${JSON.stringify(startupFacts(emulator))}\n`
      : `${startupBanner(emulator, { seedPath, caExportPath, preloadPath: PRELOAD, clients: true })}\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (options.stopOnStdinClose) {
    process.stdin.on('end', stop).on('close', stop).resume();
  }
}

/** The Node preload that routes an app's Microsoft traffic through the proxy (bundled alongside). */
const PRELOAD = join(__dirname, 'transparent', 'route-to-emulator.js');

/** The `--json` line: where the emulator is, what to trust, and the seed's credentials. */
function startupFacts(emulator: RunningEmulator): StartupFacts {
  return {
    url: emulator.url,
    authority: emulator.authority,
    tenantId: emulator.tenantId,
    armUrl: emulator.armUrl,
    caCertPath: emulator.caCertPath,
    transparentPort: emulator.transparentPort,
    transparentHosts: emulator.transparentHosts,
    proxyUrl: emulator.proxyUrl,
    clients: emulator.seed.apps
      .filter((a) => a.secrets.length > 0 || a.allowPublicClient)
      .map((a) => ({ displayName: a.displayName, clientId: a.clientId, secrets: a.secrets })),
    users: emulator.seed.users.map((u) => ({
      userPrincipalName: u.userPrincipalName,
      displayName: u.displayName,
    })),
  };
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const error = err as Error & { code?: string };
  process.stderr.write(
    `obo-entra-emulator: ${error.code ? `${error.code}: ` : ''}${error.message}\n`,
  );
  process.exit(1);
});
