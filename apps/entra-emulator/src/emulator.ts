import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { EMULATOR_DEFAULTS, findWorkspaceRoot } from '@obo/config';
import type { Logger } from 'pino';
import { createEmulatorApp, type EmulatorApp } from './app';
import type { EmulatorContext } from './context';
import type { EmulatorControls } from './controls';
import type { EmulatorCounters } from './counters';
import type { Seed, SeedInput } from './seed/schema';
import { ensureHostCertificates, ensureTlsMaterial } from './tls';
import { createMicrosoftProxy } from './transparent/proxy';

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
  /**
   * Transparent mode: also answer as Microsoft's hosts (`login.microsoftonline.com`, …) on this
   * port, with a certificate per host from the emulator's CA chosen by SNI. 443 is what clients
   * use; 0 picks a free port. Default: off.
   */
  transparentPort?: number;
  /**
   * An `HTTPS_PROXY` for clients that cannot route Microsoft's names here themselves: CONNECTs
   * to the hosts transparent mode serves end at the emulator, everything else is refused. 0
   * picks a free port. Default: off. Either this or `transparentPort` turns transparent mode on.
   */
  proxyPort?: number;
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
  /** Transparent mode's port (when asked for). */
  transparentPort?: number;
  /** `http://{host}:{port}` of the proxy (when asked for): what `HTTPS_PROXY` names. */
  proxyUrl?: string;
  /** The Microsoft host names it answers as in transparent mode (empty when off). */
  transparentHosts: string[];
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
  const transparent = options.transparentPort !== undefined || options.proxyPort !== undefined;
  const local: Handler = (req, res) => serve(emulatorApp?.app, req, res);
  const servers: HttpServer[] = [];
  const requestedPort = options.port ?? EMULATOR_DEFAULTS.port;
  const port = await listenOn(servers, host, requestedPort, () =>
    createServer({ cert: tls.cert, key: tls.key }, local),
  );
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
      transparent,
    });
  } catch (err) {
    await Promise.all(servers.map(close));
    throw err;
  }
  const { context, controls } = emulatorApp;
  const hosts = context.sites.hostNames();
  let transparentPort: number | undefined;
  let proxyUrl: string | undefined;
  try {
    if (transparent) {
      const microsoft = transparentServers(dataDir, hosts, (req, res) =>
        serve(emulatorApp?.transparentApp, req, res),
      );
      if (options.transparentPort !== undefined) {
        transparentPort = await listenOn(servers, host, options.transparentPort, microsoft);
      }
      if (options.proxyPort !== undefined) {
        // The proxy's tunnels end at a server of their own (listening nowhere; closed on stop).
        const tunnels = microsoft();
        servers.push(tunnels);
        const proxyPort = await listenOn(servers, host, options.proxyPort, () =>
          createMicrosoftProxy(tunnels, (name) => context.sites.serves(name)),
        );
        proxyUrl = `http://${host.includes(':') ? `[${host}]` : host}:${proxyPort}`;
      }
    }
  } catch (err) {
    await Promise.all(servers.map(close));
    throw err;
  }
  return {
    url,
    port,
    tenantId: context.seed.tenant.id,
    authority: `${url}/${context.seed.tenant.id}`,
    armUrl: `${url}/arm`,
    transparentPort,
    proxyUrl,
    transparentHosts: hosts,
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

type Handler = Parameters<typeof createServer>[1];

/** Hands the request to the app once it exists (503 before: the port opens first). */
function serve(
  app: ((...args: Parameters<NonNullable<Handler>>) => void) | undefined,
  ...[req, res]: Parameters<NonNullable<Handler>>
): void {
  if (app) return app(req, res);
  res.statusCode = 503;
  res.end();
}

/**
 * Listens on `port` at `bindHost` (`localhost`: 127.0.0.1, and ::1 where there is one) with
 * servers from `make`, adds them to `servers`, and returns the port (the chosen one for 0).
 */
async function listenOn(
  servers: HttpServer[],
  bindHost: string,
  port: number,
  make: () => HttpServer,
): Promise<number> {
  const listen = (address: string, p: number) =>
    new Promise<HttpServer>((resolve, reject) => {
      const server = make();
      // Above common client idle timeouts, so clients never reuse a socket the server is closing.
      server.keepAliveTimeout = 65_000;
      server.headersTimeout = 66_000;
      server.once('error', reject);
      server.listen(p, address, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  const primary = await listen(bindHost === 'localhost' ? '127.0.0.1' : bindHost, port);
  servers.push(primary);
  const chosen = (primary.address() as AddressInfo).port;
  if (bindHost === 'localhost') {
    await listen('::1', chosen).then(
      (s) => servers.push(s),
      () => undefined, // No IPv6 loopback here: 127.0.0.1 alone is fine.
    );
  }
  return chosen;
}

/**
 * Makes the TLS servers of transparent mode: each presents the certificate of the host the
 * client names (SNI), from the emulator's CA; a name it does not answer as fails the handshake.
 */
function transparentServers(dataDir: string, hosts: string[], handler: Handler): () => Server {
  const contexts = new Map<string, SecureContext>(
    Object.entries(ensureHostCertificates(dataDir, hosts)).map(([name, pem]) => [
      name,
      createSecureContext(pem),
    ]),
  );
  const SNICallback = (
    servername: string,
    done: (err: Error | null, ctx?: SecureContext) => void,
  ) => {
    const context = contexts.get(servername.toLowerCase());
    if (context) done(null, context);
    else done(new Error(`the emulator does not answer as ${servername}`));
  };
  return () => createServer({ SNICallback }, handler);
}

function close(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    // A server that listens nowhere (the proxy's tunnels) calls back at once, with an error.
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
