/**
 * Validation cost: one raw RS256 `crypto.verify` with a KeyObject (the floor), our `validate()`
 * and `validateSync()` on a good token with a warm key cache, and jsonwebtoken.verify with a
 * KeyObject and with a PEM string (what jwks-rsa hands out). Same process, interleaved rounds, median round per case.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createTokenValidator, type KeySource } from '@obo/token-validation';
import { median } from '../stats';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '6e74172b-be56-4843-9ff4-e66a39bb12e3';

export interface ValidationCase {
  name: string;
  /** Median ns per operation over the rounds. */
  nsPerOp: number;
  opsPerSecond: number;
  /** ns per operation in each round (rounds interleave the cases, so round i is comparable). */
  roundsNs: number[];
}

export interface ValidationResult {
  tokenBytes: number;
  iterations: number;
  rounds: number;
  cases: ValidationCase[];
}

interface Case {
  name: string;
  fn: () => unknown;
  isAsync?: boolean;
  /** Fewer iterations for the slow PEM case. */
  scale?: number;
}

async function runOnce(c: Case, iterations: number): Promise<number> {
  const n = Math.max(1, Math.floor(iterations * (c.scale ?? 1)));
  const start = process.hrtime.bigint();
  if (c.isAsync) for (let i = 0; i < n; i++) await c.fn();
  else for (let i = 0; i < n; i++) c.fn();
  return Number(process.hrtime.bigint() - start) / n;
}

export async function validationBench(
  iterations: number,
  rounds: number,
): Promise<ValidationResult> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  // A realistically sized Entra v2 access token (~1.3 KB).
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: CLIENT_ID,
    iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    iat: now - 60,
    nbf: now - 60,
    exp: now + 3600,
    aio: 'AWQAm/8YAAAA'.repeat(8),
    azp: '11111111-0000-0000-0000-000000000001',
    azpacr: '1',
    idtyp: 'user',
    name: 'Megan Bowen',
    oid: '00000000-0000-0000-0000-0000000000aa',
    preferred_username: 'meganb@contoso.onmicrosoft.com',
    rh: '0.AXEAv4j5cvGGr0GRqy180BHbR2sXdG5WvkNIn_TmajmSEuNxAOQ.',
    scp: 'access_as_user',
    sub: 'l3_roISQU222bULS9yi2k0XpqpOiMz5H3ZACo1GeXA',
    tid: TENANT,
    uti: 'fqiBqXLPj0eQa82S-IYFAA',
    ver: '2.0',
  };
  const header = { alg: 'RS256', typ: 'JWT', kid: 'bench-key', x5t: 'bench-key' };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const token = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  const data = Buffer.from(input);
  const signature = Buffer.from(token.split('.')[2] ?? '', 'base64url');

  const keySource: KeySource = { fetchKeys: async () => [{ kid: 'bench-key', key: publicKey }] };
  const options = {
    jwksUri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
    audiences: [CLIENT_ID, `api://${CLIENT_ID}`],
    issuers: [
      `https://login.microsoftonline.com/{tenantid}/v2.0`,
      'https://sts.windows.net/{tenantid}/',
    ],
    allowedTenants: [TENANT],
    keySource,
  };
  // The compared figure is a token's first validation (decode + RSA verify + claims): the
  // validator remembers no token. The API's default, which remembers verified tokens, is a
  // separate row: a token sent again skips decoding and the RSA check.
  const validator = createTokenValidator({ ...options, verifiedTokenCacheSize: 0 });
  const remembering = createTokenValidator(options);
  for (const v of [validator, remembering]) {
    if (!(await v.warmUp())) throw new Error('validator warm-up failed');
    await v.validate(token);
    if (!v.validateSync(token)) throw new Error('validateSync found no cached key');
  }
  if (!verify('sha256', data, publicKey, signature)) throw new Error('raw verify failed');
  if (remembering.stats().verifiedTokenHits !== 1) throw new Error('the token was not remembered');

  const cases: Case[] = [
    {
      name: 'raw crypto.verify RS256 (KeyObject)',
      fn: () => verify('sha256', data, publicKey, signature),
    },
    { name: 'ours: await validate()', fn: () => validator.validate(token), isAsync: true },
    { name: 'ours: validateSync()', fn: () => validator.validateSync(token) },
    {
      name: 'validateSync() of a token seen before (remembered; the API default)',
      fn: () => remembering.validateSync(token),
    },
    {
      name: 'jsonwebtoken.verify (KeyObject)',
      fn: () => jwt.verify(token, publicKey, { algorithms: ['RS256'], audience: CLIENT_ID }),
    },
    {
      name: 'jsonwebtoken.verify (PEM string)',
      fn: () => jwt.verify(token, pem, { algorithms: ['RS256'], audience: CLIENT_ID }),
      scale: 0.2,
    },
  ];
  for (const c of cases) await runOnce(c, iterations / 5); // warm-up (JIT, caches)
  const samples = cases.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of cases.entries()) samples[i].push(await runOnce(c, iterations));
  }
  if (validator.stats().jwksFetches !== 1) throw new Error('the validator refetched its keys');
  return {
    tokenBytes: token.length,
    iterations,
    rounds,
    cases: cases.map((c, i) => {
      const ns = median(samples[i]);
      return {
        name: c.name,
        nsPerOp: ns,
        opsPerSecond: 1e9 / ns,
        roundsNs: samples[i].map(Math.round),
      };
    }),
  };
}
