import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { EMULATOR_DEFAULTS } from '@obo/config';
import type { EmulatorCounters } from '@obo/entra-emulator';

/** The emulator `npm run with-emulator` started, answering as Microsoft's hosts. */
export interface EmulatorAsMicrosoft {
  /** Its CA certificate: the only thing the clients are given to trust. */
  caPath: string;
  ca: string;
  /** Its own origin (control plane, counters): `https://localhost:8443`. */
  localUrl: string;
}

/**
 * The acceptance tests run inside `npm run with-emulator` (`nx run @obo/web-e2e:acceptance`):
 * a private network namespace where Microsoft's names resolve to the emulator. Anywhere else
 * they stop here, naming what to run, instead of reaching for the real services.
 */
export async function emulatorAsMicrosoft(): Promise<EmulatorAsMicrosoft> {
  const caPath = process.env.EMULATOR_CA_CERT;
  const resolved = await lookup('login.microsoftonline.com').catch(() => undefined);
  if (!caPath || !resolved || !['127.0.0.1', '::1'].includes(resolved.address)) {
    throw new Error(
      'acceptance tests run inside `npm run with-emulator` (nx run @obo/web-e2e:acceptance): login.microsoftonline.com must resolve to the emulator',
    );
  }
  const port = process.env.EMULATOR_PORT ?? String(EMULATOR_DEFAULTS.port);
  return { caPath, ca: readFileSync(caPath, 'utf8'), localUrl: `https://localhost:${port}` };
}

/** GET a JSON document over HTTPS trusting only the emulator's CA. */
export function getJson(url: string, ca: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    request(url, { ca, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || 'null') }),
      );
    })
      .on('error', reject)
      .end();
  });
}

/** The emulator's request counters, as its control plane reports them. */
export type Counters = EmulatorCounters;

/** The emulator's request counters (its control plane, on its own origin). */
export async function counters(emulator: EmulatorAsMicrosoft): Promise<Counters> {
  const { body } = await getJson(`${emulator.localUrl}/_emulator/counters`, emulator.ca);
  return body as Counters;
}

/** The payload of a JWT (tests only read their own tokens' claims). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}
