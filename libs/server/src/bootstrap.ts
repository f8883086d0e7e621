import { ConfigError, describeConfig } from '@obo/config';
import type { Logger } from 'pino';
import { errorSummary } from './error-summary';
import { createLogger } from './logger';

/** What the bootstrap reads of an app's configuration. */
export interface ServiceConfig {
  logLevel: string;
  port: number;
  /** The identity the app trusts; the emulator's own configuration has none. */
  identity?: { readonly isEmulator: boolean; readonly authority: string };
}

/** A started service. */
export interface RunningService {
  /** Where it answers, for the start line. */
  url?: string;
  /** More fields for the start line (e.g. the identity profile). */
  fields?: Record<string, unknown>;
  /** Stops taking work and releases sockets, timers and clients; resolves once drained. */
  close(): Promise<void> | void;
}

/** One server: how to configure it and how to start it. */
export interface ServiceDefinition<C extends ServiceConfig> {
  /** `api`, `web`, `entra-emulator`: the logger's name and the prefix of start-up messages. */
  name: string;
  /** Reads the configuration; throws `ConfigError` naming every bad variable. */
  load(): C;
  /** Builds the app and listens (see `listen`); a listen error rejects. */
  start(config: C, logger: Logger): Promise<RunningService>;
}

/** What the bootstrap uses of `process`; tests pass their own. */
export interface ServiceProcess {
  exit(code: number): void;
  stderr: { write(text: string): unknown };
  on(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
}

export interface RunServiceOptions {
  /** Default the real `process`. */
  process?: ServiceProcess;
  /** Longest drain after SIGTERM/SIGINT before the process exits 1 anyway. Default 10 000 ms. */
  drainTimeoutMs?: number;
  /** Builds the logger. Default {@link createLogger} with the service's name and `logLevel`. */
  logger?: (config: ServiceConfig) => Logger;
}

/**
 * Runs one server the same way for all three: loads the configuration (a `ConfigError` is
 * printed as its one message and the process exits 1), warns loudly when the identity is the
 * local emulator's, starts the service (a port in use is said plainly; any start failure exits
 * 1), and on SIGTERM or SIGINT drains — stops accepting, finishes requests in flight, closes
 * clients — then exits 0 through `process.exit`, so exit hooks run (the bench's CPU profiles
 * are written then). A drain longer than `drainTimeoutMs` exits 1.
 */
export async function runService<C extends ServiceConfig>(
  service: ServiceDefinition<C>,
  options: RunServiceOptions = {},
): Promise<void> {
  const proc: ServiceProcess = options.process ?? process;
  let config: C;
  try {
    config = service.load();
  } catch (error) {
    proc.stderr.write(
      error instanceof ConfigError
        ? `${error.message}\n`
        : `${service.name}: cannot load the configuration: ${messageOf(error)}\n`,
    );
    proc.exit(1);
    return;
  }

  const logger =
    options.logger?.(config) ?? createLogger({ name: service.name, level: config.logLevel });
  if (config.identity?.isEmulator) {
    logger.warn(
      { authority: config.identity.authority },
      'EMULATOR PROFILE: identities come from the local Entra ID emulator — not for production',
    );
  }
  if (logger.isLevelEnabled('debug')) {
    logger.debug({ config: JSON.parse(describeConfig(config)) as unknown }, 'configuration');
  }

  let running: RunningService;
  try {
    running = await service.start(config, logger);
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
      proc.stderr.write(
        `${service.name}: port ${config.port} is in use; set PORT to another port.\n`,
      );
    } else {
      logger.error({ err: errorSummary(error) }, 'start failed');
      proc.stderr.write(`${service.name}: cannot start: ${messageOf(error)}\n`);
    }
    proc.exit(1);
    return;
  }
  logger.info({ url: running.url, ...running.fields }, `${service.name} listening`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    const force = setTimeout(() => {
      logger.error({ signal }, 'drain took too long; exiting');
      proc.exit(1);
    }, options.drainTimeoutMs ?? 10_000);
    force.unref();
    Promise.resolve()
      .then(() => running.close())
      .then(
        () => {
          clearTimeout(force);
          logger.info('stopped');
          proc.exit(0);
        },
        (error: unknown) => {
          clearTimeout(force);
          logger.error({ err: errorSummary(error) }, 'drain failed');
          proc.exit(1);
        },
      );
  };
  proc.on('SIGTERM', () => stop('SIGTERM'));
  proc.on('SIGINT', () => stop('SIGINT'));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
