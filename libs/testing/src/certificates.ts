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

/** A throwaway certificate authority and a TLS server certificate it issued (PEM texts). */
export interface ThrowawayTls {
  /** The CA's certificate: what a client must trust. */
  ca: string;
  /** The server's certificate, for localhost, 127.0.0.1 and ::1. */
  cert: string;
  /** The server's private key. */
  key: string;
}

/**
 * A new CA and a server certificate it signed (made with openssl), for an https server on
 * loopback whose trust a test controls: two calls give two unrelated CAs.
 */
export function throwawayTls(): ThrowawayTls {
  const dir = mkdtempSync(join(tmpdir(), 'obo-tls-'));
  const file = (name: string) => join(dir, name);
  const issue = (key: string, cert: string, subject: string, extensions: string[], ca = false) =>
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', subject]
        .concat(['-keyout', file(key), '-out', file(cert)])
        .concat(ca ? ['-CA', file('ca.pem'), '-CAkey', file('ca-key.pem')] : [])
        .concat(extensions.flatMap((extension) => ['-addext', extension])),
      { stdio: 'ignore' },
    );
  issue('ca-key.pem', 'ca.pem', '/CN=obo-test-ca', [
    'basicConstraints=critical,CA:TRUE',
    'keyUsage=critical,keyCertSign',
  ]);
  // `req -x509 -CA` (OpenSSL 3) issues the certificate from the CA in one step.
  issue(
    'key.pem',
    'cert.pem',
    '/CN=localhost',
    ['basicConstraints=critical,CA:FALSE', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1'],
    true,
  );
  const read = (name: string) => readFileSync(file(name), 'utf8');
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}
