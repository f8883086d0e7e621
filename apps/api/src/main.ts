import { ConfigError, describeConfig, loadApiConfig } from '@obo/config';
import { createApp, createServer } from './app';
import { createLogger } from './logger';
import { createRedisClient } from './redis';

async function main(): Promise<void> {
  let config;
  try {
    config = loadApiConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  if (config.identity.isEmulator) {
    logger.warn(
      { authority: config.identity.authority },
      'EMULATOR PROFILE: tokens come from the local Entra ID emulator — not for production',
    );
  }
  logger.debug({ config: JSON.parse(describeConfig(config)) }, 'configuration');

  const redis = config.redisUrl ? createRedisClient(config.redisUrl.reveal(), logger) : undefined;

  const api = createApp(config, { logger, redis: redis ?? null });
  const server = createServer(api.app, config.requestTimeoutMs);
  server.listen(config.port, config.host, () => {
    logger.info(
      { url: `http://${config.host}:${config.port}`, profile: config.identity.profile },
      'api listening',
    );
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      process.stderr.write(
        `Port ${config.port} is in use: set PORT to another port for the api.\n`,
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
    server.close(async () => {
      api.close();
      if (redis?.isReady) await redis.quit().catch(() => undefined);
      else if (redis?.isOpen) redis.destroy();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
