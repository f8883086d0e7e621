import type { RunningEmulator } from './emulator';

/** What a started emulator prints: where it is, what to trust, and who can sign in. */
export interface BannerOptions {
  /** The seed file, when one was given (else the default seed is announced). */
  seedPath?: string;
  /** Where the CA certificate was also copied to, if anywhere. */
  caExportPath?: string;
  /** The Node preload that routes an app's Microsoft traffic through the proxy. */
  preloadPath: string;
  /** Also list each app's client id and secrets (the seed's well-known credentials). */
  clients?: boolean;
}

/** The start-up banner of the emulator (its service main and its packaged CLI alike). */
export function startupBanner(emulator: RunningEmulator, options: BannerOptions): string {
  const users = emulator.seed.users
    .map((u) => `    ${u.userPrincipalName}  (${[u.displayName, ...u.directoryRoles].join('; ')})`)
    .join('\n');
  return [
    '',
    `Microsoft Entra ID emulator listening on ${emulator.url}`,
    `  authority:   ${emulator.authority}`,
    `  ARM:         ${emulator.armUrl}`,
    `  CA cert:     ${emulator.caCertPath}   (trust it: NODE_EXTRA_CA_CERTS=${emulator.caCertPath})`,
    ...(options.caExportPath ? [`  CA export:   ${options.caExportPath}`] : []),
    ...(options.clients ? clientLines(emulator) : []),
    options.seedPath
      ? `  users (seed ${options.seedPath}):`
      : '  well-known users (default seed; password Passw0rd! — see the emulator README):',
    users,
    ...customerTenantLines(emulator),
    ...transparentLines(emulator, options.preloadPath),
    '',
  ].join('\n');
}

/** The seed's app registrations with their client ids and secrets (none for resource-only apps). */
function clientLines(emulator: RunningEmulator): string[] {
  const apps = emulator.seed.apps.filter((a) => a.secrets.length > 0 || a.allowPublicClient);
  if (apps.length === 0) return [];
  return [
    '  clients:',
    ...apps.map(
      (a) =>
        `    ${a.clientId}  ${a.displayName}` +
        (a.secrets.length > 0 ? `  secret ${a.secrets.join(', ')}` : '  (public client)'),
    ),
  ];
}

/** Transparent mode: the Microsoft hosts it answers as, and how clients reach them. */
function transparentLines(emulator: RunningEmulator, preloadPath: string): string[] {
  if (emulator.transparentHosts.length === 0) return [];
  return [
    `  transparent mode: answers as ${emulator.transparentHosts.join(', ')}`,
    ...(emulator.transparentPort !== undefined
      ? [`    on port ${emulator.transparentPort} (route those names to this machine)`]
      : []),
    ...(emulator.proxyUrl
      ? [
          `    through the proxy HTTPS_PROXY=${emulator.proxyUrl}` +
            ` (Node: node --require ${preloadPath} app.js)`,
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
