import type { SessionData } from 'express-session';
import '../auth/session-data';
import { LruSessionStore } from './lru-session-store';

const get = (store: LruSessionStore, sid: string) =>
  new Promise<SessionData | null | undefined>((resolve, reject) =>
    store.get(sid, (err, s) => (err ? reject(err) : resolve(s))),
  );

const session = (expiresInMs: number, extra: object = {}) =>
  ({
    cookie: { expires: new Date(Date.now() + expiresInMs), originalMaxAge: expiresInMs },
    ...extra,
  }) as unknown as SessionData;

describe('LruSessionStore', () => {
  it('stores copies, not shared objects', async () => {
    const store = new LruSessionStore();
    const s = session(60_000, { user: { homeAccountId: 'a', idTokenClaims: {} } });
    store.set('sid', s);
    (s as { user?: unknown }).user = undefined;
    expect((await get(store, 'sid'))?.user?.homeAccountId).toBe('a');
  });

  it('evicts the least recently used session beyond maxEntries', async () => {
    const store = new LruSessionStore({ maxEntries: 2 });
    store.set('a', session(60_000));
    store.set('b', session(60_000));
    await get(store, 'a');
    store.set('c', session(60_000));
    expect(await get(store, 'b')).toBeNull();
    expect(await get(store, 'a')).not.toBeNull();
    expect(await get(store, 'c')).not.toBeNull();
  });

  it('expires sessions with their cookie', async () => {
    const store = new LruSessionStore();
    store.set('short', session(20));
    store.set('gone', session(-1));
    expect(await get(store, 'short')).not.toBeNull();
    expect(await get(store, 'gone')).toBeNull();
    await new Promise((r) => setTimeout(r, 40));
    expect(await get(store, 'short')).toBeNull();
  });

  it('touch extends the lifetime; destroy removes', async () => {
    const store = new LruSessionStore();
    store.set('t', session(20, { csrfToken: 'x' }));
    store.touch('t', session(60_000));
    await new Promise((r) => setTimeout(r, 40));
    expect((await get(store, 't'))?.csrfToken).toBe('x');
    store.destroy('t');
    expect(await get(store, 't')).toBeNull();
  });

  it('rejects bad options at construction', () => {
    expect(() => new LruSessionStore({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new LruSessionStore({ defaultTtlMs: -1 })).toThrow(RangeError);
  });
});
