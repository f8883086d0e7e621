/**
 * Micro-benchmark: client CPU per downstream GET (keep-alive https, one ARM-like page), for
 * - raw `node:https` (the floor),
 * - axios with default options, and with `maxRedirects: 0` (the ArmClient before @obo/http),
 * - axios over @obo/http's `nodeAdapter`,
 * - @obo/http's DownstreamClient.get (the whole layer: retries, headers, errors), over
 *   `nodeAdapter` and over axios's own http adapter.
 * The server runs in a child process, so only the client's CPU is counted. Rounds interleave
 * the variants; the medians are printed. No target, no pass/fail: a measurement.
 *
 *   node -r @swc-node/register tools/bench/src/micro/downstream.ts [--calls 3000] [--rounds 5]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import https from 'node:https';
import axios from 'axios';
import { createDownstreamClient, httpsAgent, nodeAdapter } from '@obo/http';
import { throwawayTls } from '@obo/testing';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const CALLS = arg('calls', 3_000);
const ROUNDS = arg('rounds', 5);
const WARMUP = 500;

const SERVER = `
const https = require('node:https');
const sub = (i) => ({ id: '/subscriptions/' + i, subscriptionId: String(i), displayName: 'Subscription ' + i,
  state: 'Enabled', tenantId: 't', subscriptionPolicies: { spendingLimit: 'Off' }, authorizationSource: 'RoleBased' });
const body = JSON.stringify({ value: [sub(1), sub(2), sub(3)] });
const server = https.createServer({ cert: process.env.CERT, key: process.env.KEY }, (req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function main(): Promise<void> {
  const tls = throwawayTls();
  const child = spawn(process.execPath, ['-e', SERVER], {
    env: { ...process.env, CERT: tls.cert, KEY: tls.key },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const base = `https://127.0.0.1:${String(line).trim()}`;
  const path = '/subscriptions?api-version=2022-12-01';
  const token = 'eyJ' + 'a'.repeat(1_400);
  const headers = { authorization: `Bearer ${token}`, 'x-ms-correlation-request-id': 'c0ffee' };
  const agent = httpsAgent({ extraCa: tls.ca, maxSockets: 256 });

  const axiosDefault = axios.create({ httpsAgent: agent });
  const axiosNoRedirects = axios.create({
    httpsAgent: agent,
    maxRedirects: 0,
    maxContentLength: 10 * 1024 * 1024,
    validateStatus: () => true,
    timeout: 10_000,
    headers: { accept: 'application/json' },
  });
  const axiosNodeAdapter = axios.create({
    adapter: nodeAdapter,
    httpsAgent: agent,
    timeout: 10_000,
    maxContentLength: 10 * 1024 * 1024,
    validateStatus: null,
    headers: { accept: 'application/json' },
  });
  const layer = (adapter?: 'http') =>
    createDownstreamClient({
      baseUrl: base,
      httpsAgent: agent,
      correlationHeader: 'x-ms-correlation-request-id',
      ...(adapter && { adapter }),
    });
  const downstream = layer();
  const downstreamAxiosHttp = layer('http');
  const call = { accessToken: token, correlationId: 'c0ffee' };

  const variants: [string, () => Promise<unknown>][] = [
    ['raw node:https', () => rawGet(`${base}${path}`, agent, headers)],
    ['axios, default options', () => axiosDefault.get(`${base}${path}`, { headers })],
    [
      'axios, maxRedirects 0 (ArmClient before)',
      () => axiosNoRedirects.get(`${base}${path}`, { headers }),
    ],
    ['axios + nodeAdapter', () => axiosNodeAdapter.get(`${base}${path}`, { headers })],
    ['DownstreamClient.get (nodeAdapter)', () => downstream.get(path, call)],
    ['DownstreamClient.get (axios http adapter)', () => downstreamAxiosHttp.get(path, call)],
  ];

  const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (const [, run] of variants) for (let i = 0; i < WARMUP; i++) await run();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of variants) {
      const before = process.cpuUsage();
      for (let i = 0; i < CALLS; i++) await run();
      const used = process.cpuUsage(before);
      samples.get(name)?.push((used.user + used.system) / CALLS);
    }
  }

  const raw = median(samples.get('raw node:https') ?? []);
  console.log(`client CPU per GET, median of ${ROUNDS} rounds × ${CALLS} calls (µs)`);
  for (const [name] of variants) {
    const us = median(samples.get(name) ?? []);
    const extra = name === 'raw node:https' ? '' : `  (+${(us - raw).toFixed(0)} over raw)`;
    console.log(`${name.padEnd(44)} ${us.toFixed(0).padStart(5)}${extra}`);
  }
  downstream.close();
  downstreamAxiosHttp.close();
  agent.destroy();
  child.kill();
}

function rawGet(
  url: string,
  agent: https.Agent,
  headers: Record<string, string>,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { agent, headers: { ...headers, accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
