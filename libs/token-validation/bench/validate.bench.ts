/**
 * Validation cost, as ratios measured in one process (DESIGN.md §5: never timed unit tests).
 *
 *   node -r @swc-node/register libs/token-validation/bench/validate.bench.ts
 *
 * Compares one raw RS256 `crypto.verify` with a KeyObject (the floor), our `validate()` and
 * `validateSync()` on a good token with a warm key cache, and jsonwebtoken.verify with a
 * KeyObject and with a PEM string (what jwks-rsa hands out). Target: ours ≤ 1.3× raw.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createTokenValidator } from '../src/validator';
import type { KeySource } from '../src/keys/key-source';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
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
const validator = createTokenValidator({
  jwksUri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
  audiences: [CLIENT_ID, `api://${CLIENT_ID}`],
  issuers: [
    `https://login.microsoftonline.com/{tenantid}/v2.0`,
    'https://sts.windows.net/{tenantid}/',
  ],
  allowedTenants: [TENANT],
  keySource,
});

type Run = () => unknown;

async function measure(
  name: string,
  fn: Run,
  iterations: number,
  isAsync = false,
): Promise<number> {
  // Warm up, then the best of 5 rounds (least disturbed by the other core's work).
  for (let i = 0; i < iterations / 5; i++) {
    if (isAsync) await fn();
    else fn();
  }
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    if (isAsync) for (let i = 0; i < iterations; i++) await fn();
    else for (let i = 0; i < iterations; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  const opsPerSecond = 1e9 / best;
  console.log(
    `${name.padEnd(44)} ${opsPerSecond.toFixed(0).padStart(8)} ops/s ${(best / 1000).toFixed(1).padStart(7)} µs/op`,
  );
  return best;
}

async function main(): Promise<void> {
  if (!(await validator.warmUp())) throw new Error('warm-up failed');
  if (!verify('sha256', data, publicKey, signature)) throw new Error('raw verify failed');
  await validator.validate(token);

  const n = 20_000;
  console.log(
    `node ${process.version}, token ${token.length} bytes, ${n} iterations × 5 rounds (best)`,
  );
  const raw = await measure(
    'raw crypto.verify RS256 (KeyObject)',
    () => verify('sha256', data, publicKey, signature),
    n,
  );
  const ours = await measure(
    'ours: await validate() (warm cache)',
    () => validator.validate(token),
    n,
    true,
  );
  const oursSync = await measure(
    'ours: validateSync() (warm cache)',
    () => validator.validateSync(token),
    n,
  );
  const jwtKey = await measure(
    'jsonwebtoken.verify (KeyObject)',
    () => jwt.verify(token, publicKey, { algorithms: ['RS256'], audience: CLIENT_ID }),
    n,
  );
  const jwtPem = await measure(
    'jsonwebtoken.verify (PEM string)',
    () => jwt.verify(token, pem, { algorithms: ['RS256'], audience: CLIENT_ID }),
    n / 5,
  );

  const ratio = (cost: number) =>
    `${(cost / raw).toFixed(2)}× raw cost (${((raw / cost) * 100).toFixed(0)} % of raw's rate)`;
  console.log('');
  console.log(`ours validate()      ${ratio(ours)}  target ≤ 1.30×`);
  console.log(`ours validateSync()  ${ratio(oursSync)}`);
  console.log(`jsonwebtoken KeyObj  ${ratio(jwtKey)}`);
  console.log(`jsonwebtoken PEM     ${ratio(jwtPem)}`);
  console.log(`stats ${JSON.stringify(validator.stats())} (one JWKS fetch in all)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
