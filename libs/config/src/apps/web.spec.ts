import { inspect } from 'node:util';
import { ConfigError } from '../errors';
import { EMULATOR_DEFAULTS } from '../emulator-defaults';
import { selfSignedCertificate, tempDir, writeCaFile } from '../test/fixtures';
import { loadWebConfig } from './web';

const dir = tempDir();
const caPath = writeCaFile(dir, selfSignedCertificate(dir).certPem);
const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = '22222222-3333-4444-8555-666666666666';
const SESSION = 'a-session-secret-of-at-least-32-characters!!';

const load = (env: Record<string, string>) => loadWebConfig({ env, envFile: false, cwd: dir });

function variablesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => i.variable).sort();
  }
  throw new Error('expected a ConfigError');
}

describe('loadWebConfig', () => {
  it('defaults to the emulator with the web registration and the API scope', () => {
    const config = load({ EXTRA_CA_CERTS: caPath });
    expect(config.client.clientId).toBe(EMULATOR_DEFAULTS.web.clientId);
    expect(config.api).toEqual({
      baseUrl: 'http://localhost:4000',
      scopes: [`api://${EMULATOR_DEFAULTS.api.clientId}/access_as_user`],
    });
    expect(config.redirectPath).toBe('/auth/redirect');
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.session.generatedSecret).toBe(true);
    expect(config.session.secret.reveal()).toHaveLength(43);
    expect(config.trustProxy).toBe(false);
  });

  it('calls the emulator’s Graph in the emulator profile, for User.Read only', () => {
    const config = load({ EXTRA_CA_CERTS: caPath });
    expect(config.graph).toEqual({
      endpoint: 'https://localhost:8443/graph',
      scopes: ['https://graph.microsoft.com/User.Read'],
    });
    // Incremental consent: Graph is not among the scopes asked for at sign-in.
    expect(config.api.scopes.join(' ')).not.toContain('graph');
  });

  it.each([
    [{}, 'https://graph.microsoft.com', 'https://graph.microsoft.com/User.Read'],
    [
      { AZURE_CLOUD: 'usgov' },
      'https://graph.microsoft.us',
      'https://graph.microsoft.us/User.Read',
    ],
    [
      { AZURE_CLOUD: 'usgov', GRAPH_ENDPOINT: 'https://dod-graph.microsoft.us/' },
      'https://dod-graph.microsoft.us',
      'https://dod-graph.microsoft.us/User.Read',
    ],
    [
      { AZURE_AUTHORITY_HOST: 'https://login.chinacloudapi.cn' },
      'https://microsoftgraph.chinacloudapi.cn',
      'https://microsoftgraph.chinacloudapi.cn/User.Read',
    ],
    [
      // A proxy in front of Graph: tokens are still for the cloud's Graph.
      { GRAPH_ENDPOINT: 'https://graph-proxy.example.com/root' },
      'https://graph-proxy.example.com/root',
      'https://graph.microsoft.com/User.Read',
    ],
  ])('entra %j: Graph at %s, scope %s', (env, endpoint, scope) => {
    const config = load({
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: 'x',
      API_SCOPES: 'api://x/access_as_user',
      ...env,
    });
    expect(config.graph).toEqual({ endpoint, scopes: [scope] });
  });

  it.each(['http://graph.microsoft.com', 'https://graph.microsoft.com/v1.0', 'not a url'])(
    'refuses GRAPH_ENDPOINT=%s',
    (value) => {
      expect(variablesOf(() => load({ EXTRA_CA_CERTS: caPath, GRAPH_ENDPOINT: value }))).toEqual([
        'GRAPH_ENDPOINT',
      ]);
    },
  );

  it('accepts the seeds’ redirect path and a proxy setting', () => {
    const config = load({
      EXTRA_CA_CERTS: caPath,
      REDIRECT_PATH: '/getAToken',
      TRUST_PROXY: '1',
      PORT: '5000',
    });
    expect(config.redirectPath).toBe('/getAToken');
    expect(config.trustProxy).toBe(1);
    expect(config.publicUrl).toBe('http://localhost:5000');
  });

  it.each(['//evil.example/cb', 'https://evil.example/cb', 'auth/redirect'])(
    'refuses a REDIRECT_PATH that is not a local path: %s',
    (path) => {
      expect(variablesOf(() => load({ EXTRA_CA_CERTS: caPath, REDIRECT_PATH: path }))).toEqual([
        'REDIRECT_PATH',
      ]);
    },
  );

  it('requires API_SCOPES outside the emulator', () => {
    expect(
      variablesOf(() =>
        load({ AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: 'x' }),
      ),
    ).toEqual(['API_SCOPES']);
  });

  it('requires SESSION_SECRET in production and with Redis, and a long one', () => {
    const tenant = {
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: 'x',
      API_SCOPES: 'api://x/access_as_user',
    };
    expect(variablesOf(() => load({ ...tenant, NODE_ENV: 'production' }))).toEqual([
      'SESSION_SECRET',
    ]);
    expect(variablesOf(() => load({ ...tenant, REDIS_URL: 'redis://localhost:6379' }))).toEqual([
      'SESSION_SECRET',
    ]);
    expect(variablesOf(() => load({ ...tenant, SESSION_SECRET: 'short' }))).toEqual([
      'SESSION_SECRET',
    ]);
    // apps/web/.env.example's placeholder is long enough, and still refused.
    expect(
      variablesOf(() =>
        load({ ...tenant, SESSION_SECRET: 'replace-with-at-least-32-random-characters' }),
      ),
    ).toEqual(['SESSION_SECRET']);
    expect(
      load({ ...tenant, NODE_ENV: 'production', SESSION_SECRET: SESSION }).session.generatedSecret,
    ).toBe(false);
  });

  it('turns the token journey on in the emulator profile only, and refuses it in production', () => {
    const tenant = {
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: 'x',
      API_SCOPES: 'api://x/access_as_user',
    };
    expect(load({ EXTRA_CA_CERTS: caPath }).tokenJourney).toBe(true);
    expect(load({ EXTRA_CA_CERTS: caPath, TOKEN_JOURNEY: 'no' }).tokenJourney).toBe(false);
    expect(load(tenant).tokenJourney).toBe(false);
    expect(load({ ...tenant, TOKEN_JOURNEY: 'true' }).tokenJourney).toBe(true);
    expect(load({ ...tenant, NODE_ENV: 'production', SESSION_SECRET: SESSION }).tokenJourney).toBe(
      false,
    );
    expect(
      variablesOf(() =>
        load({ ...tenant, NODE_ENV: 'production', SESSION_SECRET: SESSION, TOKEN_JOURNEY: 'true' }),
      ),
    ).toEqual(['TOKEN_JOURNEY']);
  });

  it('configures Azure AD B2C user flows', () => {
    const config = load({
      B2C_TENANT_NAME: 'contosob2c',
      SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
      EDITPROFILE_USER_FLOW: 'B2C_1_edit',
      RESETPASSWORD_USER_FLOW: 'B2C_1_reset',
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: 'x',
      API_SCOPES: 'https://contosob2c.onmicrosoft.com/api/demo.read',
    });
    expect(config.identity.kind).toBe('b2c');
    expect(config.identity.authority).toBe(
      'https://contosob2c.b2clogin.com/contosob2c.onmicrosoft.com/B2C_1_susi',
    );
    expect(config.identity.knownAuthorities).toEqual(['contosob2c.b2clogin.com']);
    expect(config.identity.b2c).toMatchObject({
      editProfilePolicy: 'B2C_1_edit',
      resetPasswordPolicy: 'B2C_1_reset',
    });
    // B2C user-flow tokens are not Graph tokens: no Graph, and GRAPH_ENDPOINT is refused.
    expect(config.identity.supportsDelegatedGraph).toBe(false);
    expect(config.graph).toBeUndefined();
  });

  it('refuses GRAPH_ENDPOINT in the b2c profile', () => {
    expect(
      variablesOf(() =>
        load({
          B2C_TENANT_NAME: 'contosob2c',
          SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
          AZURE_CLIENT_ID: CLIENT,
          AZURE_CLIENT_SECRET: 'x',
          API_SCOPES: 'a',
          GRAPH_ENDPOINT: 'https://graph.microsoft.com',
        }),
      ),
    ).toEqual(['GRAPH_ENDPOINT']);
  });

  it('names the missing B2C variables', () => {
    expect(
      variablesOf(() =>
        load({
          IDENTITY_PROFILE: 'b2c',
          AZURE_CLIENT_ID: CLIENT,
          AZURE_CLIENT_SECRET: 'x',
          API_SCOPES: 'a',
        }),
      ),
    ).toEqual(['B2C_TENANT_NAME', 'SIGNUPSIGNIN_USER_FLOW']);
    expect(
      variablesOf(() =>
        load({
          B2C_TENANT_NAME: 'contoso.onmicrosoft.com',
          SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
          AZURE_CLIENT_ID: CLIENT,
          AZURE_CLIENT_SECRET: 'x',
          API_SCOPES: 'a',
        }),
      ),
    ).toEqual(['B2C_TENANT_NAME']);
  });

  it('configures an External ID (CIAM) tenant from AUTHORITY', () => {
    const config = load({
      AUTHORITY: 'https://contoso.ciamlogin.com/',
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: 'x',
      API_SCOPES: 'a',
    });
    expect(config.identity.kind).toBe('ciam');
    expect(config.identity.authority).toBe('https://contoso.ciamlogin.com/contoso.onmicrosoft.com');
    expect(config.identity.knownAuthorities).toEqual(['contoso.ciamlogin.com']);
    expect(config.graph).toEqual({
      endpoint: 'https://graph.microsoft.com',
      scopes: ['https://graph.microsoft.com/User.Read'],
    });
  });

  it('calls the emulator’s Graph for the emulator’s External ID tenant (loopback authority)', () => {
    const config = load({
      AUTHORITY: 'https://localhost:8443/obodevciam.onmicrosoft.com',
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: 'x',
      API_SCOPES: 'a',
      EXTRA_CA_CERTS: caPath,
    });
    expect(config.graph?.endpoint).toBe('https://localhost:8443/graph');
  });

  it('requires AUTHORITY for the ciam profile', () => {
    expect(
      variablesOf(() =>
        load({
          IDENTITY_PROFILE: 'ciam',
          AZURE_CLIENT_ID: CLIENT,
          AZURE_CLIENT_SECRET: 'x',
          API_SCOPES: 'a',
        }),
      ),
    ).toEqual(['AUTHORITY']);
  });

  it('never prints the session secret', () => {
    const config = load({ EXTRA_CA_CERTS: caPath, SESSION_SECRET: SESSION });
    expect(`${JSON.stringify(config)} ${inspect(config, { depth: 10 })}`).not.toContain(SESSION);
  });
});
