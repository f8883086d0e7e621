import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { EMULATOR_DEFAULTS, findWorkspaceRoot } from '@obo/config';
import type { Logger } from 'pino';
import { createEmulatorApp, type EmulatorApp } from './app';
import type { EmulatorContext } from './context';
import type { EmulatorControls } from './controls';
import type { EmulatorCounters } from './counters';
import type { Seed, SeedInput } from './seed/schema';
import { ensureTlsMaterial } from './tls';

/** Options of {@link startEmulator}. */
export interface StartEmulatorOptions {
  /** TCP port; 0 picks a free one. Default 8443. */
  port?: number;
  /** Bind address. Default `localhost` (127.0.0.1 and, when available, ::1). */
  host?: string;
  /** Seed object or JSON file path. Default: the built-in default seed. */
  seed?: Seed | SeedInput | string;
  /** Where the CA, server certificate and signing key live. Default `{workspace}/.emulator`. */
  dataDir?: string;
  /** Origin in metadata and tokens. Default `https://localhost:{port}`. */
  publicUrl?: string;
  /**
   * Bring-your-own TLS certificate and key (PEM files). `caPath` is what clients must trust
   * (reported as `caCertPath`); default the certificate itself (right for a self-signed one).
   */
  tls?: { certPath: string; keyPath: string; caPath?: string };
  /** Serve `/_emulator/*`. Default true. */
  controlPlane?: boolean;
  /** Subscriptions per ARM page. Default 5. */
  armPageSize?: number;
  /** Lifetime of CAE tokens (ARM, `cp1` clients) in seconds, 300–100 800. Default 86 400. */
  caeTokenLifetimeSeconds?: number;
  /** Request logger. Default none (silent). */
  logger?: false | Logger;
  /** Clock in epoch ms. Default `Date.now`. */
  now?: () => number;
  /** JSON file keeping B2C users across restarts. Default env `EMULATOR_B2C_USERS_FILE`, else none. */
  b2cUsersFile?: string;
}

/** A started emulator. */
export interface RunningEmulator {
  /** `https://localhost:{port}` (or the publicUrl). */
  url: string;
  port: number;
  tenantId: string;
  /** `{url}/{tenantId}`. */
  authority: string;
  /** `{url}/arm`: the ARM endpoint. */
  armUrl: string;
  caCertPath: string;
  /** PEM of the CA that issued the server certificate. */
  caCert: string;
  seed: Seed;
  counters(): EmulatorCounters;
  resetCounters(): void;
  faults: EmulatorControls['faults'];
  mintToken: EmulatorControls['mintToken'];
  rotateKeys: EmulatorControls['rotateKeys'];
  revokeUser: EmulatorControls['revokeUser'];
  disableUser: EmulatorControls['disableUser'];
  enableUser: EmulatorControls['enableUser'];
  changePassword: EmulatorControls['changePassword'];
  userAccess: EmulatorControls['userAccess'];
  reset(): void;
  /** Internals, for tests that need to look deeper. */
  context: EmulatorContext;
  stop(): Promise<void>;
}

/** Starts the emulator's HTTPS server (identity + ARM + control plane on one port). */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const dataDir = options.dataDir ?? join(findWorkspaceRoot(), EMULATOR_DEFAULTS.dataDir);
  const host = options.host ?? 'localhost';
  const publicHost = options.publicUrl
    ? new URL(options.publicUrl).hostname.replace(/^\[|\]$/g, '')
    : undefined;
  const tls = options.tls
    ? {
        caCertPath: options.tls.caPath ?? options.tls.certPath,
        caCert: readFileSync(options.tls.caPath ?? options.tls.certPath, 'utf8'),
        cert: readFileSync(options.tls.certPath, 'utf8'),
        key: readFileSync(options.tls.keyPath, 'utf8'),
      }
    : ensureTlsMaterial(dataDir, publicHost ? [publicHost] : []);

  let emulatorApp: EmulatorApp | undefined;
  const handler: Parameters<typeof createServer>[1] = (req, res) => {
    if (emulatorApp) return emulatorApp.app(req, res);
    res.statusCode = 503;
    res.end();
  };
  const servers: Server[] = [];
  const listen = (bindHost: string, port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer({ cert: tls.cert, key: tls.key }, handler);
      // Above common client idle timeouts, so clients never reuse a socket the server is closing.
      server.keepAliveTimeout = 65_000;
      server.headersTimeout = 66_000;
      server.once('error', reject);
      server.listen(port, bindHost, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  const requestedPort = options.port ?? EMULATOR_DEFAULTS.port;
  const primary = await listen(host === 'localhost' ? '127.0.0.1' : host, requestedPort);
  servers.push(primary);
  const port = (primary.address() as AddressInfo).port;
  if (host === 'localhost') {
    await listen('::1', port).then(
      (s) => servers.push(s),
      () => undefined, // No IPv6 loopback here: 127.0.0.1 alone is fine.
    );
  }

  const url = (options.publicUrl ?? `https://localhost:${port}`).replace(/\/+$/, '');
  try {
    emulatorApp = createEmulatorApp({
      seed: options.seed,
      publicUrl: url,
      controlPlane: options.controlPlane,
      armPageSize: options.armPageSize,
      caeTokenLifetimeSeconds: options.caeTokenLifetimeSeconds,
      logger: options.logger,
      now: options.now,
      signingKeyPem: signingKey(dataDir),
      b2cUsersFile: options.b2cUsersFile ?? (process.env.EMULATOR_B2C_USERS_FILE || undefined),
    });
  } catch (err) {
    await Promise.all(servers.map(close));
    throw err;
  }
  const { context, controls } = emulatorApp;
  return {
    url,
    port,
    tenantId: context.seed.tenant.id,
    authority: `${url}/${context.seed.tenant.id}`,
    armUrl: `${url}/arm`,
    caCertPath: tls.caCertPath,
    caCert: tls.caCert,
    seed: context.seed,
    counters: controls.counters,
    resetCounters: controls.resetCounters,
    faults: controls.faults,
    mintToken: controls.mintToken,
    rotateKeys: controls.rotateKeys,
    revokeUser: controls.revokeUser,
    disableUser: controls.disableUser,
    enableUser: controls.enableUser,
    changePassword: controls.changePassword,
    userAccess: controls.userAccess,
    reset: controls.reset,
    context,
    stop: async () => {
      await Promise.all(servers.map(close));
    },
  };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The persisted token-signing key, so tokens stay valid across restarts. */
function signingKey(dataDir: string): string {
  const path = join(dataDir, 'signing-key.pem');
  if (existsSync(path)) return readFileSync(path, 'utf8');
  mkdirSync(dataDir, { recursive: true });
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  writeFileSync(path, pem, { mode: 0o600 });
  return pem;
}
