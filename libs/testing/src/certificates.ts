import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed RSA certificate and its key (made with openssl) in a new temporary folder. */
function selfSigned(
  prefix: string,
  commonName: string,
): { dir: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      `/CN=${commonName}`,
      '-days',
      '1',
    ],
    { stdio: 'ignore' },
  );
  return { dir, cert, key };
}

/** A throwaway self-signed certificate (made with openssl); returns the certificate's path. */
export function writeThrowawayCa(): string {
  return selfSigned('obo-ca-', 'obo-test').cert;
}

/**
 * A throwaway client certificate for an app registration: returns the path of one PEM file
 * holding the private key and the certificate, as AZURE_CLIENT_CERTIFICATE_PATH expects.
 */
export function writeClientCertificate(commonName = 'obo-test-client'): string {
  const { dir, cert, key } = selfSigned('obo-client-cert-', commonName);
  const combined = join(dir, 'client.pem');
  writeFileSync(combined, readFileSync(key, 'utf8') + readFileSync(cert, 'utf8'), { mode: 0o600 });
  return combined;
}
