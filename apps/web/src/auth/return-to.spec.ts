import { safeReturnTo } from './return-to';

describe('safeReturnTo', () => {
  it.each(['/', '/subscriptions', '/profile?x=1#top', '/a/b'])(
    'accepts the local path %s',
    (path) => {
      expect(safeReturnTo(path)).toBe(path);
    },
  );

  it('keeps percent-encoded characters encoded', () => {
    expect(safeReturnTo('/%0d%0aSet-Cookie:x')).toBe('/%0d%0aSet-Cookie:x');
  });

  it.each([
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'https://evil.example/',
    'http:/evil.example',
    'javascript:alert(1)',
    'evil.example',
    '/\tfoo',
    '',
    undefined,
    ['/a'],
  ])('refuses %p', (value) => {
    expect(safeReturnTo(value)).toBeUndefined();
  });
});
