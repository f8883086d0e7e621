import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@obo/config';

/**
 * The dependency direction of DESIGN.md §2 is a lint error, checked here on source text
 * placed (virtually) inside each project: ESLint runs the workspace's own configuration.
 */
jest.setTimeout(60_000);

describe('module boundaries', () => {
  const root = findWorkspaceRoot(__dirname);

  // ESLint loads the flat config with a dynamic import, which Jest's VM cannot do: run the CLI.
  async function boundaryErrors(file: string, source: string): Promise<string[]> {
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/eslint/bin/eslint.js'),
        '--format',
        'json',
        '--stdin',
        '--stdin-filename',
        join(root, file),
      ],
      { cwd: root, input: source, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' } },
    );
    const [result] = JSON.parse(run.stdout) as {
      messages: { ruleId: string; message: string }[];
    }[];
    return result.messages
      .filter((m) => m.ruleId === '@nx/enforce-module-boundaries')
      .map((m) => m.message);
  }

  it.each([
    [
      'a lib importing an app',
      'libs/config/src/bad.ts',
      "import { createApp } from '@obo/api';\nexport const x = createApp;\n",
    ],
    [
      'an app importing another app',
      'apps/web/src/bad.ts',
      "import { createApp } from '@obo/api';\nexport const x = createApp;\n",
    ],
    [
      'production code importing the emulator',
      'apps/api/src/bad.ts',
      "import { startEmulator } from '@obo/entra-emulator';\nexport const x = startEmulator;\n",
    ],
    [
      'app code importing the test helpers',
      'apps/web/src/bad.ts',
      "import { freePort } from '@obo/testing';\nexport const x = freePort;\n",
    ],
    [
      'library code importing the test helpers',
      'libs/token-acquisition/src/bad.ts',
      "import { freePort } from '@obo/testing';\nexport const x = freePort;\n",
    ],
  ])('rejects %s', async (_name, file, source) => {
    expect(await boundaryErrors(file, source)).not.toEqual([]);
  });

  it.each([
    [
      'an app importing a lib',
      'apps/api/src/ok.ts',
      "import { loadApiConfig } from '@obo/config';\nexport const x = loadApiConfig;\n",
    ],
    [
      'a test starting the emulator',
      'apps/api/src/ok.spec.ts',
      "import { startEmulator } from '@obo/entra-emulator';\nexport const x = startEmulator;\n",
    ],
    [
      'a test using the test helpers',
      'libs/token-acquisition/src/ok.spec.ts',
      "import { freePort } from '@obo/testing';\nexport const x = freePort;\n",
    ],
  ])('allows %s', async (_name, file, source) => {
    expect(await boundaryErrors(file, source)).toEqual([]);
  });
});
