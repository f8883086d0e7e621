import { request as httpsRequest } from 'node:https';
import { EmulatorBrowser, type RunningEmulator } from '@obo/entra-emulator';
import { TokenAcquisitionError } from '@obo/token-acquisition';
import { ConfigError, type ApiConfig } from '@obo/config';
import request from 'supertest';
import { createApp, type ApiApp } from './app';
import { apiConfigFor, startTestEmulator } from './test/harness';
import pino from 'pino';

const REDIRECT = 'http://localhost:3000/auth/redirect';
const B2C = {
  tenantName: 'obodevb2c',
  tenantId: '0b0eb2c0-0000-4000-8000-000000000001',
  web: {
    id: '0b0eb2c0-0000-4000-8000-000000000101',
    secret: 'obo-b2c-web-dev-secret-not-for-production',
  },
  api: {
    id: '0b0eb2c0-0000-4000-8000-000000000201',
    secret: 'obo-b2c-api-dev-secret-not-for-production',
  },
  scope: 'https://obodevb2c.onmicrosoft.com/api/demo.read',
};
const CIAM = {
  tenantId: '0b0ec1a0-0000-4000-8000-000000000001',
  web: {
    id: '0b0ec1a0-0000-4000-8000-000000000101',
    secret: 'obo-ciam-web-dev-secret-not-for-production',
  },
  api: {
    id: '0b0ec1a0-0000-4000-8000-000000000201',
    secret: 'obo-ciam-api-dev-secret-not-for-production',
  },
  scope: 'api://0b0ec1a0-0000-4000-8000-000000000201/access_as_user',
};

