import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { send } from '@obo/http';
import type { EmulatorCounters } from '../counters';
import type { FaultSpec } from '../faults';
import { DEFAULT_PASSWORD, SeedBuilder } from '../seed/builder';
import { loadSeed } from '../seed/load';
import type { Seed, SeedInput } from '../seed/schema';
import type { StartupFacts } from './cli-args';

/** Options of {@link startEmulator}. */
export interface EmulatorFixtureOptions {
  /** A seed builder, a seed object, or a seed file path. Default: the development seed. */
  seed?: SeedBuilder | SeedInput | string;
  /** HTTPS port. Default 0 (a free port). */
  port?: number;
  /**
   * Where the CA, certificate and signing key are kept. Default a new temporary folder, removed
   * by `stop()` (a given folder is kept, and reused by later starts: faster, same CA).
   */
  dataDir?: string;
  /** Transparent mode on this port (443 is what Microsoft's clients use). Default off. */
  transparentPort?: number;
  /** Longest wait for the emulator to start. Default 30 000 ms. */
  startTimeoutMs?: number;
}

/** Options of {@link EmulatorFixture.mintToken}. */
export interface MintTokenOptions {
  /** Default 3 600 s (1 hour). */
  lifetimeSeconds?: number;
  /** Sign with a key outside the emulator's JWKS (a token validators must refuse). */
  untrustedKey?: boolean;
}

/** A user's token through the token endpoint (resource-owner password grant). */
export interface UserTokenRequest {
  /** `userPrincipalName`. */
  username: string;
  /** Default `Passw0rd!` (the seed builder's default). */
  password?: string;
  clientId: string;
  clientSecret?: string;
  /** e.g. `['api://{api client id}/access_as_user']`. */
  scopes: string[];
}

/** A running emulator child process and its control plane. */
export interface EmulatorFixture {
  /** `https://localhost:{port}`. */
  url: string;
  /** `{url}/{tenantId}`: the authority of the seed's tenant. */
  authority: string;
  tenantId: string;
  /** `{url}/arm`: Azure Resource Manager. */
  armUrl: string;
  /** The CA (PEM) to trust: `ca` of an https agent, or `NODE_EXTRA_CA_CERTS` of a child. */
  caCert: string;
  /** The CA's file (for `NODE_EXTRA_CA_CERTS` / `EXTRA_CA_CERTS`). */
  caCertPath: string;
  /** The validated seed (defaults applied). */
  seed: Seed;
  /** A token signed by the emulator with these claims (defaults: v2 `iss`, `tid`, times, `ver`). */
  mintToken(claims: Record<string, unknown>, options?: MintTokenOptions): Promise<string>;
  /** A user's access token from the token endpoint: the real flow, counted in `counters()`. */
  userToken(request: UserTokenRequest): Promise<string>;
  /** Injects a fault (see the emulator README, "Fault injection"); 400 names the bad field. */
  addFault(fault: FaultSpec): Promise<void>;
  clearFaults(): Promise<void>;
  /** Requests served per endpoint and grant since the start (or the last reset). */
  counters(): Promise<EmulatorCounters>;
  resetCounters(): Promise<void>;
  /** Forgets codes, sessions, consents given at run time, faults, counters. */
  reset(): Promise<void>;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and removes its temporary folder. */
  stop(): Promise<void>;
}

/** An error answer of the emulator's control plane or token endpoint. */
export class EmulatorRequestError extends Error {
  readonly code = 'ERR_EMULATOR_REQUEST';
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'EmulatorRequestError';
  }
}

const CLI = join(__dirname, 'cli.js');
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * Starts the packaged emulator as a child process on a free loopback port and resolves when it
 * answers: its URLs, CA, seed, and control-plane helpers. Works the same under `node:test`,
 * Jest and Vitest. Call `stop()` when done (the child also stops when this process exits).
 */
