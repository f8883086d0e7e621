import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { RedisClientLike } from './app';

export type ApiRedisClient = ReturnType<typeof createClient> & RedisClientLike;

/**
 * A Redis client for the shared token cache that never holds a request up: commands fail
 * at once while disconnected (no offline queue), and it reconnects in the background.
 */
export function createRedisClient(url: string, logger: Logger): ApiRedisClient {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2000,
      reconnectStrategy: (retries: number) => Math.min(100 + retries * 200, 2000),
    },
  });
  client.on('error', (error: Error) =>
    logger.warn({ err: { message: error.message } }, 'redis error'),
  );
  client
    .connect()
    .catch((error: Error) =>
      logger.warn({ err: { message: error.message } }, 'redis not reachable yet'),
    );
  return client as ApiRedisClient;
}
