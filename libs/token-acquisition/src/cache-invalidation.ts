import { randomUUID } from 'node:crypto';
import { withTimeout } from './redis-token-cache';

/**
 * Tells the other instances sharing the L2 cache that the token of a partition was replaced or
 * dropped (a resource refused it), so that none keeps serving its own L1 copy.
 */
export interface CacheInvalidation {
  /** Announces `key` to the other instances. Never throws. */
  publish(key: string): Promise<void>;
  /** Delivers the keys other instances announce (never this instance's own). */
  subscribe(onKey: (key: string) => void): void;
}

/** A node-redis v5+ client as the invalidation channel needs it: publish, and a subscriber. */
export interface RedisPubSubLike {
  publish(channel: string, message: string): Promise<unknown>;
  /** A new connection with the same options, for subscriber mode. */
  duplicate(): RedisSubscriberLike;
}

/** A dedicated subscriber connection (node-redis resubscribes it after a reconnect). */
export interface RedisSubscriberLike {
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'ready', listener: () => void): unknown;
  destroy(): void;
}

export interface RedisCacheInvalidationOptions {
  /** Pub/sub channel. Default `obo:token:invalidate`. */
  channel?: string;
  /** A publish slower than this is abandoned. Default 250 ms. */
  timeoutMs?: number;
  /** Told about every Redis failure (publishing, subscribing, the subscriber connection). */
  onError?: (error: Error, operation: 'publish' | 'subscribe') => void;
}

/** Longest key accepted from the channel (a partition key is about 110 characters). */
const MAX_KEY_LENGTH = 512;

/**
 * {@link CacheInvalidation} over Redis pub/sub: a message `{instance id} {key}` on one channel,
 * through a subscriber connection of its own (a Redis connection in subscriber mode serves
 * nothing else). Messages travel while the request that caused them is still being answered,
 * so the next request to any instance finds its L1 copy gone. Redis down: nothing is announced
 * (L1 copies then live until they expire or their resource refuses them), and `onError` is told.
 */
export class RedisCacheInvalidation implements CacheInvalidation {
  private readonly id = randomUUID();
  private readonly channel: string;
  private readonly timeoutMs: number;
  private readonly onError: NonNullable<RedisCacheInvalidationOptions['onError']>;
  private subscriber?: RedisSubscriberLike;

  constructor(
    private readonly redis: RedisPubSubLike,
    options: RedisCacheInvalidationOptions = {},
  ) {
    this.channel = options.channel ?? 'obo:token:invalidate';
    this.timeoutMs = options.timeoutMs ?? 250;
    this.onError = options.onError ?? (() => undefined);
  }

  async publish(key: string): Promise<void> {
    try {
      await withTimeout(this.redis.publish(this.channel, `${this.id} ${key}`), this.timeoutMs);
    } catch (error) {
      this.onError(error as Error, 'publish');
    }
  }

  /** Opens the subscriber connection; the subscription starts once it is ready. */
  subscribe(onKey: (key: string) => void): void {
    if (this.subscriber) throw new Error('already subscribed');
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (error) => this.onError(error, 'subscribe'));
    subscriber.once('ready', () => {
      subscriber
        .subscribe(this.channel, (message) => {
          const space = message.indexOf(' ');
          const from = message.slice(0, space);
          const key = message.slice(space + 1);
          if (space > 0 && from !== this.id && key && key.length <= MAX_KEY_LENGTH) onKey(key);
        })
        .catch((error: Error) => this.onError(error, 'subscribe'));
    });
    subscriber.connect().catch((error: Error) => this.onError(error, 'subscribe'));
  }

  /** Closes the subscriber connection. */
  close(): void {
    this.subscriber?.destroy();
  }
}
