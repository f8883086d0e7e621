// The same emulator fixture under Vitest: a real user token, a fault, counters, stop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@obo/entra-emulator';
import { API, MEGAN, WEB, fabrikam } from '../seed.mjs';

describe('emulator fixture under Vitest', () => {
  let emulator;
  const token = () =>
    emulator.userToken({
      username: MEGAN,
      clientId: WEB.clientId,
      clientSecret: WEB.secret,
      scopes: [`api://${API.clientId}/access_as_user`],
    });

  beforeAll(async () => {
    emulator = await startEmulator({ seed: fabrikam() });
  });
  afterAll(() => emulator?.stop());

  it('issues user tokens and counts them', async () => {
    await emulator.resetCounters();
    const claims = JSON.parse(Buffer.from((await token()).split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ aud: API.clientId, scp: 'access_as_user', tid: emulator.tenantId });
    expect((await emulator.counters()).token.password).toBe(1);
  });

  it('answers an injected fault once, then serves again', async () => {
    await emulator.addFault({ endpoint: 'token', status: 503, count: 1 });
    await expect(token()).rejects.toMatchObject({ code: 'ERR_EMULATOR_REQUEST', status: 503 });
    expect((await token()).split('.')).toHaveLength(3);
  });
});
