import { fullJitter } from './backoff';

describe('fullJitter', () => {
  it('draws from [0, base·2^attempt)', () => {
    expect(fullJitter(0, 200, 10_000, () => 0)).toBe(0);
    expect(fullJitter(0, 200, 10_000, () => 0.5)).toBe(100);
    expect(fullJitter(2, 200, 10_000, () => 0.5)).toBe(400);
    expect(fullJitter(2, 200, 10_000, () => 0.999_999)).toBeLessThan(800);
  });

  it('never exceeds the cap', () => {
    expect(fullJitter(20, 200, 5_000, () => 0.999_999)).toBeLessThan(5_000);
    expect(fullJitter(20, 200, 5_000, () => 0.5)).toBe(2_500);
  });

  it('stays within bounds with Math.random', () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const delay = fullJitter(attempt, 100, 3_000);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(3_000, 100 * 2 ** attempt));
    }
  });
});
