import type { RunningEmulator } from '@obo/entra-emulator';
import { claimsOf, devUserToken } from '@obo/testing';
import type { CacheInvalidation } from './cache-invalidation';
import { TokenAcquisitionError } from './errors';
import { OboClient, partitionKey } from './obo-client';
import { apiConfig, openSockets, startTestEmulator } from './test/emulator';
import { MemoryTokenCache } from './token-cache';

const ARM = 'https://management.azure.com/.default';

/** Instances of one process sharing an invalidation channel (what Redis pub/sub is between them). */
function localChannel(): () => CacheInvalidation & { published: string[] } {
  const listeners = new Set<(key: string) => void>();
  return () => {
    let own: ((key: string) => void) | undefined;
    const published: string[] = [];
    return {
      published,
      publish: async (key) => {
        published.push(key);
        for (const listener of listeners) if (listener !== own) listener(key);
      },
      subscribe: (onKey) => {
        own = onKey;
        listeners.add(onKey);
      },
    };
  };
}

/** A CAE challenge's claims: a token not before `seconds`. */
const nbfClaims = (seconds: number) =>
  JSON.stringify({ access_token: { nbf: { essential: true, value: String(seconds) } } });

describe('OboClient against the emulator', () => {
  let emu: RunningEmulator;

  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu?.stop());
  beforeEach(() => emu.resetCounters());

  const client = (options: { now?: () => number } = {}) => {
    const { identity, client: registration } = apiConfig(emu);
    return new OboClient({ identity, client: registration, ...options });
  };

  it('exchanges the assertion in the caller’s tenant once, then serves it from L1', async () => {
    const obo = client();
    try {
      const assertion = await devUserToken(emu, 'alice');
      const request = { assertion, tenantId: emu.tenantId, scopes: [ARM] };
      const first = await obo.acquire(request);
      expect(first.source).toBe('network');
      expect(claimsOf(first.accessToken)).toMatchObject({
        aud: 'https://management.azure.com/',
        oid: claimsOf(assertion).oid,
        tid: emu.tenantId,
      });
      expect((await obo.acquire(request)).source).toBe('l1');
      expect(emu.counters().token.on_behalf_of).toBe(1);
    } finally {
      obo.close();
    }
  });

  it('builds one MSAL client per authority whose own cache keeps no one’s tokens', async () => {
    const obo = client();
    try {
      const records: number[] = [];
      for (const user of ['alice', 'bob', 'dave']) {
        const assertion = await devUserToken(emu, user);
        expect(
          (await obo.acquire({ assertion, tenantId: emu.tenantId, scopes: [ARM] })).source,
        ).toBe('network');
        records.push(obo.msalUsage().cacheRecords);
      }
      // MSAL writes one exchange's records (account, tokens); the next write starts empty.
      expect(records[0]).toBeGreaterThan(0);
      expect(records).toEqual([records[0], records[0], records[0]]);
      expect(obo.msalUsage().clients).toBe(1);
      expect(emu.counters().token.on_behalf_of).toBe(3);
    } finally {
      obo.close();
    }
  });

  it('one user’s failed exchange (503) does not hold back the next user’s on the same client', async () => {
    const obo = client();
    try {
      emu.faults.add({ endpoint: 'token', grantType: 'on_behalf_of', status: 503, count: 1 });
      const alice = await devUserToken(emu, 'alice');
      const failed = obo.acquire({ assertion: alice, tenantId: emu.tenantId, scopes: [ARM] });
      await expect(failed).rejects.toMatchObject({ code: 'token_endpoint_unavailable' });
      const bob = await devUserToken(emu, 'bob');
      const next = await obo.acquire({ assertion: bob, tenantId: emu.tenantId, scopes: [ARM] });
      expect(next.source).toBe('network');
      expect(emu.counters().token.on_behalf_of).toBe(2);
    } finally {
      obo.close();
    }
  });

  it('counts a cached token as expired inside the refresh buffer, on its own clock', async () => {
    let now = Date.now();
    const obo = client({ now: () => now });
    try {
      const request = {
        assertion: await devUserToken(emu, 'alice'),
        tenantId: emu.tenantId,
        scopes: [ARM],
      };
      const { expiresOn } = await obo.acquire(request);
      now = expiresOn - 300_001; // just inside the 5-minute refresh buffer's edge
      expect((await obo.acquire(request)).source).toBe('l1');
      now = expiresOn - 299_000; // inside the buffer: due for a new exchange
      expect((await obo.acquire(request)).source).toBe('network');
      expect(emu.counters().token.on_behalf_of).toBe(2);
    } finally {
      obo.close();
    }
  });

  describe('a claims challenge (CAE)', () => {
    /** Two instances with their own L1, one shared L2 and one invalidation channel. */
    const pair = () => {
      const { identity, client: registration } = apiConfig(emu);
      const l2 = new MemoryTokenCache();
      const channel = localChannel();
      const make = () => {
        const invalidation = channel();
        const obo = new OboClient({ identity, client: registration, l2, invalidation });
        return { obo, invalidation };
      };
      return { a: make(), b: make(), l2 };
    };

    it('bypasses and then replaces the token in L1 and L2; the other instance drops its L1 copy', async () => {
      const { a, b } = pair();
      try {
        const request = {
          assertion: await devUserToken(emu, 'alice', { cp1: true }),
          tenantId: emu.tenantId,
          scopes: [ARM],
        };
        const revoked = await a.obo.acquire(request);
        expect((await b.obo.acquire(request)).source).toBe('l2');
        expect((await b.obo.acquire(request)).source).toBe('l1');
        emu.revokeUser('alice@obodev.onmicrosoft.com');
        await devUserToken(emu, 'alice'); // alice signs in again
        const nbf = Math.floor(Date.now() / 1000) - 1;

        const fresh = await a.obo.acquire({ ...request, claims: nbfClaims(nbf) });
        expect(fresh.source).toBe('network');
        expect(fresh.accessToken).not.toBe(revoked.accessToken);
        expect(a.invalidation.published).toHaveLength(1);
        const onA = await a.obo.acquire(request);
        const onB = await b.obo.acquire(request);
        expect([onA.source, onA.accessToken]).toEqual(['l1', fresh.accessToken]);
        expect([onB.source, onB.accessToken]).toEqual(['l2', fresh.accessToken]);
        expect(emu.counters().token.on_behalf_of).toBe(2);
      } finally {
        a.obo.close();
        b.obo.close();
        emu.reset();
      }
    });

    it('drops the challenged token everywhere when the exchange is refused', async () => {
      const { a, b, l2 } = pair();
      try {
        const request = {
          assertion: await devUserToken(emu, 'bob', { cp1: true }),
          tenantId: emu.tenantId,
          scopes: [ARM],
        };
        await a.obo.acquire(request);
        expect((await b.obo.acquire(request)).source).toBe('l2');
        emu.revokeUser('bob@obodev.onmicrosoft.com');
        const nbf = Math.floor(Date.now() / 1000);

        const refused = await a.obo
          .acquire({ ...request, claims: nbfClaims(nbf) })
          .catch((e: unknown) => e);
        expect(refused).toMatchObject({
          code: 'interaction_required',
          details: { aadsts: [50173], suberror: 'bad_token' },
        });
        expect(l2.size).toBe(0);
        // Neither instance serves the revoked token again: both ask the token endpoint.
        for (const instance of [a, b]) {
          await expect(instance.obo.acquire(request)).rejects.toMatchObject({
            code: 'interaction_required',
          });
        }
        expect(emu.counters().token.on_behalf_of).toBe(4);
      } finally {
        a.obo.close();
        b.obo.close();
        emu.reset();
      }
    });
  });

  it('refuses a workforce token without tid before any request (invalid_assertion)', async () => {
    const obo = client();
    try {
      const error = await obo
        .acquire({ assertion: await devUserToken(emu, 'alice'), scopes: [ARM] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenAcquisitionError);
      expect(error).toMatchObject({ code: 'invalid_assertion', status: 401 });
      expect(emu.counters().token.on_behalf_of).toBe(0);
    } finally {
      obo.close();
    }
  });

  it('close() releases the keep-alive sockets of the network client it made', async () => {
    const assertion = await devUserToken(emu, 'alice');
    const before = openSockets();
    const obo = client();
    await obo.acquire({ assertion, tenantId: emu.tenantId, scopes: [ARM] });
    // A kept-alive connection: the client's socket and the emulator's side of it.
    expect(openSockets()).toBeGreaterThan(before);
    obo.close();
    // The emulator keeps idle connections 65 s; only the client's close ends this one now.
    const deadline = Date.now() + 5_000;
    while (openSockets() > before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(openSockets()).toBe(before);
  });
});

describe('partitionKey', () => {
  const base = { assertion: 'a.b.c', tenantId: 't1', scopes: ['User.Read', 'Files.Read'] };

  it('ignores the order and case of scopes, asked in any order, again and again', () => {
    const key = partitionKey(base);
    for (let i = 0; i < 3; i++) {
      expect(partitionKey({ ...base, scopes: ['files.read', 'USER.READ'] })).toBe(key);
      expect(partitionKey(base)).toBe(key);
    }
  });

  it('separates assertions, tenants and scope sets, and never contains the assertion', () => {
    const key = partitionKey(base);
    expect(partitionKey({ ...base, assertion: 'a.b.d' })).not.toBe(key);
    expect(partitionKey({ ...base, tenantId: 't2' })).not.toBe(key);
    expect(partitionKey({ ...base, scopes: ['User.Read'] })).not.toBe(key);
    expect(key).not.toContain(base.assertion);
  });

  it('a scope list is not confused with another that joins to the same text', () => {
    const spaced = partitionKey({ ...base, scopes: ['b a'] });
    expect(partitionKey({ ...base, scopes: ['b', 'a'] })).not.toBe(spaced);
    expect(partitionKey({ ...base, scopes: ['b a'] })).toBe(spaced);
  });
});
