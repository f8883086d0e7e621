import type { WebConfig } from '@obo/config';
import { RedisStore } from 'connect-redis';
import type { RequestHandler } from 'express';
import session, { type Store } from 'express-session';
import type { Logger } from 'pino';
import { closeRedisClient, createRedisClient, type RedisClient } from '@obo/server';
import { GuardedStore } from './guarded-store';
import { LruSessionStore } from './lru-session-store';

/** The session cookie's name. */
export const SESSION_COOKIE = 'obo.web.sid';

/** The Redis commands the session store and the readiness check use. */
export interface RedisClientLike {
  readonly isReady: boolean;
  ping(): Promise<string>;
}

export interface SessionStoreHandle {
  store: Store;
  kind: 'memory' | 'redis';
  /** True when the store can serve requests (Redis answers PING). */
  ready(): Promise<boolean>;
  /** Disconnects a Redis client this handle created (not one passed in). */
  close(): Promise<void>;
}

export interface SessionStoreOptions {
  /** A connected node-redis client to use instead of REDIS_URL (the caller closes it). */
  redis?: RedisClientLike;
  /** Most sessions the in-memory store keeps. Default 10 000. */
  maxMemorySessions?: number;
  /** Longest wait for Redis before a request is answered 503. Default 2 000 ms. */
  redisTimeoutMs?: number;
  logger: Logger;
}

/** Redis when configured (shared by every instance), else a bounded in-memory LRU store. */
export function createSessionStore(
  config: WebConfig,
  options: SessionStoreOptions,
): SessionStoreHandle {
  const idleMs = config.session.idleMinutes * 60_000;
  let client = options.redis;
  let owned: RedisClient | undefined;
  if (!client && config.redisUrl) {
    owned = createRedisClient(config.redisUrl.reveal(), options.logger);
    client = owned;
  }
  if (client) {
    const redis = client;
    return {
      kind: 'redis',
      // An outage answers 503 + Retry-After, never "no session" (see GuardedStore).
      store: new GuardedStore(
        new RedisStore({
          client: redis,
          prefix: 'obo-web:sess:',
          ttl: Math.ceil(idleMs / 1000),
        }),
        { timeoutMs: options.redisTimeoutMs },
      ),
      ready: async () => {
        if (!redis.isReady) return false;
        return (await withTimeout(redis.ping(), 1000).catch(() => '')) === 'PONG';
      },
      close: () => closeRedisClient(owned),
    };
  }
  return {
    kind: 'memory',
    store: new LruSessionStore({ maxEntries: options.maxMemorySessions, defaultTtlMs: idleMs }),
    ready: async () => true,
    close: async () => undefined,
  };
}

/**
 * express-session with HttpOnly, SameSite=Lax cookies, `Secure` when the request came over
 * HTTPS (directly or through a trusted TLS proxy), and a rolling idle lifetime.
 */
export function sessionMiddleware(config: WebConfig, store: Store): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: config.session.secret.reveal(),
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    // Never destroy on `req.session` being unset: after a failed store read it is unset, and
    // destroying then would delete a session Redis still holds. Sign-out destroys explicitly.
    unset: 'keep',
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: 'auto',
      path: '/',
      maxAge: config.session.idleMinutes * 60_000,
    },
  });
}

/**
 * Ends a signed-in session whose absolute lifetime (counted from sign-in) is over, however
 * active it has been: the request continues with a fresh, anonymous session.
 */
export function absoluteLifetime(config: WebConfig, now: () => number = Date.now): RequestHandler {
  const limitMs = config.session.absoluteHours * 3_600_000;
  return (req, _res, next) => {
    const signedInAt = req.session?.signedInAt;
    if (signedInAt === undefined || now() - signedInAt <= limitMs) return next();
    req.session.regenerate((error) => next(error));
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
