import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import http from 'node:http';
import https from 'node:https';
import { findWorkspaceRoot } from '@obo/config';
import { formatLogLine } from './log-format';

/** nx's CLI entry, from its package.json `bin` (the file moved to dist/bin in recent versions). */
export function nxCli(): string {
  const manifest = require.resolve('nx/package.json', { paths: [findWorkspaceRoot(__dirname)] });
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(manifest), bin.nx);
}

const COLORS = { emulator: 35, api: 36, web: 32, build: 33 } as const;

/** A child process whose output is prefixed `[name]`, pino lines made readable. */
export function startProcess(
  name: keyof typeof COLORS,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): ChildProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tty = process.stdout.isTTY;
  const prefix = tty ? `\x1b[${COLORS[name]}m[${name}]\x1b[0m` : `[${name}]`;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) =>
      process.stdout.write(`${prefix} ${formatLogLine(line)}\n`),
    );
  }
  return child;
}

/** Resolves when `port` can be bound on `host`, rejects with EADDRINUSE otherwise. */
export function checkPortFree(port: number, host = 'localhost'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Polls `url` until it answers 200, the child exits, or `timeoutMs` passes. */
export async function waitForReady(
  url: string,
  child: ChildProcess,
  options: { timeoutMs?: number; ca?: () => string | undefined } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`exited with code ${child.exitCode} before it was ready`);
    if (await probe(url, options.ca?.())) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready at ${url} after ${(options.timeoutMs ?? 60_000) / 1000} s`);
}

function probe(url: string, ca: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const transport = target.protocol === 'https:' ? https : http;
    if (target.protocol === 'https:' && !ca) return resolve(false);
    const request = transport.get(target, { ca, timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

/** Sends SIGTERM to every child and waits (at most `graceMs`) before SIGKILL. */
export async function stopAll(children: ChildProcess[], graceMs = 10_000): Promise<void> {
  const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(
    alive.map(
      (child) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}
