import { loadEmulatorConfig } from '@obo/config';
import { runService } from '@obo/server';
import { startEmulator, type RunningEmulator } from './emulator';
import { join } from 'node:path';
import { exportCaCertificate } from './tls';

/** The Node preload that routes an app's Microsoft traffic through the proxy (built next to main.js). */
const PRELOAD = join(__dirname, 'transparent', 'route-to-emulator.js');

void runService({
  name: 'entra-emulator',
  load: () => loadEmulatorConfig(),
  start: async (config, logger) => {
    const emulator = await startEmulator({
      port: config.port,
      host: config.host,
      publicUrl: config.publicUrl,
      seed: config.seedPath,
      dataDir: config.dataDir,
      tls: config.tls,
      controlPlane: config.controlPlane,
      armPageSize: config.armPageSize,
      transparentPort: config.transparentPort,
      proxyPort: config.proxyPort,
      caeTokenLifetimeSeconds: config.caeTokenLifetimeSeconds,
      logger,
    });
    if (config.caExportPath) {
      exportCaCertificate(emulator.caCert, config.caExportPath);
    }
    const users = emulator.seed.users
      .map(
        (u) => `    ${u.userPrincipalName}  (${[u.displayName, ...u.directoryRoles].join('; ')})`,
      )
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
        ...transparentLines(emulator),
        '',
      ].join('\n'),
    );
    return { url: emulator.url, close: () => emulator.stop() };
  },
});

/** Transparent mode: the Microsoft hosts it answers as, and how clients reach them. */
function transparentLines(emulator: RunningEmulator): string[] {
  if (emulator.transparentHosts.length === 0) return [];
  return [
    `  transparent mode: answers as ${emulator.transparentHosts.join(', ')}`,
    ...(emulator.transparentPort !== undefined
      ? [`    on port ${emulator.transparentPort} (route those names to this machine)`]
      : []),
    ...(emulator.proxyUrl
      ? [
          `    through the proxy HTTPS_PROXY=${emulator.proxyUrl}` +
            ` (Node: node --require ${PRELOAD} app.js)`,
        ]
      : []),
  ];
}

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
