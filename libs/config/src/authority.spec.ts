import { authorityHostname, b2cAuthority, ciamAuthority, entraAuthority } from './authority';

describe('authority URLs', () => {
  it('builds a workforce authority', () => {
    expect(entraAuthority('https://login.microsoftonline.com/', 'contoso.onmicrosoft.com')).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com',
    );
  });

  it('builds a B2C user-flow authority, on b2clogin.com or a custom host', () => {
    expect(b2cAuthority('fabrikamb2c', 'B2C_1_susi')).toBe(
      'https://fabrikamb2c.b2clogin.com/fabrikamb2c.onmicrosoft.com/B2C_1_susi',
    );
    expect(b2cAuthority('fabrikamb2c', 'B2C_1_susi', 'https://localhost:8443/b2c/')).toBe(
      'https://localhost:8443/b2c/fabrikamb2c.onmicrosoft.com/B2C_1_susi',
    );
  });

  it('builds a CIAM authority from its host, or keeps the tenant given', () => {
    expect(ciamAuthority('https://contoso.ciamlogin.com/')).toBe(
      'https://contoso.ciamlogin.com/contoso.onmicrosoft.com',
    );
    expect(
      ciamAuthority('https://contoso.ciamlogin.com/11111111-2222-4333-8444-555555555555/'),
    ).toBe('https://contoso.ciamlogin.com/11111111-2222-4333-8444-555555555555');
  });

  it('gives host:port for knownAuthorities', () => {
    expect(authorityHostname('https://localhost:8443/tenant')).toBe('localhost:8443');
    expect(authorityHostname('https://contoso.b2clogin.com/x/y')).toBe('contoso.b2clogin.com');
  });
});
