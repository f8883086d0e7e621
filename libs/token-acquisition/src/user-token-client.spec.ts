import { EMULATOR_DEFAULTS } from '@obo/config';
import { EmulatorBrowser, type RunningEmulator } from '@obo/entra-emulator';
import { ALL_BUT_DATE, claimsOf } from '@obo/testing';
import { TokenAcquisitionError } from './errors';
import { NetworkClient } from '@obo/http';
import { startTestEmulator, webConfig } from './test/emulator';
import {
  UserTokenClient,
  type AuthCodeRequest,
  type UserCachePartition,
} from './user-token-client';

const REDIRECT_URI = 'http://localhost:3000/auth/redirect';
const ALICE = `alice@${EMULATOR_DEFAULTS.tenantDomain}`;
const API_SCOPE = `api://${EMULATOR_DEFAULTS.api.clientId}/access_as_user`;

/** A partition in memory, as the web's session would hold it; counts its writes. */
class MemoryPartition implements UserCachePartition {
  homeAccountId: string | undefined;
  cache: string | undefined;
  writes = 0;

  read(): string | undefined {
    return this.cache;
  }

  write(serialized: string): void {
    this.cache = serialized;
    this.writes += 1;
  }
}

describe('UserTokenClient against the emulator', () => {
  let emu: RunningEmulator;
  let networkClient: NetworkClient;
  let tokens: UserTokenClient;

  beforeAll(async () => {
    emu = await startTestEmulator();
    networkClient = new NetworkClient({ ca: emu.caCert });
    const config = webConfig(emu);
    tokens = new UserTokenClient({
      profile: config.identity,
      client: config.client,
      redirectUri: REDIRECT_URI,
      scopes: config.api.scopes,
      networkClient,
    });
  });
  afterAll(async () => {
    networkClient?.close();
    await emu?.stop();
  });
  beforeEach(() => {
    emu.faults.clear();
    emu.resetCounters();
  });

  /** Through the emulator's login page: the code and what the redirect must match. */
  async function authorize(request: AuthCodeRequest = {}) {
    const { url, pending } = await tokens.authCodeUrl(request);
    const { params } = await new EmulatorBrowser(emu.caCert).signIn(url, {
      username: ALICE,
      password: EMULATOR_DEFAULTS.devPassword,
    });
    return { url: new URL(url), code: params.code, pending };
  }

  /** A signed-in user's partition. */
  async function signedIn(): Promise<MemoryPartition> {
    const { code, pending } = await authorize();
    const { result, cache } = await tokens.redeemCode(code, pending);
    const partition = new MemoryPartition();
    partition.homeAccountId = result.account.homeAccountId;
    partition.write(cache);
    return partition;
  }

  it('builds the authorize URL with PKCE (S256), state, nonce and cp1, and keeps them', async () => {
    const { url, pending } = await tokens.authCodeUrl({ loginHint: ALICE });
    const q = new URL(url).searchParams;
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(q.get('code_challenge')).not.toBe(pending.codeVerifier);
    expect(q.get('state')).toBe(pending.state);
    expect(q.get('nonce')).toBe(pending.nonce);
    expect(q.get('login_hint')).toBe(ALICE);
    expect(q.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining(['openid', 'profile', 'offline_access', API_SCOPE]),
    );
    expect(JSON.parse(q.get('claims') ?? '{}').access_token).toEqual({
      xms_cc: { values: ['cp1'] },
    });
    const other = await tokens.authCodeUrl();
    expect(other.pending.state).not.toBe(pending.state);
    expect(other.pending.nonce).not.toBe(pending.nonce);
  });

  it('redeems the code, then serves the API token from the partition without a request', async () => {
    const { code, pending } = await authorize();
    const { result, cache } = await tokens.redeemCode(code, pending);
    expect(result.account.username).toBe(ALICE);
    expect(claimsOf(result.accessToken).aud).toBe(EMULATOR_DEFAULTS.api.clientId);
    const partition = new MemoryPartition();
    partition.homeAccountId = result.account.homeAccountId;
    partition.write(cache);
    emu.resetCounters();

    const silent = await tokens.acquireTokenSilent(partition, [API_SCOPE], 'corr-1');
    expect(silent.fromCache).toBe(true);
    expect(claimsOf(silent.accessToken).oid).toBe(claimsOf(result.accessToken).oid);
    expect(emu.counters().token.total).toBe(0);
    // Nothing changed, so nothing is written back.
    expect(partition.writes).toBe(1);
  });

  it('looks the account up by the partition’s homeAccountId, never by scanning', async () => {
    const alice = await signedIn();
    const other = new MemoryPartition();
    other.cache = alice.cache;
    other.homeAccountId = `00000000-0000-0000-0000-000000000000.${emu.tenantId}`;
    const error = await tokens.acquireTokenSilent(other, [API_SCOPE]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'account_missing', status: 401 });
  });

  it('answers account_missing for a partition with no signed-in account', async () => {
    const error = await tokens
      .acquireTokenSilent(new MemoryPartition(), [API_SCOPE])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenAcquisitionError);
    expect(error).toMatchObject({ code: 'account_missing', status: 401 });
  });

  it('removes the account at sign-out: the partition can serve it no more', async () => {
    const partition = await signedIn();
    await tokens.removeAccount(partition);
    expect(partition.writes).toBe(2);
    const error = await tokens.acquireTokenSilent(partition, [API_SCOPE]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'account_missing' });
    // Signing out a partition with nothing in it is not an error.
    await expect(tokens.removeAccount(new MemoryPartition())).resolves.toBeUndefined();
  });

  it('refuses an ID token whose nonce is not the sign-in’s (nonce_mismatch)', async () => {
    const { code, pending } = await authorize();
    const error = await tokens
      .redeemCode(code, { ...pending, nonce: 'another-sign-in' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenAcquisitionError);
    expect((error as TokenAcquisitionError).details.error).toBe('nonce_mismatch');
  });

  it('passes on the provider’s refusal of a replayed code: its code and first line', async () => {
    const { code, pending } = await authorize();
    await tokens.redeemCode(code, pending);
    const error = (await tokens
      .redeemCode(code, pending)
      .catch((e: unknown) => e)) as TokenAcquisitionError;
    expect(error).toBeInstanceOf(TokenAcquisitionError);
    expect(error.details.error).toBe('invalid_grant');
    const [aadsts] = error.details.aadsts ?? [];
    expect(aadsts).toBeGreaterThan(0);
    expect(error.message).toContain(`AADSTS${aadsts}`);
    expect(error.message).not.toMatch(/\n/);
  });

  it('asks for interaction, with the claims, when a refresh needs MFA', async () => {
    const partition = await signedIn();
    emu.faults.add({ endpoint: 'token', grantType: 'refresh_token', aadsts: 50076, count: 1 });
    // Only Date moves: MSAL then finds the access token due and tries the refresh token.
    jest.useFakeTimers({
      doNotFake: [...ALL_BUT_DATE],
      now: Date.now() + 58 * 60_000,
    });
    let error: unknown;
    try {
      error = await tokens.acquireTokenSilent(partition, [API_SCOPE]).catch((e: unknown) => e);
    } finally {
      jest.useRealTimers();
    }
    expect(error).toBeInstanceOf(TokenAcquisitionError);
    const failure = error as TokenAcquisitionError;
    expect(failure.code).toBe('interaction_required');
    expect(failure.needsInteraction).toBe(true);
    expect(JSON.parse(failure.details.claims ?? '{}').access_token.capolids).toBeDefined();
    expect(emu.counters().token.refresh_token).toBe(1);
  });
});
