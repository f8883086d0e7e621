import { createHash, randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import { ClientSecretCredential } from '@azure/identity';
import {
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  type Configuration,
} from '@azure/msal-node';
import { emulatorAuthorityMetadata } from '@obo/config';
import type { RunningEmulator } from './emulator';
import { loadSeed } from './seed/load';
import { NetworkClient } from '@obo/http';
import { EmulatorBrowser } from './testing';
import {
  ALICE,
  API,
  API_SCOPE,
  ARM_SCOPE,
  CAROL,
  call,
  certificate,
  claimsOf,
  DAEMON,
  PASSWORD,
  startTestEmulator,
  TENANT,
  WEB,
} from '../test/helpers';

const REDIRECT = 'http://localhost:3000/auth/redirect';

function msalConfig(
  emu: RunningEmulator,
  client: { clientId: string; clientSecret: string },
  withMetadata = false,
): Configuration {
  return {
    auth: {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      authority: emu.authority,
      knownAuthorities: [new URL(emu.url).host],
      ...(withMetadata
        ? { authorityMetadata: JSON.stringify(emulatorAuthorityMetadata(emu.authority)) }
        : {}),
    },
    system: { networkClient: new NetworkClient({ ca: emu.caCert }) },
  };
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Auth code + PKCE through the real login form; returns MSAL's result. */
async function signInWeb(
  emu: RunningEmulator,
  web: ConfidentialClientApplication,
  username: string,
  extra: { claims?: string; scopes?: string[]; nonce?: string } = {},
) {
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('hex');
  const scopes = extra.scopes ?? [API_SCOPE];
  const url = await web.getAuthCodeUrl({
    scopes,
    redirectUri: REDIRECT,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state,
    nonce: extra.nonce,
    claims: extra.claims,
  });
  const result = await new EmulatorBrowser(emu.caCert).signIn(url, {
    username,
    password: PASSWORD,
  });
  expect(result.redirectUri).toBe(REDIRECT);
  expect(result.params.state).toBe(state);
  return web.acquireTokenByCode({
    code: result.params.code,
    scopes,
    redirectUri: REDIRECT,
    codeVerifier: verifier,
    state,
    nonce: extra.nonce,
  });
}

async function oboToken(api: ConfidentialClientApplication, assertion: string, claims?: string) {
  const result = await api.acquireTokenOnBehalfOf({
    oboAssertion: assertion,
    scopes: [ARM_SCOPE],
    claims,
  });
  if (!result) throw new Error('no OBO result');
  return result;
}

describe('unmodified @azure/msal-node against the emulator', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.stop());
  beforeEach(() => emu.reset());

  it('auth code + PKCE, silent refresh, then On-Behalf-Of to ARM (second OBO from cache)', async () => {
    const web = new ConfidentialClientApplication(msalConfig(emu, WEB));
    const nonce = randomBytes(8).toString('hex');
    const signedIn = await signInWeb(emu, web, ALICE, { nonce });
    expect(signedIn.account?.username).toBe(ALICE);
    expect(signedIn.idTokenClaims).toMatchObject({ aud: WEB.clientId, tid: TENANT, nonce });
    const access = claimsOf(signedIn.accessToken);
    expect(access).toMatchObject({
      aud: API.clientId,
      iss: `${emu.url}/${TENANT}/v2.0`,
      scp: 'access_as_user',
      azp: WEB.clientId,
      ver: '2.0',
    });
    expect(signedIn.account?.homeAccountId).toBe(`${access.oid}.${TENANT}`);

    const account = signedIn.account;
    if (!account) throw new Error('no account');
    const refreshed = await web.acquireTokenSilent({
      account,
      scopes: [API_SCOPE],
      forceRefresh: true,
    });
    expect(refreshed.accessToken).not.toBe(signedIn.accessToken);
    expect(emu.counters().token.refresh_token).toBe(1);

    const api = new ConfidentialClientApplication(msalConfig(emu, API, true));
    const first = await oboToken(api, refreshed.accessToken);
    const second = await oboToken(api, refreshed.accessToken);
    expect(second.accessToken).toBe(first.accessToken);
    expect(emu.counters().token.on_behalf_of).toBe(1);
    expect(claimsOf(first.accessToken)).toMatchObject({
      aud: 'https://management.azure.com/',
      iss: `https://sts.windows.net/${TENANT}/`,
      scp: 'user_impersonation',
      ver: '1.0',
      appid: API.clientId,
      upn: ALICE,
    });

    const subs = await call(emu, 'GET', '/arm/subscriptions?api-version=2022-12-01', {
      headers: { Authorization: `Bearer ${first.accessToken}` },
    });
    expect(subs.status).toBe(200);
    expect(subs.body.value).toHaveLength(3);
  });

  it.each([
    'https://management.core.windows.net//.default',
    'https://management.azure.com/.default',
  ])(
    'OBO for %s: the second call is served from MSAL’s cache (its scopes are in the response)',
    async (scope) => {
      const web = new ConfidentialClientApplication(msalConfig(emu, WEB, true));
      const signedIn = await signInWeb(emu, web, ALICE);
      const api = new ConfidentialClientApplication(msalConfig(emu, API, true));
      const first = await api.acquireTokenOnBehalfOf({
        oboAssertion: signedIn.accessToken,
        scopes: [scope],
      });
      const second = await api.acquireTokenOnBehalfOf({
        oboAssertion: signedIn.accessToken,
        scopes: [scope],
      });
      expect(second?.accessToken).toBe(first?.accessToken);
      expect(second?.fromCache).toBe(true);
      expect(emu.counters().token.on_behalf_of).toBe(1);
      expect(first?.scopes).toContain(scope.replace('/.default', '/user_impersonation'));
    },
  );

  it('a .default sign-in: acquireTokenSilent for the same .default is a cache hit', async () => {
    const web = new ConfidentialClientApplication(msalConfig(emu, WEB, true));
    const scopes = [`api://${API.clientId}/.default`];
    const signedIn = await signInWeb(emu, web, ALICE, { scopes });
    expect(signedIn.scopes).toEqual(
      expect.arrayContaining([
        `api://${API.clientId}/access_as_user`,
        `api://${API.clientId}/.default`,
      ]),
    );
    if (!signedIn.account) throw new Error('no account');
    const silent = await web.acquireTokenSilent({ account: signedIn.account, scopes });
    expect(silent.fromCache).toBe(true);
    expect(silent.accessToken).toBe(signedIn.accessToken);
    expect(emu.counters().token.refresh_token).toBe(0);
  });

  it('an ID token carries no nonce when the app sent none', async () => {
    const web = new ConfidentialClientApplication(msalConfig(emu, WEB, true));
    const result = await signInWeb(emu, web, ALICE);
    expect(result.idTokenClaims).not.toHaveProperty('nonce');
  });

  it('client credentials', async () => {
    const daemon = new ConfidentialClientApplication(msalConfig(emu, DAEMON, true));
    const result = await daemon.acquireTokenByClientCredential({
      scopes: [`api://${API.clientId}/.default`],
    });
    expect(claimsOf(result?.accessToken ?? '')).toMatchObject({
      aud: API.clientId,
      idtyp: 'app',
      roles: ['Subscriptions.Read.All'],
    });
    await daemon.acquireTokenByClientCredential({ scopes: [`api://${API.clientId}/.default`] });
    expect(emu.counters().token.client_credentials).toBe(1);
  });

  it('MFA: OBO is challenged with claims, and succeeds when the claims are sent', async () => {
    const web = new ConfidentialClientApplication(msalConfig(emu, WEB, true));
    const signedIn = await signInWeb(emu, web, CAROL);
    const api = new ConfidentialClientApplication(msalConfig(emu, API, true));
    const error = await api
      .acquireTokenOnBehalfOf({ oboAssertion: signedIn.accessToken, scopes: [ARM_SCOPE] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteractionRequiredAuthError);
    const challenge = error as InteractionRequiredAuthError;
    expect(challenge.errorCode).toBe('interaction_required');
    expect(challenge.errorMessage).toMatch(/^AADSTS50076/);
    expect(JSON.parse(challenge.claims)).toEqual({
      access_token: { capolids: { essential: true, values: [emu.seed.conditionalAccess[0].id] } },
    });
    const ok = await oboToken(api, signedIn.accessToken, challenge.claims);
    expect(claimsOf(ok.accessToken).amr).toEqual(['pwd', 'mfa']);
  });

  it('MFA: step-up at sign-in with the claims makes the later OBO succeed', async () => {
    const web = new ConfidentialClientApplication(msalConfig(emu, WEB, true));
    const claims = JSON.stringify({
      access_token: { capolids: { essential: true, values: [emu.seed.conditionalAccess[0].id] } },
    });
    const signedIn = await signInWeb(emu, web, CAROL, { claims });
    expect(claimsOf(signedIn.accessToken).amr).toEqual(['pwd', 'mfa']);
    const api = new ConfidentialClientApplication(msalConfig(emu, API, true));
    const ok = await oboToken(api, signedIn.accessToken);
    expect(claimsOf(ok.accessToken).amr).toContain('mfa');
  });

  it('@azure/identity ClientSecretCredential obtains a token', async () => {
    const credential = new ClientSecretCredential(TENANT, DAEMON.clientId, DAEMON.clientSecret, {
      authorityHost: emu.url,
      disableInstanceDiscovery: true,
      agent: new Agent({ ca: emu.caCert }),
    });
    const token = await credential.getToken(`api://${API.clientId}/.default`);
    expect(claimsOf(token.token)).toMatchObject({ aud: API.clientId, idtyp: 'app' });
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 300_000);
  });
});

