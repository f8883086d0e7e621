import { parseRetryAfter } from './retry-after';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['5', 5],
    [' 120 ', 120],
    [['7', '9'], 7],
    ['999999999', 86_400],
  ])('reads delay-seconds %p', (value, seconds) => {
    expect(parseRetryAfter(value, NOW)).toBe(seconds);
  });

  it.each([
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30],
    ['Thursday, 01-Jan-26 00:00:10 GMT', 10],
    ['Thu Jan  1 00:00:05 2026', 5],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
  ])('reads the HTTP-date %p against now', (value, seconds) => {
    expect(parseRetryAfter(value, NOW)).toBe(seconds);
  });

  it.each([undefined, '', '-1', '5.5', '1e3', 'soon', 42, 'Fri, 99 Foo 2026'])(
    'answers undefined for %p',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    },
  );
});
