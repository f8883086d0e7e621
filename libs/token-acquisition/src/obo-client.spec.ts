import type { RunningEmulator } from '@obo/entra-emulator';
import { claimsOf, devUserToken } from '@obo/testing';
import { TokenAcquisitionError } from './errors';
import { OboClient } from './obo-client';
import { apiConfig, openSockets, startTestEmulator } from './test/emulator';

const ARM = 'https://management.azure.com/.default';

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
