import { decodeForDisplay } from './display';

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('decodeForDisplay', () => {
  it('keeps alg, kid and typ of the header and every claim; drops the signature', () => {
    const token = `${part({ alg: 'RS256', kid: 'k1', typ: 'JWT', x5t: 'thumb', jku: 'x' })}.${part({
      aud: 'api',
      oid: 'u1',
    })}.c2lnbmF0dXJl`;
    const shown = decodeForDisplay(token);
    expect(shown).toEqual({
      header: { alg: 'RS256', kid: 'k1', typ: 'JWT' },
      claims: { aud: 'api', oid: 'u1' },
    });
    expect(JSON.stringify(shown)).not.toContain('c2lnbmF0dXJl');
  });

  it('keeps only string header fields', () => {
    const shown = decodeForDisplay(`${part({ alg: 1, kid: ['k'] })}.${part({})}.s`);
    expect(shown?.header).toEqual({ alg: undefined, kid: undefined, typ: undefined });
  });

  it.each([
    ['undefined', undefined],
    ['an empty string', ''],
    ['one segment', part({ alg: 'RS256' })],
    ['a payload that is not JSON', `${part({})}.bm90IGpzb24.s`],
    ['a payload that is an array', `${part({})}.${part([1, 2])}.s`],
    ['a header that is null', `${part(null)}.${part({})}.s`],
  ])('answers undefined for %s', (_name, token) => {
    expect(decodeForDisplay(token)).toBeUndefined();
  });
});
