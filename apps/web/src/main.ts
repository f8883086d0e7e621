import { ConfigError, describeConfig, loadWebConfig, type WebConfig } from '@obo/config';
import { createApp } from './app';
import { createLogger } from './logger';

function loadConfigOrExit(): WebConfig {
  try {
    return loadWebConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

function main(): void {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  if (config.identity.isEmulator) {
    logger.warn(
      { authority: config.identity.authority },
      'EMULATOR PROFILE: signing in against the local Entra ID emulator — not for production',
    );
  }
  if (config.session.generatedSecret) {
    logger.warn(
      'SESSION_SECRET not set: using a random secret; sessions end when the process stops',
    );
  }
  logger.debug({ config: JSON.parse(describeConfig(config)) }, 'configuration');

  const web = createApp(config, { logger });
  // Express 5 calls this back on a listen error too; the 'error' handler below reports it.
  const server = web.app.listen(config.port, config.host, (error?: Error) => {
    if (error) return;
    logger.info({ url: config.publicUrl, profile: config.identity.profile }, 'web listening');
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      process.stderr.write(
        `Port ${config.port} is in use: set PORT to another port for the web app.\n`,
      );
      process.exit(1);
    }
    throw error;
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(() => {
      void web.close().finally(() => {
        logger.info('stopped');
        process.exit(0);
      });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main();
