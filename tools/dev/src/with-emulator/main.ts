/**
 * `npm run with-emulator -- <command> [args…]`: runs a command with the Entra ID emulator as
 * Microsoft. In a private Linux network and mount namespace (loopback only, nothing else) whose
 * `/etc/hosts` maps Microsoft's host names — `login.microsoftonline.com`, `login.windows.net`,
 * `management.azure.com`, `graph.microsoft.com` and the seed's `b2clogin.com`/`ciamlogin.com`
 * hosts — to loopback, it starts the emulator in transparent mode on port 443, then runs the
 * command there with its production settings. The machine's own network and hosts file are
 * untouched; everything ends with the command, whose exit code it returns.
 *
 * As root it uses `unshare --net --mount`; as anyone else `unshare --user --map-root-user` as
 * well (unprivileged user namespaces). The command gets `EMULATOR_CA_CERT` (the CA), and
 * `NODE_EXTRA_CA_CERTS`, `REQUESTS_CA_BUNDLE`, `SSL_CERT_FILE` and `CURL_CA_BUNDLE` pointing at
 * it (replacing what they named): inside, the emulator is all there is to reach and trust. The emulator reads the environment
 * (`EMULATOR_SEED`, `EMULATOR_DATA_DIR`, …; its own port is `EMULATOR_PORT`, default 8443) and
 * logs to a file named at start. `--no-build` skips building the emulator first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_DEFAULTS, findWorkspaceRoot } from '@obo/config';
import { nxCli, stopAll, waitForReady } from '../processes';
import { hostsFileWith } from './hosts-file';

const root = findWorkspaceRoot(__dirname);
const INSIDE = '--inside-namespace';
const name = 'with-emulator';

function fail(message: string): never {
  process.stderr.write(`${name}: ${message}\n`);
  process.exit(2);
}

/** Outside: build, then re-run this file in a new network + mount namespace. */
function enterNamespace(args: string[]): void {
  const build = !args.includes('--no-build');
  const command = args.filter((a) => a !== '--no-build');
  if (command.length === 0) fail('usage: npm run with-emulator -- <command> [args…]');
  if (build) {
    const built = spawnSync(
      process.execPath,
      [nxCli(), 'run', '@obo/entra-emulator:build', '--outputStyle=static'],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, NX_DAEMON: 'false' },
      },
    );
    if (built.status !== 0) fail('building the emulator failed (see above)');
  }
  const rootUser = process.getuid?.() === 0;
  const unshare = [
    ...(rootUser ? [] : ['--user', '--map-root-user']),
    '--net',
    '--mount',
    '--',
    process.execPath,
    ...process.execArgv,
    __filename,
    INSIDE,
    ...command,
  ];
  const child = spawn('unshare', unshare, { stdio: 'inherit' });
  forwardSignals(child);
  child.on('error', (err) => fail(`cannot run unshare (util-linux): ${err.message}`));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

/** Inside: loopback up, the emulator on Microsoft's names, the hosts file, then the command. */
async function insideNamespace(command: string[]): Promise<void> {
  run('ip', ['link', 'set', 'lo', 'up']);
  const dataDir = process.env.EMULATOR_DATA_DIR ?? join(root, EMULATOR_DEFAULTS.dataDir);
  const caPath = join(dataDir, EMULATOR_DEFAULTS.caCertFile);
  const port = process.env.EMULATOR_PORT ?? String(EMULATOR_DEFAULTS.port);
  const work = mkdtempSync(join(tmpdir(), 'with-emulator-'));
  const logPath = join(work, 'emulator.log');
  const log = openSync(logPath, 'a');
  const emulator = spawn(process.execPath, [join(root, 'apps/entra-emulator/dist/main.js')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: port,
      HOST: 'localhost',
      EMULATOR_DATA_DIR: dataDir,
      EMULATOR_TRANSPARENT: 'true',
    },
    stdio: ['ignore', log, log],
  });
  const children: ChildProcess[] = [emulator];
  const stop = async (code: number) => {
    await stopAll(children);
    process.exit(code);
  };
  const local = `https://localhost:${port}`;
  try {
    await waitForReady(`${local}/healthz`, emulator, { ca: () => readIfExists(caPath) });
  } catch (err) {
    process.stderr.write(`${name}: the emulator ${(err as Error).message}\n${read(logPath)}\n`);
    return stop(2);
  }
  const home = (await getJson(`${local}/`, readFileSync(caPath, 'utf8'))) as {
    transparentHosts: string[];
  };
  const hosts = join(work, 'hosts');
  writeFileSync(hosts, hostsFileWith(read('/etc/hosts'), home.transparentHosts));
  run('mount', ['--bind', hosts, '/etc/hosts']);
  process.stderr.write(
    `${name}: ${home.transparentHosts.join(', ')} → the emulator (log ${logPath})\n`,
  );

  const trust = {
    NODE_EXTRA_CA_CERTS: caPath,
    REQUESTS_CA_BUNDLE: caPath,
    SSL_CERT_FILE: caPath,
    CURL_CA_BUNDLE: caPath,
  };
  const child = spawn(command[0], command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, ...trust, EMULATOR_CA_CERT: caPath },
  });
  children.push(child);
  forwardSignals(child);
  child.on('error', (err) => {
    process.stderr.write(`${name}: cannot run ${command[0]}: ${err.message}\n`);
    void stop(127);
  });
  child.on('exit', (code, signal) => void stop(code ?? (signal ? 128 : 1)));
  emulator.on('exit', (code) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.stderr.write(`${name}: the emulator exited (code ${code}):\n${read(logPath)}\n`);
    child.kill('SIGTERM');
  });
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    fail(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
  }
}

function forwardSignals(child: ChildProcess): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => child.kill(signal));
  }
}

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

function readIfExists(path: string): string | undefined {
  try {
    return read(path);
  } catch {
    return undefined;
  }
}

function getJson(url: string, ca: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve(JSON.parse(body)));
      })
      .on('error', reject);
  });
}

const args = process.argv.slice(2);
if (args[0] === INSIDE) void insideNamespace(args.slice(1));
else enterNamespace(args);
