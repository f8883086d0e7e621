import type { Logger } from 'pino';
import { createClient } from 'redis';

/** A node-redis client as {@link createRedisClient} makes it. */
export type RedisClient = ReturnType<typeof newClient>;

export interface RedisClientOptions {
  /** Longest wait for a connection. Default 2 000 ms. */
  connectTimeoutMs?: number;
}

/**
 * Milliseconds before reconnect attempt `retries` (0-based): 100, 300, 500, … at most 2 000.
 * Quick enough to come back soon after a Redis restart, slow enough not to spin while it is down.
 */
export function redisBackoff(retries: number): number {
  return Math.min(100 + retries * 200, 2000);
}

/**
 * A Redis client that never holds a request up: commands fail at once while it is disconnected
 * (no offline queue), it reconnects in the background with {@link redisBackoff}, and connection
 * errors are logged (message only — the URL may carry a password) instead of thrown. It starts
 * connecting at once; `isReady` says when it can serve.
 */
export function createRedisClient(
  url: string,
  logger: Logger,
  options: RedisClientOptions = {},
): RedisClient {
  const client = newClient(url, options.connectTimeoutMs ?? 2000);
  client.on('error', (error: Error) =>
    logger.warn({ err: { message: error.message } }, 'redis error'),
  );
  client
    .connect()
    .catch((error: Error) =>
      logger.warn({ err: { message: error.message } }, 'redis not reachable yet'),
    );
  return client;
}

function newClient(url: string, connectTimeout: number) {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout, reconnectStrategy: redisBackoff },
  });
}

/**
 * Closes a client from {@link createRedisClient}: gracefully when connected (pending replies
 * are awaited), at once when it is still retrying (a graceful close would wait for a
 * connection that may never come).
 */
export async function closeRedisClient(client: RedisClient | undefined): Promise<void> {
  if (!client?.isOpen) return;
  if (client.isReady) await client.close().catch(() => client.destroy());
  else client.destroy();
}
