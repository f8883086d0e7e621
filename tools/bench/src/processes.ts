import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnNode } from '@obo/testing';

// Children must not outlive the bench: @obo/testing kills its children when this process exits,
// and a signal is turned into that exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

export { freePort } from '@obo/testing';

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** Last lines of stderr/stdout, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs` (default 3 s) if it has not exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `node args…` with `env` added to ours (@obo/testing's spawner); output kept, not printed. */
export function startChild(name: string, args: string[], env: Record<string, string>): Child {
  const spawned = spawnNode(name, args, { env, inheritEnv: true });
  return {
    name,
    process: spawned.child,
    pid: spawned.child.pid ?? 0,
    output: spawned.output,
    stop: async (graceMs = 3000) => {
      await spawned.stop('SIGTERM', graceMs);
    },
  };
}

/** Polls `probe` until it resolves true; fails with the child's output after `timeoutMs`. */
export async function waitUntil(
  child: Child,
  probe: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) {
      throw new Error(`${child.name} exited (${child.process.exitCode}):\n${child.output()}`);
    }
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${child.name} not ready after ${timeoutMs} ms:\n${child.output()}`);
}

/** Resident set size of a process in bytes, from /proc (NaN where /proc is missing). */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}
