import { loadApiConfig } from '@obo/config';
import { closeRedisClient, closeServer, createRedisClient, listen, runService } from '@obo/server';
import { createApp, createServer } from './app';

void runService({
  name: 'api',
  load: () => loadApiConfig(),
  start: async (config, logger) => {
    const redis = config.redisUrl ? createRedisClient(config.redisUrl.reveal(), logger) : undefined;
    const api = createApp(config, { logger, redis: redis ?? null });
    const server = createServer(api.app, config.requestTimeoutMs);
    await listen(server, config.port, config.host);
    return {
      url: `http://${config.host}:${config.port}`,
      fields: { profile: config.identity.kind },
      close: async () => {
        await closeServer(server);
        api.close();
        await closeRedisClient(redis);
      },
    };
  },
});
