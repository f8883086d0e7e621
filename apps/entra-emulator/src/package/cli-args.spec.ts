import { CliError, parseCliArgs } from './cli-args';

/** The option a CliError names (fails the test when parsing succeeds). */
function refused(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).code).toBe('ERR_EMULATOR_CLI');
    return (err as CliError).option;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

describe('obo-entra-emulator arguments', () => {
  it('defaults: port 8443 on localhost, data in ./.entra-emulator, no transparent mode', () => {
    expect(parseCliArgs([])).toMatchObject({
      port: 8443,
      host: 'localhost',
      dataDir: '.entra-emulator',
      json: false,
      stopOnStdinClose: false,
      transparentPort: undefined,
      seed: undefined,
    });
  });

  it('reads every option', () => {
    expect(
      parseCliArgs([
        '--seed=seed.json',
        '--port',
        '0',
        '--host',
        '0.0.0.0',
        '--data-dir',
        '/data',
        '--public-url',
        'https://emulator:8443',
        '--transparent-port',
        '8444',
        '--proxy-port',
        '8480',
        '--ca-export',
        'ca.pem',
        '--json',
        '--stop-on-stdin-close',
      ]),
    ).toEqual({
      help: false,
      seed: 'seed.json',
      port: 0,
      host: '0.0.0.0',
      dataDir: '/data',
      publicUrl: 'https://emulator:8443',
      transparentPort: 8444,
      proxyPort: 8480,
      caExport: 'ca.pem',
      json: true,
      stopOnStdinClose: true,
    });
  });

  it('--transparent alone answers on 443', () => {
    expect(parseCliArgs(['--transparent']).transparentPort).toBe(443);
  });

  it.each([
    [['--port', 'abc'], '--port'],
    [['--port', '70000'], '--port'],
    [['--transparent-port', '-1'], '--transparent-port'],
    [['--proxy-port', '1.5'], '--proxy-port'],
    [['--public-url', 'http://localhost:8443'], '--public-url'],
    [['--colour'], '--colour'],
  ])('refuses %j, naming %s', (argv, option) => {
    expect(refused(argv)).toBe(option);
  });
});
