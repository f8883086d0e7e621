import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadApiConfig, loadWebConfig, type ApiConfig, type WebConfig } from '@obo/config';
import { startEmulator, type RunningEmulator } from '@obo/entra-emulator';

/** The emulator in-process on a free loopback port; its CA and keys are made once per machine. */
export function startTestEmulator(): Promise<RunningEmulator> {
  const dataDir = join(tmpdir(), 'obo-token-acquisition-emulator');
  mkdirSync(dataDir, { recursive: true });
  return startEmulator({ port: 0, host: '127.0.0.1', dataDir, logger: false });
}

const env = (emu: RunningEmulator) => ({
  EXTRA_CA_CERTS: emu.caCertPath,
  AZURE_AUTHORITY_HOST: emu.url,
  LOG_LEVEL: 'silent',
});

/** The API's configuration (emulator profile) against `emu`. */
export function apiConfig(emu: RunningEmulator): ApiConfig {
  return loadApiConfig({ env: env(emu), envFile: false });
}

/** The web app's configuration (emulator profile) against `emu`. */
export function webConfig(emu: RunningEmulator): WebConfig {
  return loadWebConfig({ env: env(emu), envFile: false });
}

/** How many TCP sockets this process has open (client and server sides alike). */
export function openSockets(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'TCPSocketWrap').length;
}
