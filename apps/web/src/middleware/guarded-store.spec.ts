import { Store, type SessionData } from 'express-session';
import { SessionStoreUnavailableError } from '../errors';
import { GuardedStore } from './guarded-store';
import { LruSessionStore } from './lru-session-store';

/** A store whose every call answers after `delayMs` with `error` (or succeeds). */
class SlowStore extends Store {
  constructor(
    private readonly delayMs: number,
    private readonly error?: Error,
  ) {
    super();
  }
  override get(_sid: string, cb: (err: unknown, s?: SessionData | null) => void): void {
    setTimeout(() => cb(this.error ?? null, null), this.delayMs);
  }
  override set(_sid: string, _s: SessionData, cb?: (err?: unknown) => void): void {
    setTimeout(() => cb?.(this.error), this.delayMs);
  }
  override destroy(_sid: string, cb?: (err?: unknown) => void): void {
    setTimeout(() => cb?.(this.error), this.delayMs);
  }
}

const session = { cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) } };

function call<T>(run: (cb: (err: unknown, value?: T) => void) => void) {
  const calls: { err: unknown; value?: T }[] = [];
  return new Promise<typeof calls>((resolve) => {
    run((err, value) => {
      calls.push({ err, value });
      // Wait long enough for a late second answer to show up if it were passed on.
      setTimeout(() => resolve(calls), 80);
    });
  });
}

describe('GuardedStore', () => {
  it('passes answers through', async () => {
    const store = new GuardedStore(new LruSessionStore(), { timeoutMs: 1000 });
    await call((cb) => store.set('a', { ...session, csrfToken: 'x' } as SessionData, cb));
    const [got] = await call<SessionData | null>((cb) => store.get('a', cb));
    expect(got.err).toBeNull();
    expect(got.value?.csrfToken).toBe('x');
  });

  it('turns a store error into a 503 session_store_unavailable with Retry-After', async () => {
    const store = new GuardedStore(new SlowStore(0, new Error('The client is offline')), {
      retryAfterSeconds: 7,
    });
    const [got] = await call((cb) => store.get('a', cb));
    expect(got.err).toBeInstanceOf(SessionStoreUnavailableError);
    const err = got.err as SessionStoreUnavailableError;
    expect(err.status).toBe(503);
    expect(err.code).toBe('session_store_unavailable');
    expect(err.retryAfterSeconds).toBe(7);
    // Never "no such session": express-session only treats ENOENT as a missing session.
    expect((err as { code: string }).code).not.toBe('ENOENT');
  });

  it('fails a call that gets no answer in time, once, and drops the late answer', async () => {
    const store = new GuardedStore(new SlowStore(40), { timeoutMs: 10 });
    for (const run of [
      (cb: (err: unknown) => void) => store.get('a', cb),
      (cb: (err: unknown) => void) => store.set('a', session as SessionData, cb),
      (cb: (err: unknown) => void) => store.destroy('a', cb),
    ]) {
      const calls = await call(run);
      expect(calls).toHaveLength(1);
      expect(calls[0].err).toBeInstanceOf(SessionStoreUnavailableError);
    }
  });

  it('rejects bad options at construction', () => {
    const inner = new LruSessionStore();
    expect(() => new GuardedStore(inner, { timeoutMs: 0 })).toThrow(RangeError);
    expect(() => new GuardedStore(inner, { retryAfterSeconds: 0 })).toThrow(RangeError);
    expect(() => new GuardedStore(inner, { retryAfterSeconds: 1.5 })).toThrow(RangeError);
  });
});
