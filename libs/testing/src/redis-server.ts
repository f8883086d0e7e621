import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';

/** A Redis for tests: REDIS_TEST_URL if set, else a private redis-server on a free loopback port. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * A private redis-server the test controls, for outage tests: it can hang (SIGSTOP), go down
 * and come back on the same port. With `appendonly` its data survives `down()`/`up()`.
 */
export interface LocalRedis extends TestRedis {
  port: number;
  /** SIGSTOP: connections stay open and nothing is answered (a hung server). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Stops the server (SIGTERM: with appendonly, the data is on disk). */
  down(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  up(): Promise<void>;
}

/** True when tests can get a Redis (REDIS_TEST_URL or redis-server on PATH). */
export function redisAvailable(): boolean {
  if (process.env.REDIS_TEST_URL) return true;
  return redisServerAvailable();
}

/** True when redis-server is on PATH (needed for {@link startLocalRedis}). */
export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Fails loudly in CI, where Redis-backed tests must run, when no Redis can be had. */
export function requireRedisInCi(): void {
  if (process.env.CI === 'true' && !redisAvailable()) {
    throw new Error(
      'Redis is required for the multi-instance session tests in CI: install redis-server (apt-get install redis-server) or set REDIS_TEST_URL.',
    );
  }
}

export async function startTestRedis(): Promise<TestRedis> {
  if (process.env.REDIS_TEST_URL) {
    return { url: process.env.REDIS_TEST_URL, stop: async () => undefined };
  }
  const redis = await startLocalRedis();
  return { url: redis.url, stop: () => redis.stop() };
}

/**
 * Starts redis-server on a free loopback port (persistence off unless `appendonly`), in a
 * temporary directory removed by `stop()`.
 */
export async function startLocalRedis(options: { appendonly?: boolean } = {}): Promise<LocalRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'obo-test-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendonly ? 'yes' : 'no',
    // Every write reaches the file at once: a test's `down()` right after a write keeps it.
    ...(options.appendonly ? ['--appendfsync', 'always'] : []),
  ];
  let child = await spawnRedis(args);
  const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
  const down = () =>
    new Promise<void>((resolve) => {
      if (exited(child)) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGCONT'); // a paused server cannot act on SIGTERM
      child.kill('SIGTERM');
    });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    down,
    up: async () => {
      if (!exited(child)) throw new Error('redis-server is still running');
      child = await spawnRedis(args);
    },
    stop: async () => {
      await down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function spawnRedis(args: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise<ChildProcess>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start: ${output}`));
    }, 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
  });
}
