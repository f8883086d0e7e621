import { resolve } from 'node:path';
import { EMULATOR_DEFAULTS } from '../emulator-defaults';
import type { EnvSource } from '../env';
import { fields } from '../fields';
import { emulatorDataDir } from '../identity';
import { loadConfig, LOG_LEVELS, type LogLevel } from '../load';

/** Everything `apps/entra-emulator` reads from its environment. */
export interface EmulatorConfig {
  app: 'entra-emulator';
  /** Default 8443. */
  port: number;
  /** Bind address. Default `localhost`. */
  host: string;
  /** Origin in issued tokens and metadata. Default `https://localhost:{port}`. */
  publicUrl: string;
  logLevel: LogLevel;
  /** Seed file; undefined = the built-in default seed. */
  seedPath?: string;
  /** Folder for the generated CA, server certificate and signing keys. Default `.emulator`. */
  dataDir: string;
  /**
   * A file to which the CA certificate (never a key) is copied at start, so that other
   * containers can trust the emulator without reading its data folder. Default none.
   */
  caExportPath?: string;
  /** Bring-your-own TLS certificate and key (both or neither). */
  tls?: { certPath: string; keyPath: string };
  /** Whether `/_emulator/*` (faults, counters, minting) is served. Default true. */
  controlPlane: boolean;
  /** Subscriptions per ARM page. Default 5. */
  armPageSize: number;
  /**
   * Transparent mode (`EMULATOR_TRANSPARENT=true`): the port on which it also answers as
   * Microsoft's hosts (`EMULATOR_TRANSPARENT_PORT`, default 443). Undefined when off.
   */
  transparentPort?: number;
  /** `EMULATOR_PROXY_PORT`: an HTTPS_PROXY for Microsoft's hosts on this port. Default off. */
  proxyPort?: number;
  /**
   * Lifetime of CAE tokens (ARM tokens for clients that declared `cp1`), in seconds. Default
   * undefined: the emulator's own (24 hours).
   */
  caeTokenLifetimeSeconds?: number;
}

const emulatorShape = {
  PORT: fields.port(),
  HOST: fields.string(),
  EMULATOR_PUBLIC_URL: fields.httpsUrl(),
  LOG_LEVEL: fields.oneOf(LOG_LEVELS),
  EMULATOR_SEED: fields.path(),
  EMULATOR_DATA_DIR: fields.path(),
  EMULATOR_CA_EXPORT: fields.path(),
  EMULATOR_TLS_CERT: fields.path(),
  EMULATOR_TLS_KEY: fields.path(),
  EMULATOR_CONTROL_PLANE: fields.boolean(),
  EMULATOR_ARM_PAGE_SIZE: fields.positiveInt(),
  EMULATOR_TRANSPARENT: fields.boolean(),
  EMULATOR_TRANSPARENT_PORT: fields.port(),
  EMULATOR_PROXY_PORT: fields.port(),
  /** Seconds: 300 (MSAL's refresh margin) to 100 800 (Entra's longest CAE lifetime, 28 h). */
  EMULATOR_CAE_TOKEN_LIFETIME: fields.intBetween(300, 100_800),
};

/** The port Microsoft's hosts are reached on: what clients with their production settings use. */
const TRANSPARENT_PORT = 443;

/** Loads and validates the emulator's configuration; throws ConfigError naming every bad variable. */
export function loadEmulatorConfig(source: EnvSource = {}): EmulatorConfig {
  return loadConfig('entra-emulator', emulatorShape, source, (v, issues, cwd) => {
    if ((v.EMULATOR_TLS_CERT === undefined) !== (v.EMULATOR_TLS_KEY === undefined)) {
      const missing = v.EMULATOR_TLS_CERT === undefined ? 'EMULATOR_TLS_CERT' : 'EMULATOR_TLS_KEY';
      issues.add(
        missing,
        'required together with its pair: set both EMULATOR_TLS_CERT and EMULATOR_TLS_KEY, or neither',
      );
      return undefined;
    }
    if (v.EMULATOR_TRANSPARENT_PORT !== undefined && !v.EMULATOR_TRANSPARENT) {
      issues.add(
        'EMULATOR_TRANSPARENT_PORT',
        "only with EMULATOR_TRANSPARENT=true (the port on which the emulator answers as Microsoft's hosts)",
      );
      return undefined;
    }
    const port = v.PORT ?? EMULATOR_DEFAULTS.port;
    return {
      app: 'entra-emulator',
      port,
      host: v.HOST ?? 'localhost',
      publicUrl: v.EMULATOR_PUBLIC_URL ?? `https://localhost:${port}`,
      logLevel: v.LOG_LEVEL ?? 'info',
      seedPath: v.EMULATOR_SEED ? resolve(cwd, v.EMULATOR_SEED) : undefined,
      dataDir: emulatorDataDir(v.EMULATOR_DATA_DIR, cwd),
      caExportPath: v.EMULATOR_CA_EXPORT ? resolve(cwd, v.EMULATOR_CA_EXPORT) : undefined,
      tls:
        v.EMULATOR_TLS_CERT && v.EMULATOR_TLS_KEY
          ? {
              certPath: resolve(cwd, v.EMULATOR_TLS_CERT),
              keyPath: resolve(cwd, v.EMULATOR_TLS_KEY),
            }
          : undefined,
      controlPlane: v.EMULATOR_CONTROL_PLANE ?? true,
      armPageSize: v.EMULATOR_ARM_PAGE_SIZE ?? 5,
      transparentPort: v.EMULATOR_TRANSPARENT
        ? (v.EMULATOR_TRANSPARENT_PORT ?? TRANSPARENT_PORT)
        : undefined,
      proxyPort: v.EMULATOR_PROXY_PORT,
      caeTokenLifetimeSeconds: v.EMULATOR_CAE_TOKEN_LIFETIME,
    };
  });
}
