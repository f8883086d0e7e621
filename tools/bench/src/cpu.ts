/**
 * Process CPU time read from `/proc/<pid>/stat` (utime + stime, every thread of the process):
 * the server's own accounting, whatever runs in it, sampled by the bench from outside.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** utime and stime (fields 14 and 15 of `/proc/<pid>/stat`) in clock ticks. */
export function parseProcStat(text: string): { utime: number; stime: number } {
  // Field 2 is `(comm)`, which may hold spaces and parentheses: count from the last `)`.
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime)) {
    throw new Error('no utime/stime in the /proc/<pid>/stat line');
  }
  return { utime, stime };
}

let ticksPerSecond: number | undefined;

/** `getconf CLK_TCK`, asked once: the unit of utime/stime. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const answer = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (!Number.isInteger(answer) || answer <= 0) throw new Error(`getconf CLK_TCK: ${answer}`);
    ticksPerSecond = answer;
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) the process `pid` has used so far. */
export function processCpuSeconds(pid: number): number {
  const { utime, stime } = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return (utime + stime) / clockTicksPerSecond();
}

/** CPU seconds `pid` spends while `work` runs (sampled right before and right after it). */
export async function cpuDuring<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; cpuSeconds: number }> {
  const before = processCpuSeconds(pid);
  const result = await work();
  return { result, cpuSeconds: processCpuSeconds(pid) - before };
}
