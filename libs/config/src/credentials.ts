import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IssueList } from './issues';
import { Secret } from './secret';

/** How an app proves its identity to Microsoft Entra ID. */
export type ClientCredential =
  | { kind: 'secret'; secret: Secret }
  | {
      kind: 'certificate';
      /** Where the PEM (private key + certificate chain) was read from. */
      path: string;
      /** PKCS#8 PEM private key, decrypted. */
      privateKey: Secret;
      /** SHA-256 thumbprint of the leaf certificate, hex, as MSAL expects. */
      thumbprintSha256: string;
      /** PEM certificate chain, leaf first, sent as `x5c` (subject name/issuer auth). */
      x5c: string;
    }
  | {
      kind: 'federated';
      /** File holding the federated assertion (workload identity); re-read on every use. */
      tokenFile: string;
    };

export interface CredentialVariables {
  AZURE_CLIENT_SECRET?: string;
  AZURE_CLIENT_CERTIFICATE_PATH?: string;
  AZURE_CLIENT_CERTIFICATE_PASSWORD?: string;
  AZURE_FEDERATED_TOKEN_FILE?: string;
}

/**
 * Picks the one configured credential. Exactly one of the three variables may be set;
 * `fallbackSecret` (the emulator's well-known secret) applies when none is.
 */
export function resolveCredential(
  vars: CredentialVariables,
  issues: IssueList,
  fallbackSecret?: string,
): ClientCredential | undefined {
  const given = (
    ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE'] as const
  ).filter((name) => vars[name] !== undefined);

  if (given.length > 1) {
    for (const name of given) {
      issues.add(name, `set only one of ${given.join(', ')}: they are alternative credentials`);
    }
    return undefined;
  }
  if (vars.AZURE_CLIENT_SECRET !== undefined) {
    return { kind: 'secret', secret: new Secret(vars.AZURE_CLIENT_SECRET) };
  }
  if (vars.AZURE_CLIENT_CERTIFICATE_PATH !== undefined) {
    return loadCertificate(
      vars.AZURE_CLIENT_CERTIFICATE_PATH,
      vars.AZURE_CLIENT_CERTIFICATE_PASSWORD,
      issues,
    );
  }
  if (vars.AZURE_FEDERATED_TOKEN_FILE !== undefined) {
    return loadFederated(vars.AZURE_FEDERATED_TOKEN_FILE, issues);
  }
  if (fallbackSecret !== undefined) return { kind: 'secret', secret: new Secret(fallbackSecret) };
  issues.add(
    'AZURE_CLIENT_SECRET',
    'required: a client credential — set AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE',
  );
  return undefined;
}

function loadCertificate(
  path: string,
  passphrase: string | undefined,
  issues: IssueList,
): ClientCredential | undefined {
  const variable = 'AZURE_CLIENT_CERTIFICATE_PATH';
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    issues.add(
      variable,
      `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
    return undefined;
  }
  const keyBlock =
    /-----BEGIN (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----/.exec(
      pem,
    );
  const certBlocks =
    pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!keyBlock || certBlocks.length === 0) {
    issues.add(variable, 'expected a PEM file holding both a private key and its certificate');
    return undefined;
  }
  let privateKey: Secret;
  try {
    privateKey = new Secret(
      createPrivateKey({ key: keyBlock[0], passphrase })
        .export({ type: 'pkcs8', format: 'pem' })
        .toString(),
    );
  } catch {
    issues.add(
      passphrase === undefined ? variable : 'AZURE_CLIENT_CERTIFICATE_PASSWORD',
      passphrase === undefined
        ? 'the private key could not be read (encrypted keys need AZURE_CLIENT_CERTIFICATE_PASSWORD)'
        : 'the password does not decrypt the private key',
    );
    return undefined;
  }
  try {
    const certs = certBlocks.map((block) => new X509Certificate(block));
    return {
      kind: 'certificate',
      path,
      privateKey,
      thumbprintSha256: certs[0].fingerprint256.replace(/:/g, '').toLowerCase(),
      x5c: certBlocks.join('\n'),
    };
  } catch {
    issues.add(variable, 'the certificate in the PEM file could not be parsed');
    return undefined;
  }
}

function loadFederated(tokenFile: string, issues: IssueList): ClientCredential | undefined {
  try {
    if (readFileSync(tokenFile, 'utf8').trim() === '') {
      issues.add(
        'AZURE_FEDERATED_TOKEN_FILE',
        'the file is empty: expected a federated token (JWT)',
      );
      return undefined;
    }
  } catch (error) {
    issues.add(
      'AZURE_FEDERATED_TOKEN_FILE',
      `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
    return undefined;
  }
  return { kind: 'federated', tokenFile };
}

/** Reads the current federated assertion; the platform rotates the file, so read per use. */
export function readFederatedAssertion(tokenFile: string): string {
  return readFileSync(tokenFile, 'utf8').trim();
}
