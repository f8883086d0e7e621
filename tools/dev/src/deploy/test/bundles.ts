import { join } from 'node:path';
import { findWorkspaceRoot } from '@obo/config';
import { startNodeProcess, type NodeProcess } from '@obo/testing';

export {
  freePort,
  get,
  stopAllNodeProcesses as stopAllBundles,
  waitFor200,
  type NodeProcess as BundleProcess,
} from '@obo/testing';

/** The three deployable apps, each bundled by esbuild to `apps/<app>/dist/main.js`. */
export type BundledApp = 'api' | 'web' | 'entra-emulator';

export const root = findWorkspaceRoot(__dirname);

export function bundlePath(app: BundledApp): string {
  return join(root, 'apps', app, 'dist', 'main.js');
}

/** `node apps/<app>/dist/main.js` with exactly `env` (plus PATH), in `cwd`. */
export function startBundle(
  app: BundledApp,
  env: Record<string, string>,
  cwd: string,
): NodeProcess {
  return startNodeProcess(app, bundlePath(app), env, cwd);
}
