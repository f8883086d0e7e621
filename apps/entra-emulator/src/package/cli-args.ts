import { parseArgs } from 'node:util';

/** What `obo-entra-emulator` was asked to do. */
export interface CliOptions {
  help: boolean;
  /** Seed file (JSON). Default: the built-in development seed. */
  seed?: string;
  /** Default 8443; 0 picks a free port. */
  port: number;
  /** Default `localhost`. */
  host: string;
  /** Where the CA, server certificate and signing key are kept. Default `./.entra-emulator`. */
  dataDir: string;
  publicUrl?: string;
  /** Transparent mode's port (443 with `--transparent` alone). */
  transparentPort?: number;
  proxyPort?: number;
  caExport?: string;
  /** Print one JSON line (the start-up facts) instead of the banner. */
  json: boolean;
  /** Stop when stdin closes: the emulator never outlives the process that started it. */
  stopOnStdinClose: boolean;
}

/** What `--json` prints on start-up (one line): where the emulator is, what to trust, who is in it. */
export interface StartupFacts {
  /** `https://localhost:{port}` (or the public URL). */
  url: string;
  /** `{url}/{tenantId}`. */
  authority: string;
  tenantId: string;
  /** `{url}/arm`: Azure Resource Manager. */
  armUrl: string;
  /** The CA certificate (PEM) clients must trust. */
  caCertPath: string;
  transparentPort?: number;
  transparentHosts: string[];
  proxyUrl?: string;
  /** Apps with a credential: their client id and secrets (well-known, from the seed). */
  clients: { displayName: string; clientId: string; secrets: string[] }[];
  users: { userPrincipalName: string; displayName: string }[];
}

/** A command line that cannot be used; `option` names the culprit. */
export class CliError extends Error {
  readonly code = 'ERR_EMULATOR_CLI';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
    this.name = 'CliError';
  }
}

export const USAGE = `Usage: obo-entra-emulator [options]

  --seed <file.json>         seed (tenant, apps, users, subscriptions); default: the development seed
  --port <n>                 HTTPS port (default 8443; 0 = a free port)
  --host <address>           bind address (default localhost)
  --data-dir <dir>           CA, certificate and signing key (default ./.entra-emulator)
  --public-url <https://…>   origin in tokens and metadata (default https://localhost:<port>)
  --transparent              also answer as login.microsoftonline.com, management.azure.com, … on 443
  --transparent-port <n>     … on this port instead (implies --transparent)
  --proxy-port <n>           an HTTPS_PROXY that ends Microsoft's names at the emulator
  --ca-export <file>         copy the CA certificate (never a key) to this file
  --json                     print the start-up facts as one JSON line
  --stop-on-stdin-close      stop when stdin closes (for wrappers and test fixtures)
  --help                     this text`;

/** Parses `argv` (without node and the script); throws {@link CliError} naming the bad option. */
export function parseCliArgs(argv: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        seed: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'public-url': { type: 'string' },
        transparent: { type: 'boolean' },
        'transparent-port': { type: 'string' },
        'proxy-port': { type: 'string' },
        'ca-export': { type: 'string' },
        json: { type: 'boolean' },
        'stop-on-stdin-close': { type: 'boolean' },
      },
    }));
  } catch (err) {
    const option = /'(-[^']+)'/.exec((err as Error).message)?.[1] ?? 'arguments';
    throw new CliError(option, (err as Error).message);
  }
  const port = (name: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n > 65535) throw new CliError(`--${name}`, 'expected a port 0–65535');
    return n;
  };
  const publicUrl = values['public-url'];
  if (publicUrl !== undefined && !/^https:\/\/[^/]/.test(publicUrl)) {
    throw new CliError('--public-url', 'expected an https:// URL');
  }
  const transparentPort =
    port('transparent-port', values['transparent-port']) ?? (values.transparent ? 443 : undefined);
  return {
    help: values.help ?? false,
    seed: values.seed,
    port: port('port', values.port) ?? 8443,
    host: values.host ?? 'localhost',
    dataDir: values['data-dir'] ?? '.entra-emulator',
    publicUrl,
    transparentPort,
    proxyPort: port('proxy-port', values['proxy-port']),
    caExport: values['ca-export'],
    json: values.json ?? false,
    stopOnStdinClose: values['stop-on-stdin-close'] ?? false,
  };
}
