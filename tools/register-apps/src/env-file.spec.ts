import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeEnvFile, readEnvFile } from './env-file';

describe('env files written by register-apps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'obo-env-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file, owner-only, and reads it back', () => {
    const path = join(dir, 'new', '.env');
    expect(mergeEnvFile(path, { AZURE_CLIENT_ID: 'a', AZURE_CLIENT_SECRET: 's' })).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readEnvFile(path)).toEqual({ AZURE_CLIENT_ID: 'a', AZURE_CLIENT_SECRET: 's' });
  });

  it('replaces only its variables, keeps comments and others, and skips a no-op write', () => {
    const path = join(dir, 'existing.env');
    writeFileSync(path, '# mine\nPORT=4001\nAZURE_CLIENT_ID="old"\nexport LOG_LEVEL=debug\n');
    expect(mergeEnvFile(path, { AZURE_CLIENT_ID: 'new', AZURE_TENANT_ID: 't' })).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(
      '# mine\nPORT=4001\nAZURE_CLIENT_ID=new\nexport LOG_LEVEL=debug\nAZURE_TENANT_ID=t\n',
    );
    expect(readEnvFile(path)).toMatchObject({ PORT: '4001', LOG_LEVEL: 'debug' });
    expect(mergeEnvFile(path, { AZURE_CLIENT_ID: 'new' })).toBe(false);
  });

  it('removes a variable given as undefined, and writes nothing when it is already absent', () => {
    const path = join(dir, 'remove.env');
    writeFileSync(path, 'AZURE_CLIENT_ID=a\nAZURE_CLIENT_SECRET=s\n');
    expect(
      mergeEnvFile(path, {
        AZURE_CLIENT_SECRET: undefined,
        AZURE_CLIENT_CERTIFICATE_PATH: '/c.pem',
      }),
    ).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(
      'AZURE_CLIENT_ID=a\nAZURE_CLIENT_CERTIFICATE_PATH=/c.pem\n',
    );
    expect(mergeEnvFile(path, { AZURE_CLIENT_SECRET: undefined })).toBe(false);
  });

  it('reads a missing file as empty', () => {
    expect(readEnvFile(join(dir, 'nope.env'))).toEqual({});
  });
});
