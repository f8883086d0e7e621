import { Store, type SessionData } from 'express-session';
import { SessionStoreUnavailableError } from '../errors';

export interface GuardedStoreOptions {
  /** Longest wait for the store's answer. Default 2 000 ms. */
  timeoutMs?: number;
  /** `Retry-After` sent with the 503. Default 5 s (the Redis client retries every ≤ 2 s). */
  retryAfterSeconds?: number;
}

type Callback<T> = (err: unknown, value?: T) => void;

/**
 * Wraps a remote session store (Redis) so an outage is a clear, temporary failure: every call
 * that errs or gets no answer within `timeoutMs` fails with SessionStoreUnavailableError (503,
 * `Retry-After`). express-session passes such an error on instead of treating the session as
 * missing, so a session Redis still holds is never replaced or destroyed. An answer arriving
 * after the timeout is dropped.
 */
export class GuardedStore extends Store {
  private readonly timeoutMs: number;
  private readonly retryAfterSeconds: number;

  constructor(
    private readonly inner: Store,
    options: GuardedStoreOptions = {},
  ) {
    super();
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
    if (!(this.timeoutMs > 0)) throw new RangeError('timeoutMs must be positive');
    if (!Number.isInteger(this.retryAfterSeconds) || this.retryAfterSeconds < 1) {
      throw new RangeError('retryAfterSeconds must be a positive integer');
    }
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    this.guard((done) => this.inner.get(sid, done), callback);
  }

  override set(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    this.guard((done) => this.inner.set(sid, session, done), callback);
  }

  override touch(sid: string, session: SessionData, callback?: () => void): void {
    // express-session passes touch errors on (after the response); the type says otherwise.
    const done = callback as Callback<void> | undefined;
    if (!this.inner.touch) return done?.(null);
    this.guard((d) => this.inner.touch?.(sid, session, d as () => void), done);
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.guard((done) => this.inner.destroy(sid, done), callback);
  }

  override length(callback: Callback<number>): void {
    if (!this.inner.length) return callback(new Error('the store cannot count its sessions'));
    this.guard((done) => this.inner.length?.(done), callback);
  }

  override clear(callback?: (err?: unknown) => void): void {
    if (!this.inner.clear) return callback?.(new Error('the store cannot be cleared'));
    this.guard((done) => this.inner.clear?.(done), callback);
  }

  private guard<T>(
    operation: (done: Callback<T>) => void,
    callback: Callback<T> | undefined,
  ): void {
    let settled = false;
    const settle: Callback<T> = (err, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        callback?.(
          new SessionStoreUnavailableError({
            cause: err,
            retryAfterSeconds: this.retryAfterSeconds,
          }),
        );
      } else {
        callback?.(null, value);
      }
    };
    const timer = setTimeout(
      () => settle(new Error(`the session store did not answer within ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
    try {
      operation(settle);
    } catch (error) {
      settle(error);
    }
  }
}
