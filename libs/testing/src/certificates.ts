import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway self-signed certificate (made with openssl); returns the certificate's path. */
export function writeThrowawayCa(): string {
  const dir = mkdtempSync(join(tmpdir(), 'obo-ca-'));
  const cert = join(dir, 'ca.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      cert,
      '-subj',
      '/CN=obo-test',
      '-days',
      '1',
    ],
    { stdio: 'ignore' },
  );
  return cert;
}
