/**
 * A CPU profile taken by the run: a fresh server child under `node --cpu-prof`, warmed, driven
 * through a measured window, stopped with SIGTERM (Node writes the `.cpuprofile` when the
 * process exits), and its self time attributed to categories of code per unit of work.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { processCpuSeconds } from '../cpu';
import { tempDir, type Server } from '../stack';
import {
  attribute,
  frameClassifier,
  type Attribution,
  type Bundle,
  type CpuProfile,
} from './attribute';

/** The source map next to an esbuild bundle (`main.js.map`), for `frameClassifier`. */
export function bundleWithMap(bundlePath: string): Bundle {
  const payload = JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')) as SourceMapPayload;
  return { url: pathToFileURL(bundlePath).href, map: new SourceMap(payload) };
}

export interface ProfileRequest<S extends Server> {
  /** Who is profiled, e.g. `API`. */
  label: string;
  /** What the measured window does, in words, e.g. `5 s of warm GET /api/subscriptions`. */
  what: string;
  /** What one unit of work is: `request`, `cold user`. */
  unit: string;
  /** Label of the code of the server itself (paths `src/…` of its bundle). */
  ownApp: string;
  /** The server's esbuild bundle, when it is one (frames are mapped through its source map). */
  bundle?: string;
  /** Starts the server with these Node options. */
  start(nodeArgs: string[]): Promise<S>;
  /** Work before the window (JIT, caches, sockets). */
  warm(server: S): Promise<void>;
  /** The measured window; resolves to the units of work it completed. */
  measure(server: S): Promise<number>;
}

export type ProfileResult =
  | {
      ok: true;
      label: string;
      what: string;
      unit: string;
      units: number;
      /** The profiled process's CPU (utime + stime, /proc) per unit in the window, µs. */
      cpuPerUnitUs: number;
      attribution: Attribution;
    }
  | { ok: false; label: string; what: string; unit: string; error: string };

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
/** V8's default sampling interval, passed explicitly because attribution counts samples. */
const INTERVAL_US = 1000;

/**
 * Takes the profile; never throws: a failure is returned as `{ ok: false, error }` and printed
 * as such. The window is cut from the profile by time: V8 stamps samples with the same
 * monotonic clock as `process.hrtime` (CLOCK_MONOTONIC on Linux), shared by all processes.
 */
export async function takeProfile<S extends Server>(
  request: ProfileRequest<S>,
): Promise<ProfileResult> {
  const { label, what, unit } = request;
  try {
    const dir = tempDir('obo-bench-prof-');
    const server = await request.start([
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      `--cpu-prof-interval=${INTERVAL_US}`,
    ]);
    let window: { startUs: number; endUs: number };
    let units: number;
    let cpuSeconds: number;
    try {
      await request.warm(server);
      const cpuBefore = processCpuSeconds(server.child.pid);
      const startUs = monotonicUs();
      units = await request.measure(server);
      window = { startUs, endUs: monotonicUs() };
      cpuSeconds = processCpuSeconds(server.child.pid) - cpuBefore;
    } finally {
      await server.child.stop(20_000);
    }
    const code = server.child.process.exitCode;
    const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length !== 1) {
      throw new Error(
        `expected one .cpuprofile, found ${files.length} (exit code ${code}, signal ` +
          `${server.child.process.signalCode}): ${server.child.output().slice(-300)}`,
      );
    }
    const profile = JSON.parse(readFileSync(join(dir, files[0]), 'utf8')) as CpuProfile;
    if (profile.startTime > window.startUs || profile.endTime < window.endUs) {
      throw new Error('the profile does not cover the measured window');
    }
    if (units <= 0) throw new Error('no work completed in the measured window');
    const classify = frameClassifier(
      request.ownApp,
      request.bundle ? bundleWithMap(request.bundle) : undefined,
    );
    return {
      ok: true,
      label,
      what,
      unit,
      units,
      cpuPerUnitUs: (cpuSeconds * 1e6) / units,
      attribution: attribute(profile, classify, window, units, INTERVAL_US),
    };
  } catch (error) {
    return {
      ok: false,
      label,
      what,
      unit,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