export async function startEmulator(
  options: EmulatorFixtureOptions = {},
): Promise<EmulatorFixture> {
  const seed = toSeed(options.seed);
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'obo-entra-emulator-'));
  const seedPath = join(dataDir, `seed-${process.pid}-${Date.now()}.json`);
  writeFileSync(seedPath, JSON.stringify(seed));
  const args = [CLI, '--json', '--stop-on-stdin-close', '--port', String(options.port ?? 0)];
  args.push('--data-dir', dataDir, '--seed', seedPath);
  if (options.transparentPort !== undefined)
    args.push('--transparent-port', String(options.transparentPort));
  const child = spawn(process.execPath, args, {
    cwd: dataDir,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    child.stdin?.destroy();
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    else rmSync(seedPath, { force: true });
  };
  let facts: StartupFacts;
  try {
    facts = await readFacts(child, options.startTimeoutMs ?? 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const caCert = readFileSync(facts.caCertPath, 'utf8');
  const agent = new Agent({ ca: caCert, keepAlive: false });
  const call = async (method: string, url: string, body?: unknown, form?: boolean) => {
    const payload =
      body === undefined
        ? undefined
        : form
          ? new URLSearchParams(body as Record<string, string>).toString()
          : JSON.stringify(body);
    const res = await send(url, {
      method,
      httpsAgent: agent,
      timeoutMs: 30_000,
      maxResponseBytes: 1024 * 1024,
      body: payload,
      headers: payload
        ? {
            'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
          }
        : {},
    });
    const text = res.body.toString('utf8');
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (res.status >= 400) {
      const described = parsed as { error?: unknown; error_description?: unknown } | undefined;
      throw new EmulatorRequestError(
        res.status,
        parsed,
        `${method} ${new URL(url).pathname}: ${res.status} ${String(described?.error ?? '')} ${String(described?.error_description ?? '')}`.trim(),
      );
    }
    return parsed;
  };
  const control = (method: string, path: string, body?: unknown) =>
    call(method, `${facts.url}/_emulator${path}`, body);
  return {
    url: facts.url,
    authority: facts.authority,
    tenantId: facts.tenantId,
    armUrl: facts.armUrl,
    caCert,
    caCertPath: facts.caCertPath,
    seed,
    mintToken: async (claims, mint = {}) => {
      const answer = (await control('POST', '/tokens', { claims, ...mint })) as {
        access_token: string;
      };
      return answer.access_token;
    },
    userToken: async (request) => {
      const answer = (await call(
        'POST',
        `${facts.authority}/oauth2/v2.0/token`,
        {
          grant_type: 'password',
          client_id: request.clientId,
          ...(request.clientSecret ? { client_secret: request.clientSecret } : {}),
          scope: request.scopes.join(' '),
          username: request.username,
          password: request.password ?? DEFAULT_PASSWORD,
        },
        true,
      )) as { access_token: string };
      return answer.access_token;
    },
    addFault: async (fault) => void (await control('POST', '/faults', fault)),
    clearFaults: async () => void (await control('DELETE', '/faults')),
    counters: async () => (await control('GET', '/counters')) as EmulatorCounters,
    resetCounters: async () => void (await control('POST', '/counters/reset')),
    reset: async () => void (await control('POST', '/reset')),
    stop,
  };
}

/** The seed, validated here so a bad one fails in the caller's process, naming the field. */
function toSeed(seed: EmulatorFixtureOptions['seed']): Seed {
  if (seed instanceof SeedBuilder) return seed.build();
  return loadSeed(seed);
}

/** Waits for the `--json` start-up line; fails with the child's output when it exits first. */
function readFacts(child: ChildProcess, timeoutMs: number): Promise<StartupFacts> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`the emulator ${why}:\n${stderr}${stdout}`.trimEnd()));
    };
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited (${code ?? signal}) before it was ready`);
    child.once('exit', onExit);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line && stdout.includes('\n')) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(JSON.parse(line) as StartupFacts);
      }
    });
  });
}
