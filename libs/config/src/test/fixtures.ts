import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp folder per test file; removed by the OS, small enough not to matter. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'obo-config-'));
}

/** Writes a PEM CA certificate file (any certificate does for "is it a PEM"). */
export function writeCaFile(dir: string, certPem: string): string {
  const path = join(dir, 'ca.pem');
  writeFileSync(path, certPem);
  return path;
}

/**
 * A self-signed certificate with its key, made with openssl when available. Returns the
 * PEMs; tests that need it skip nothing: openssl ships with Debian and Node's images.
 */
export function selfSignedCertificate(
  dir: string,
  passphrase?: string,
): { keyPem: string; certPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPath = join(dir, `key-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const certPem = execFileSync(
    'openssl',
    ['req', '-new', '-x509', '-key', keyPath, '-subj', '/CN=obo-test', '-days', '2'],
    { encoding: 'utf8' },
  );
  const keyPem = passphrase
    ? privateKey
        .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
        .toString()
    : privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { keyPem, certPem };
}
