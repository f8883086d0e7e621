import { hostsFileWith } from './hosts-file';

describe('hostsFileWith', () => {
  it('keeps the original lines and maps each name to both loopback addresses', () => {
    const out = hostsFileWith('127.0.0.1 localhost\n127.0.0.1 vm', ['login.microsoftonline.com']);
    const lines = out.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['127.0.0.1 localhost', '127.0.0.1 vm']);
    expect(lines.slice(-2)).toEqual([
      '127.0.0.1\tlogin.microsoftonline.com',
      '::1\tlogin.microsoftonline.com',
    ]);
  });

  it('refuses anything that is not a host name (no lines smuggled into the hosts file)', () => {
    expect(() => hostsFileWith('', ['evil.com\n10.0.0.1 login.microsoftonline.com'])).toThrow(
      /not a host name/,
    );
  });
});
