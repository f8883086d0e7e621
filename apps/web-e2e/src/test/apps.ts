import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnNode, waitForOk, type Spawned } from './processes';
import { workspaceRoot } from './seed';

/** The API and the web app, running from their bundles. */
export interface RunningApps {
  /** Stops the web app, then the API; removes their working folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Only what the apps need: a developer's AZURE_* or .env must not leak into the test. */
export function baseEnv(): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR, LANG } = process.env;
  return { PATH, HOME, TMPDIR, LANG, LOG_LEVEL: 'warn', FORCE_COLOR: '0' };
}

/**
 * Starts the API and then the web app as child processes from their built bundles
 * (apps/api/dist, apps/web/dist), each with `env` over {@link baseEnv}, in an empty working
 * folder (no `.env` is read), and waits until both answer `/readyz` on their ports.
 */
export async function startApps(o: {
  api: { env: NodeJS.ProcessEnv; port: number };
  web: { env: NodeJS.ProcessEnv; port: number };
}): Promise<RunningApps> {
  const cwd = mkdtempSync(join(tmpdir(), 'obo-e2e-cwd-'));
  const children: Spawned[] = [];
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
      const child = spawnNode([join(workspaceRoot, `apps/${name}/dist/main.js`)], {
        cwd,
        env: { ...baseEnv(), ...app.env },
      });
      children.push(child);
      await waitForOk(`http://127.0.0.1:${app.port}/readyz`, child);
    }
    return { stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
