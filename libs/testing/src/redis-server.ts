import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './processes';

/** A Redis for tests: REDIS_TEST_URL if set, else a private redis-server on a free loopback port. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/** True when tests can get a Redis (REDIS_TEST_URL or redis-server on PATH). */
export function redisAvailable(): boolean {
  if (process.env.REDIS_TEST_URL) return true;
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
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start: ${output}`)),
      10_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
