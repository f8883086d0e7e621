import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_DEFAULTS, loadApiConfig, type ApiConfig } from '@obo/config';
import {
  startEmulator,
  type RunningEmulator,
  type StartEmulatorOptions,
} from '@obo/entra-emulator';
import { createRedisClient, type RedisClient } from '@obo/server';
import { devUserToken, waitUntil } from '@obo/testing';
import pino from 'pino';
import { createApp, createServer, type ApiApp, type ApiDeps } from '../app';

/** One data folder per test run: the emulator's CA and keys are made once and reused. */
const dataDir = mkdtempSync(join(tmpdir(), 'obo-api-emulator-'));

export function startTestEmulator(
  options: Partial<StartEmulatorOptions> = {},
): Promise<RunningEmulator> {
  return startEmulator({ port: 0, dataDir, logger: false, ...options });
}

/** The API's config pointed at a running emulator. */
export function apiConfigFor(emu: RunningEmulator, env: Record<string, string> = {}): ApiConfig {
  return loadApiConfig({
    env: {
      EXTRA_CA_CERTS: emu.caCertPath,
      AZURE_AUTHORITY_HOST: emu.url,
      LOG_LEVEL: 'silent',
      ...env,
    },
    envFile: false,
  });
}

export interface RunningApi extends ApiApp {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

/** The API on a real loopback port (so its keep-alive and error paths are real too). */
export async function startApi(config: ApiConfig, deps: ApiDeps = {}): Promise<RunningApi> {
  const api = createApp(config, { logger: pino({ level: 'silent' }), ...deps });
  const server = createServer(api.app, config.requestTimeoutMs);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    ...api,
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      api.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** API instances sharing one Redis, each with its own client (replicas behind a balancer). */
export interface Replicas {
  apis: RunningApi[];
  clients: RedisClient[];
  /** Stops the instances and drops their clients (the Redis server is the caller's). */
  stop(): Promise<void>;
}

/** Starts `count` API instances on `config`, each with its own client of `redisUrl`, ready. */
export async function startReplicas(
  config: ApiConfig,
  redisUrl: string,
  count = 2,
): Promise<Replicas> {
  const apis: RunningApi[] = [];
  const clients: RedisClient[] = [];
  for (let i = 0; i < count; i++) {
    const client = createRedisClient(redisUrl, pino({ level: 'silent' }));
    clients.push(client);
    apis.push(await startApi(config, { redis: client }));
  }
  await Promise.all(clients.map((c) => waitUntil(() => c.isReady)));
  return {
    apis,
    clients,
    stop: async () => {
      await Promise.all(apis.map((a) => a.stop()));
      for (const client of clients) if (client.isOpen) client.destroy();
    },
  };
}

/** An access token for the API, as the web app would get it for `username`. */
export const userToken = devUserToken;

/** The subscription ids the seed gives a user. */
export function seededSubscriptionIds(emu: RunningEmulator, username: string): string[] {
  const user = emu.seed.users.find(
    (u) => u.userPrincipalName === `${username}@${EMULATOR_DEFAULTS.tenantDomain}`,
  );
  if (!user) throw new Error(`no seeded user ${username}`);
  return (user.subscriptions ?? []).map((s) => s.subscriptionId).sort();
}
