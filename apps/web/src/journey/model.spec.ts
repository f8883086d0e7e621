import { claimRows, diffClaims, parseApiJourney } from './model';

describe('token journey model', () => {
  const smuggled = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eHh4eHgifQ.c2lnbmF0dXJlc2lnbmF0dXJl';

  it('withholds any claim value shaped like a token, in rows and in the diff', () => {
    const rows = claimRows({ name: 'Alice', smuggled, nested: { t: smuggled } });
    expect(rows).toEqual([
      { name: 'name', value: 'Alice' },
      { name: 'smuggled', value: '(withheld: looks like a token)' },
      { name: 'nested', value: '(withheld: looks like a token)' },
    ]);
    const diff = diffClaims([{ aud: 'a' }, { aud: smuggled }]);
    expect(diff.find((d) => d.claim === 'aud')?.values).toEqual([
      'a',
      '(withheld: looks like a token)',
    ]);
  });

  it('shows time claims with their ISO time and marks what changed between hops', () => {
    expect(claimRows({ exp: 0 })).toEqual([{ name: 'exp', value: '0 (1970-01-01T00:00:00.000Z)' }]);
    const diff = diffClaims([
      { aud: 'web', oid: 'u' },
      { aud: 'api', oid: 'u' },
    ]);
    expect(diff.find((d) => d.claim === 'aud')).toMatchObject({ changed: true });
    expect(diff.find((d) => d.claim === 'oid')).toMatchObject({
      changed: false,
      values: ['u', 'u'],
    });
  });

  it('refuses an API journey that is not the documented shape', () => {
    expect(parseApiJourney(undefined)).toBeUndefined();
    expect(parseApiJourney({ obo: 'x' })).toBeUndefined();
  });
});
