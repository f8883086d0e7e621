import { ConfigError, loadEmulatorConfig } from '@obo/config';
import pino from 'pino';
import { startEmulator, type RunningEmulator } from './emulator';
import { SeedError } from './seed/load';
import { exportCaCertificate } from './tls';

async function main(): Promise<void> {
  let config;
  try {
    config = loadEmulatorConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel, name: 'entra-emulator' });
  let emulator;
  try {
    emulator = await startEmulator({
      port: config.port,
      host: config.host,
      publicUrl: config.publicUrl,
      seed: config.seedPath,
      dataDir: config.dataDir,
      tls: config.tls,
      controlPlane: config.controlPlane,
      armPageSize: config.armPageSize,
      logger,
    });
  } catch (err) {
    if (err instanceof SeedError) {
      console.error(err.message);
      process.exit(1);
    }
    console.error(`Cannot start the emulator: ${(err as Error).message}`);
    process.exit(1);
  }
  if (config.caExportPath) {
    exportCaCertificate(emulator.caCert, config.caExportPath);
  }
  const users = emulator.seed.users
    .map((u) => `    ${u.userPrincipalName}  (${[u.displayName, ...u.directoryRoles].join('; ')})`)
    .join('\n');
  console.log(
    [
      '',
      `Microsoft Entra ID emulator listening on ${emulator.url}`,
      `  authority:   ${emulator.authority}`,
      `  ARM:         ${emulator.armUrl}`,
      `  CA cert:     ${emulator.caCertPath}   (trust it: NODE_EXTRA_CA_CERTS=${emulator.caCertPath})`,
      ...(config.caExportPath ? [`  CA export:   ${config.caExportPath}`] : []),
      config.seedPath
        ? `  users (seed ${config.seedPath}):`
        : '  well-known users (default seed; password Passw0rd! — see apps/entra-emulator/README.md):',
      users,
      ...customerTenantLines(emulator),
      '',
    ].join('\n'),
  );
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping');
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

void main();

/** The seed's B2C and External ID tenants: where their authorities live and who can sign in. */
function customerTenantLines(emulator: RunningEmulator): string[] {
  const lines: string[] = [];
  const { b2c, ciam } = emulator.seed;
  if (b2c) {
    const flows = Object.values(b2c.policies).filter(Boolean).join(', ');
    lines.push(
      `  B2C tenant ${b2c.tenantName}.onmicrosoft.com (user flows ${flows}):`,
      `    authority: ${emulator.url}/${b2c.tenantName}.onmicrosoft.com/${b2c.policies.signUpSignIn}`,
      ...b2c.users.map((u) => `    ${u.email}  (${u.displayName})`),
    );
  }
  if (ciam) {
    lines.push(
      `  External ID tenant ${ciam.tenantName}.onmicrosoft.com:`,
      `    authority: ${emulator.url}/${ciam.tenantName}.onmicrosoft.com`,
      ...ciam.users.map((u) => `    ${u.email}  (${u.displayName})`),
    );
  }
  return lines;
}