describe('client certificate (private_key_jwt) through MSAL', () => {
  const CERT_APP = '0b0e0000-0000-4000-8000-000000000401';
  const cert = certificate();
  let emu: RunningEmulator;
  beforeAll(async () => {
    const seed = loadSeed();
    seed.apps.push({
      ...seed.apps[2],
      displayName: 'Cert app',
      clientId: CERT_APP,
      secrets: [],
      certificates: [cert.pem],
    });
    emu = await startTestEmulator({ seed });
  });
  afterAll(() => emu.stop());

  it('accepts the assertion MSAL signs with clientCertificate (thumbprintSha256)', async () => {
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: CERT_APP,
        authority: emu.authority,
        knownAuthorities: [new URL(emu.url).host],
        clientCertificate: {
          thumbprintSha256: cert.thumbprintSha256,
          privateKey: cert.privateKeyPem,
        },
      },
      system: { networkClient: new NetworkClient({ ca: emu.caCert }) },
    });
    const result = await app.acquireTokenByClientCredential({
      scopes: [`api://${API.clientId}/.default`],
    });
    expect(claimsOf(result?.accessToken ?? '')).toMatchObject({ azp: CERT_APP, azpacr: '2' });
  });
});

describe('consent_required for OBO without knownClientApplications', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    const seed = loadSeed();
    seed.apps = seed.apps.map((a) =>
      a.clientId === API.clientId ? { ...a, knownClientApplications: [] } : a,
    );
    emu = await startTestEmulator({ seed });
  });
  afterAll(() => emu.stop());

  it('MSAL raises InteractionRequiredAuthError with suberror consent_required (AADSTS65001)', async () => {
    const web = new ConfidentialClientApplication(msalConfig(emu, WEB, true));
    const signedIn = await signInWeb(emu, web, ALICE);
    const api = new ConfidentialClientApplication(msalConfig(emu, API, true));
    const error = (await api
      .acquireTokenOnBehalfOf({ oboAssertion: signedIn.accessToken, scopes: [ARM_SCOPE] })
      .catch((e: unknown) => e)) as InteractionRequiredAuthError;
    expect(error).toBeInstanceOf(InteractionRequiredAuthError);
    expect(error.subError).toBe('consent_required');
    expect(error.errorMessage).toMatch(/^AADSTS65001/);
  });
});
