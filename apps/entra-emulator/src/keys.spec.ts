import { decodeJwt, verifyRs256 } from './jwt';
import { KeyRing } from './keys';

describe('KeyRing', () => {
  it('signs RS256 with kid = x5t and publishes the key', () => {
    const ring = new KeyRing(() => 0);
    const jwt = decodeJwt(ring.sign({ a: 1 }));
    expect(jwt?.header).toMatchObject({
      alg: 'RS256',
      typ: 'JWT',
      kid: ring.current.kid,
      x5t: ring.current.kid,
    });
    expect(jwt && verifyRs256(jwt, ring.current.publicKey)).toBe(true);
    expect(ring.jwks('iss').keys.map((k) => k.kid)).toEqual([ring.current.kid]);
  });

  it('keeps a rotated-out key for the overlap period, then drops it', () => {
    let now = 1_000_000;
    const ring = new KeyRing(() => now);
    const old = ring.current.kid;
    const next = ring.rotate(60_000).kid;
    expect(ring.jwks('iss').keys.map((k) => k.kid)).toEqual([next, old]);
    expect(ring.find(old)).toBeDefined();
    now += 60_001;
    expect(ring.jwks('iss').keys.map((k) => k.kid)).toEqual([next]);
    expect(ring.find(old)).toBeUndefined();
  });
});
