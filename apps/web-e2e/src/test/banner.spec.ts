import { parseStartBanner } from './banner';

const BANNER = `
  OBO chain is running
  Open            http://localhost:3000
  Sign in as      alice@obodev.onmicrosoft.com / (password)
                  (bob: many subscriptions, carol: MFA step-up, dave: none)
  Entra emulator  https://localhost:8443  (CA certificate: /x/.emulator/ca.pem)
  API             http://localhost:4000  (metrics: /metrics, OpenAPI: /api/openapi.json)
  Ready in        7.4 s — Ctrl-C stops everything
`;

describe('parseStartBanner', () => {
  it('reads the URL, the time to ready and the user from npm start’s banner', () => {
    expect(parseStartBanner(`Building…\n{"level":30}\n${BANNER}`)).toEqual({
      url: 'http://localhost:3000',
      readySeconds: 7.4,
      user: 'alice@obodev.onmicrosoft.com',
    });
  });

  it('is undefined until the banner is complete', () => {
    expect(parseStartBanner('Building emulator, api and web…\n')).toBeUndefined();
    expect(parseStartBanner(BANNER.split('Ready in')[0])).toBeUndefined();
  });

  it('works for a real tenant (no user line)', () => {
    const tenant = BANNER.replace(/ {2}Sign in as.*\n.*\n.*\n/, '  Identity        your tenant\n');
    expect(parseStartBanner(tenant)).toEqual({ url: 'http://localhost:3000', readySeconds: 7.4 });
  });
});
