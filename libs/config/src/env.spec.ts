import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findWorkspaceRoot, readEnvironment } from './env';
import { tempDir } from './test/fixtures';

describe('readEnvironment', () => {
  const dir = tempDir();
  writeFileSync(join(dir, '.env'), 'PORT=5000\nAZURE_TENANT_ID=from-file\n# comment\n');
  writeFileSync(join(dir, 'other.env'), 'PORT=6000\n');

  it('reads {cwd}/.env under the process environment', () => {
    expect(readEnvironment({ cwd: dir, env: { AZURE_TENANT_ID: 'from-env' } })).toEqual({
      PORT: '5000',
      AZURE_TENANT_ID: 'from-env',
    });
  });

  it('reads the file named by ENV_FILE, and fails when it is missing', () => {
    expect(readEnvironment({ cwd: dir, env: { ENV_FILE: 'other.env' } }).PORT).toBe('6000');
    expect(() => readEnvironment({ cwd: dir, env: { ENV_FILE: 'missing.env' } })).toThrow(
      /ENV_FILE/,
    );
  });

  it('skips the file when told to, and tolerates a missing default file', () => {
    expect(readEnvironment({ cwd: dir, env: {}, envFile: false })).toEqual({});
    expect(readEnvironment({ cwd: join(dir, '..'), env: { A: '1' } })).toEqual({ A: '1' });
  });
});

describe('findWorkspaceRoot', () => {
  it('walks up to the folder holding nx.json', () => {
    const root = tempDir();
    writeFileSync(join(root, 'nx.json'), '{}');
    const deep = join(root, 'apps', 'web', 'src');
    mkdirSync(deep, { recursive: true });
    expect(findWorkspaceRoot(deep)).toBe(root);
  });

  it('falls back to the starting folder outside a workspace', () => {
    const lone = tempDir();
    expect(findWorkspaceRoot(lone)).toBe(lone);
  });
});
