import { ConfigError } from '@obo/config';
import pino from 'pino';
import {
  runService,
  type RunningService,
  type ServiceConfig,
  type ServiceDefinition,
} from './index';
import { logLines } from './test/log-lines';

/** A stand-in for `process`: records exits and stderr, and lets the test send signals. */
function fakeProcess() {
  const exits: number[] = [];
  let stderr = '';
  const handlers = new Map<string, () => void>();
  let exited: (code: number) => void = () => undefined;
  const exitedOnce = new Promise<number>((resolve) => (exited = resolve));
  return {
    proc: {
      exit: (code: number) => {
        exits.push(code);
        exited(code);
      },
      stderr: { write: (text: string) => (stderr += text) },
      on: (signal: 'SIGTERM' | 'SIGINT', listener: () => void) => handlers.set(signal, listener),
    },
    exits,
    stderr: () => stderr,
    signal: (name: 'SIGTERM' | 'SIGINT') => handlers.get(name)?.(),
    exit: exitedOnce,
  };
}

function captureLogs() {
  const { lines, destination } = logLines();
  return { lines, logger: () => pino({ level: 'debug' }, destination) };
}

const CONFIG: ServiceConfig = { logLevel: 'info', port: 4321 };

describe('runService', () => {
  it('prints a ConfigError as its one message and exits 1 without starting', async () => {
    const p = fakeProcess();
    const start = jest.fn();
    await runService(
      {
        name: 'api',
        load: () => {
          throw new ConfigError('api', [{ variable: 'AZURE_CLIENT_ID', message: 'a GUID' }]);
        },
        start,
      },
      { process: p.proc },
    );
    expect(p.exits).toEqual([1]);
    expect(p.stderr()).toMatch(
      /^Invalid configuration for api \(1 problem\):\n {2}- AZURE_CLIENT_ID/,
    );
    expect(p.stderr().trim().split('\n')).toHaveLength(2);
    expect(start).not.toHaveBeenCalled();
  });

  /** Runs a service with `start` against the fake process; returns the process and the logs. */
  async function run(
    name: string,
    start: ServiceDefinition<ServiceConfig>['start'],
    options: { config?: ServiceConfig; drainTimeoutMs?: number } = {},
  ) {
    const p = fakeProcess();
    const logs = captureLogs();
    await runService(
      { name, load: () => options.config ?? CONFIG, start },
      { process: p.proc, logger: logs.logger, drainTimeoutMs: options.drainTimeoutMs },
    );
    return { p, logs };
  }

  it('warns loudly when the identity is the emulator’s, and not otherwise', async () => {
    for (const isEmulator of [true, false]) {
      const identity = { isEmulator, authority: 'https://localhost:8443/t' };
      const { p, logs } = await run('web', async () => ({ close: () => undefined }), {
        config: { ...CONFIG, identity },
      });
      const warning = logs.lines.find((l) => String(l.msg).startsWith('EMULATOR PROFILE'));
      if (isEmulator) expect(warning).toMatchObject({ level: 40 });
      else expect(warning).toBeUndefined();
      expect(p.exits).toEqual([]);
    }
  });

  it('says plainly that the port is in use, and exits 1', async () => {
    const { p } = await run('api', async () => {
      throw Object.assign(new Error('listen EADDRINUSE: address already in use'), {
        code: 'EADDRINUSE',
      });
    });
    expect(p.stderr()).toBe('api: port 4321 is in use; set PORT to another port.\n');
    expect(p.exits).toEqual([1]);
  });

  it('exits 1 with the reason when the start fails otherwise', async () => {
    const { p, logs } = await run('entra-emulator', async () => {
      throw new Error('the seed file is not valid JSON');
    });
    expect(p.stderr()).toBe('entra-emulator: cannot start: the seed file is not valid JSON\n');
    expect(p.exits).toEqual([1]);
    expect(logs.lines.find((l) => l.msg === 'start failed')).toMatchObject({ level: 50 });
  });

  function started(close: RunningService['close'], drainTimeoutMs?: number) {
    return run(
      'api',
      async () => ({ url: 'http://127.0.0.1:4321', fields: { profile: 'x' }, close }),
      { drainTimeoutMs },
    );
  }

  it('logs where it listens', async () => {
    const { logs } = await started(() => undefined);
    expect(logs.lines.find((l) => l.msg === 'api listening')).toMatchObject({
      url: 'http://127.0.0.1:4321',
      profile: 'x',
    });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'drains on %s, then exits 0 through process.exit',
    async (signal) => {
      let finish: () => void = () => undefined;
      const close = jest.fn(() => new Promise<void>((resolve) => (finish = resolve)));
      const { p, logs } = await started(close);
      p.signal(signal);
      p.signal(signal); // a second signal does not start a second drain
      await new Promise((resolve) => setImmediate(resolve));
      expect(close).toHaveBeenCalledTimes(1);
      expect(p.exits).toEqual([]);
      finish();
      expect(await p.exit).toBe(0);
      expect(logs.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['draining', 'stopped']));
    },
  );

  it('exits 1 when the drain takes longer than allowed', async () => {
    const { p } = await started(() => new Promise<void>(() => undefined), 50);
    p.signal('SIGTERM');
    expect(await p.exit).toBe(1);
  });

  it('exits 1 when closing fails', async () => {
    const { p } = await started(async () => {
      throw new Error('redis would not close');
    });
    p.signal('SIGTERM');
    expect(await p.exit).toBe(1);
  });
});
