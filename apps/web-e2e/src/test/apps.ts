import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeProcess, waitFor200, type NodeProcess } from '@obo/testing';
import { workspaceRoot } from './seed';

/** The API and the web app, running from their bundles. */
export interface RunningApps {
  /** Stops the web app, then the API; removes their working folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Only what the apps need: a developer's AZURE_* or .env must not leak into the test. */
function baseEnv(): Record<string, string> {
  const { HOME = '', TMPDIR = '/tmp', LANG = 'C.UTF-8' } = process.env;
  return { HOME, TMPDIR, LANG, LOG_LEVEL: 'warn', FORCE_COLOR: '0' };
}

/**
 * Starts the API and then the web app from their built bundles (apps/api/dist, apps/web/dist),
 * each with `env` over a minimal environment, in an empty working folder (no `.env` is read),
 * and waits until both answer `/readyz` on their ports.
 */
export async function startApps(o: {
  api: { env: Record<string, string>; port: number };
  web: { env: Record<string, string>; port: number };
}): Promise<RunningApps> {
  const cwd = mkdtempSync(join(tmpdir(), 'obo-e2e-cwd-'));
  const children: NodeProcess[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const child of children.reverse()) await child.stop();
    rmSync(cwd, { recursive: true, force: true });
  };
  try {
    for (const [name, app] of [
      ['api', o.api],
      ['web', o.web],
    ] as const) {
      const script = join(workspaceRoot, `apps/${name}/dist/main.js`);
      const child = startNodeProcess(name, script, { ...baseEnv(), ...app.env }, cwd);
      children.push(child);
      await waitFor200(`http://127.0.0.1:${app.port}/readyz`, child, { timeoutMs: 30_000 });
    }
    return { stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
