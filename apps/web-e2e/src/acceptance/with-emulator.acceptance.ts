import { execFile } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '../test/seed';
import { emulatorAsMicrosoft, getJson } from './test/namespace';

const RUNNER = join(workspaceRoot, 'tools/dev/src/with-emulator/main.ts');

/** `npm run with-emulator -- <command>` (from source, emulator already built). */
function withEmulator(...command: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ['-r', '@swc-node/register', RUNNER, '--no-build', ...command],
      { cwd: workspaceRoot, timeout: 60_000 },
      (err, stdout) => resolve({ code: err ? Number(err.code) : 0, stdout }),
    ),
  );
}

/**
 * `npm run with-emulator` itself: these tests run inside it, so they see its namespace; they
 * also start it again (a namespace within this one) to check what it promises about the command
 * and the hosts file around it.
 */
describe('npm run with-emulator', () => {
  it('resolves every Microsoft host the emulator serves to loopback, and it answers there', async () => {
    const emulator = await emulatorAsMicrosoft();
    const { body } = await getJson(`${emulator.localUrl}/`, emulator.ca);
    const hosts = (body as { transparentHosts: string[] }).transparentHosts;
    expect(hosts).toEqual(
      expect.arrayContaining([
        'login.microsoftonline.com',
        'login.windows.net',
        'management.azure.com',
        'graph.microsoft.com',
        'obodevb2c.b2clogin.com',
        'obodevciam.ciamlogin.com',
        '0b0ec1a0-0000-4000-8000-000000000001.ciamlogin.com',
      ]),
    );
    for (const host of hosts) {
      expect(['127.0.0.1', '::1']).toContain((await lookup(host)).address);
      const doc = await getJson(`https://${host}/`, emulator.ca).catch((e: Error) => e);
      // Reached the emulator (any answer over its certificate), not a connection error.
      expect(doc).not.toBeInstanceOf(Error);
    }
  });

  it('returns the command’s exit code and leaves the surrounding hosts file as it was', async () => {
    const before = readFileSync('/etc/hosts', 'utf8');
    const inner = await withEmulator(
      'sh',
      '-c',
      'grep -c "login.microsoftonline.com" /etc/hosts; exit 7',
    );
    expect(inner.code).toBe(7);
    expect(Number(inner.stdout.trim())).toBeGreaterThan(0);
    expect(readFileSync('/etc/hosts', 'utf8')).toBe(before);
  });

  it('fails clearly when there is no command', async () => {
    expect((await withEmulator()).code).toBe(2);
  });
});
