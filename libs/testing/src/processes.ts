import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, relative, resolve } from 'node:path';

/** How a node process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from the signal to the exit. */
  ms: number;
}

/** A `node` child process: an app's bundle, a tool, a proxy written for a benchmark. */
export interface NodeProcess {
  /** A name for messages (e.g. `api`). */
  app: string;
  child: ChildProcess;
  /** The last 64 KiB the process wrote (for failure messages; never contains secrets). */
  output: () => string;
  /** Sends `signal` and resolves when the process has exited (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

export interface SpawnNodeOptions {
  /** Working folder. Default this process's. */
  cwd?: string;
  /** Environment of the child: exactly this plus PATH, or added to ours with `inheritEnv`. */
  env: NodeJS.ProcessEnv;
  /** Start from this process's environment. Default false (nothing leaks in by accident). */
  inheritEnv?: boolean;
}

const OUTPUT_TAIL = 64 * 1024;
const running = new Set<NodeProcess>();
// A test or a bench that dies without its clean-up takes its children with it.
process.once('exit', () => {
  for (const { child } of running) if (child.exitCode === null) child.kill('SIGKILL');
});

/**
 * Starts `node args…` (the one process spawner of the tests, the e2e suite and the bench):
 * output kept (its last 64 KiB), stopped by `stop()`, by {@link stopAllNodeProcesses}, or
 * killed when this process exits.
 */
export function spawnNode(app: string, args: string[], options: SpawnNodeOptions): NodeProcess {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.inheritEnv
      ? { ...process.env, ...options.env }
      : { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const spawned: NodeProcess = {
    app,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM', graceMs = 10_000) => {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      running.delete(spawned);
      return { ...result, ms: Date.now() - started };
    },
  };
  running.add(spawned);
  return spawned;
}

/**
 * The workspace sources of an esbuild bundle (listed in its source map, `<script>.map`) that
 * changed, or disappeared, after the bundle was written: empty when the bundle is current.
 * Throws when there is no source map (then nothing says what the bundle was built from).
 */
export function staleSources(script: string): string[] {
  const mapPath = `${script}.map`;
  if (!existsSync(mapPath)) {
    throw new Error(`${mapPath} is missing: cannot tell whether ${script} is current`);
  }
  const built = statSync(script).mtimeMs;
  const map = JSON.parse(readFileSync(mapPath, 'utf8')) as {
    sources?: string[];
    sourceRoot?: string;
  };
  const base = resolve(dirname(mapPath), map.sourceRoot ?? '');
  return (map.sources ?? [])
    .filter((source) => !source.includes('node_modules/'))
    .map((source) => resolve(base, source))
    .filter((file) => !existsSync(file) || statSync(file).mtimeMs > built);
}

/**
 * Starts `node <script>` with exactly `env` (plus PATH), in `cwd` — a folder without a `.env`,
 * so a developer's own files cannot leak into the test. Stopped by `stop()`, or by
 * {@link stopAllNodeProcesses} in an `afterAll`. Refuses a bundle that is missing or older than
 * its sources ({@link staleSources}): a test must not pass or fail on yesterday's code.
 */
export function startNodeProcess(
  app: string,
  script: string,
  env: Record<string, string>,
  cwd: string,
): NodeProcess {
  const build = `npx nx run @obo/${app}:build`;
  if (!existsSync(script)) throw new Error(`${script} is missing: build it first (${build})`);
  const stale = staleSources(script);
  if (stale.length > 0) {
    const names = stale.slice(0, 5).map((file) => relative(process.cwd(), file));
    throw new Error(
      `${script} is older than ${stale.length} of its sources (${names.join(', ')}${stale.length > 5 ? ', …' : ''}): rebuild it (${build})`,
    );
  }
  return spawnNode(app, [script], { cwd, env });
}

/** Kills whatever a test left running (afterAll safety net). */
export async function stopAllNodeProcesses(): Promise<void> {
  await Promise.all([...running].map((b) => b.stop('SIGKILL', 1000)));
}

/** True when nothing accepts connections on 127.0.0.1:port. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free loopback TCP port, never one it gave before in this process: the port is free when
 * found but not held, so two calls before either server binds could otherwise get the same one
 * (seen: an emulator and a web app started side by side on one port).
 */
export const freePort: () => Promise<number> = uniquePorts(anyFreePort);

/** Wraps a port finder so it never answers the same port twice. */
export function uniquePorts(find: () => Promise<number>): () => Promise<number> {
  const handedOut = new Set<number>();
  return async () => {
    for (;;) {
      const port = await find();
      if (!handedOut.has(port)) {
        handedOut.add(port);
        return port;
      }
    }
  };
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A GET answered in full; `ca` for https. Never throws on a status, only on the network. */
export function get(
  url: string,
  options: { ca?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.get(
      target,
      {
        ca: options.ca,
        headers: options.headers,
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${target.pathname} timed out`)));
    req.on('error', reject);
  });
}

/** Polls `url` until it answers 200; fails early when the process exits. */
export async function waitFor200(
  url: string,
  bundle: NodeProcess,
  options: { ca?: () => string | undefined; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (bundle.child.exitCode !== null)
      throw new Error(`${bundle.app} exited (${bundle.child.exitCode}):\n${bundle.output()}`);
    const ca = options.ca?.();
    if (!url.startsWith('https:') || ca) {
      const ok = await get(url, { ca, timeoutMs: 2000 }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${bundle.app} not ready at ${url}:\n${bundle.output()}`);
}