/** Signs `username` in through the emulator's pages and redeems the code: the web app's token. */
async function accessToken(
  emu: RunningEmulator,
  base: string,
  web: { id: string; secret: string },
  scope: string,
  username: string,
): Promise<string> {
  const url = new URL(`${base}/oauth2/v2.0/authorize`);
  Object.entries({
    client_id: web.id,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: `${scope} openid`,
  }).forEach(([k, v]) => url.searchParams.set(k, v));
  const { params } = await new EmulatorBrowser(emu.caCert).signIn(url.toString(), {
    username,
    password: 'Passw0rd!',
  });
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: web.id,
    client_secret: web.secret,
    code: params.code,
    redirect_uri: REDIRECT,
  }).toString();
  const json = await new Promise<{ access_token: string }>((resolve, reject) => {
    const req = httpsRequest(
      `${base}/oauth2/v2.0/token`,
      {
        method: 'POST',
        ca: emu.caCert,
        agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  return json.access_token;
}

describe('API with B2C and CIAM tokens (emulator customer tenants)', () => {
  let emu: RunningEmulator;
  let b2cApi: ApiApp;
  let ciamApi: ApiApp;
  let b2cToken: string;
  let b2cConfig: ApiConfig;
  let ciamToken: string;
  const silent = pino({ level: 'silent' });

  beforeAll(async () => {
    emu = await startTestEmulator();
    b2cConfig = apiConfigFor(emu, {
      B2C_TENANT_NAME: B2C.tenantName,
      B2C_HOST: emu.url,
      SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
      AZURE_CLIENT_ID: B2C.api.id,
      AZURE_CLIENT_SECRET: B2C.api.secret,
      ALLOWED_TENANTS: B2C.tenantId,
      REQUIRED_SCOPE: 'demo.read',
    });
    b2cApi = createApp(b2cConfig, { logger: silent });
    ciamApi = createApp(
      apiConfigFor(emu, {
        AUTHORITY: `${emu.url}/obodevciam.onmicrosoft.com`,
        ARM_ENDPOINT: `${emu.url}/arm`,
        AZURE_CLIENT_ID: CIAM.api.id,
        AZURE_CLIENT_SECRET: CIAM.api.secret,
        ALLOWED_TENANTS: CIAM.tenantId,
      }),
      { logger: silent },
    );
    b2cToken = await accessToken(
      emu,
      `${emu.url}/obodevb2c.onmicrosoft.com/B2C_1_susi`,
      B2C.web,
      B2C.scope,
      'erin@example.com',
    );
    ciamToken = await accessToken(
      emu,
      `${emu.url}/obodevciam.onmicrosoft.com`,
      CIAM.web,
      CIAM.scope,
      'frank@example.com',
    );
  });

  afterAll(async () => {
    b2cApi?.close();
    ciamApi?.close();
    await emu?.stop();
  });

  it('/api/me accepts a B2C token (B2C issuer, no tid, scp demo.read)', async () => {
    const res = await request(b2cApi.app)
      .get('/api/me')
      .set('authorization', `Bearer ${b2cToken}`)
      .expect(200);
    expect(res.body).toMatchObject({ name: 'Erin Example', scopes: ['demo.read'] });
    expect(res.body.tid).toBeUndefined();
  });

  it('/api/me accepts a CIAM token and refuses it on the B2C API (and vice versa)', async () => {
    const res = await request(ciamApi.app)
      .get('/api/me')
      .set('authorization', `Bearer ${ciamToken}`)
      .expect(200);
    expect(res.body).toMatchObject({ name: 'Frank Example', tid: CIAM.tenantId });
    await request(b2cApi.app)
      .get('/api/me')
      .set('authorization', `Bearer ${ciamToken}`)
      .expect(401);
    await request(ciamApi.app)
      .get('/api/me')
      .set('authorization', `Bearer ${b2cToken}`)
      .expect(401);
  });

  it('/api/subscriptions with a B2C token: B2C refuses OBO (AADB2C90086) → 501 obo_not_supported', async () => {
    const before = emu.counters().token.on_behalf_of;
    const res = await request(b2cApi.app)
      .get('/api/subscriptions')
      .set('authorization', `Bearer ${b2cToken}`)
      .expect(501);
    expect(res.body).toMatchObject({
      error: 'obo_not_supported',
      error_description: expect.stringContaining('AADB2C90086'),
      correlationId: expect.any(String),
    });
    // The exchange was really attempted at the user flow (one OBO request reached B2C)...
    expect(emu.counters().token.on_behalf_of).toBe(before + 1);
    // ...and only once: B2C's answer is a property of the tenant, remembered by the API.
    const again = await request(b2cApi.app)
      .get('/api/subscriptions')
      .set('authorization', `Bearer ${b2cToken}`)
      .expect(501);
    expect(again.body.error).toBe('obo_not_supported');
    expect(emu.counters().token.on_behalf_of).toBe(before + 1);
  });

  it('the B2C user flow answers an OBO request exactly as B2C does (unsupported_grant_type, AADB2C90086)', async () => {
    const error = await b2cApi.obo
      .acquire({
        assertion: b2cToken,
        scopes: ['https://management.azure.com/user_impersonation'],
        correlationId: '00000000-0000-4000-8000-000000000086',
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TokenAcquisitionError);
    expect((error as TokenAcquisitionError).code).toBe('obo_not_supported');
    const cause = (error as { cause?: { errorCode?: string; errorMessage?: string } }).cause;
    expect(cause?.errorCode).toBe('unsupported_grant_type');
    expect(cause?.errorMessage).toMatch(
      /AADB2C90086: The supplied grant_type \[urn:ietf:params:oauth:grant-type:jwt-bearer\] is not supported\./,
    );
  });

  it('/api/subscriptions with a CIAM token: OBO in the external tenant, then ARM (no subscriptions)', async () => {
    const before = emu.counters().token.on_behalf_of;
    const first = await request(ciamApi.app)
      .get('/api/subscriptions')
      .set('authorization', `Bearer ${ciamToken}`)
      .expect(200);
    expect(first.body).toEqual({ value: [] });
    // A second call is served from the OBO cache.
    await request(ciamApi.app)
      .get('/api/subscriptions')
      .set('authorization', `Bearer ${ciamToken}`)
      .expect(200);
    expect(emu.counters().token.on_behalf_of).toBe(before + 1);
  });

  it('/api/subscriptions without a token is still 401 in the b2c profile', async () => {
    await request(b2cApi.app).get('/api/subscriptions').expect(401);
  });

  it('refuses a B2C configuration without the tenant GUID', () => {
    let thrown: unknown;
    try {
      apiConfigFor(emu, {
        B2C_TENANT_NAME: B2C.tenantName,
        B2C_HOST: emu.url,
        SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
        AZURE_CLIENT_ID: B2C.api.id,
        AZURE_CLIENT_SECRET: B2C.api.secret,
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).issues.map((i) => i.variable)).toEqual(['ALLOWED_TENANTS']);
  });
});
