/**
 * `node --require …/route-to-emulator.js app.js`: runs a Node app with its production settings
 * against the emulator, without root, a hosts file or any change to the app. Every TLS
 * connection to one of Microsoft's identity, ARM or Graph hosts — `fetch` (MSAL Node, the Azure
 * SDK), `https`, axios, anything that ends in `tls.connect` — goes through the emulator's proxy
 * (`HTTPS_PROXY`, the emulator's `EMULATOR_PROXY_PORT`) and trusts the emulator's CA; every
 * other connection is left alone.
 *
 * The CA: `EMULATOR_CA_CERT`, else `{EMULATOR_DATA_DIR}/ca.pem`, else the workspace's
 * `.emulator/ca.pem` (where `npm run start:emulator` keeps it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import tls from 'node:tls';
import { isMicrosoftHostName } from '../sites/names';
import { ConnectTunnel, type ProxyAddress } from './tunnel';

const proxy = proxyAddress(process.env.HTTPS_PROXY ?? process.env.https_proxy);
const ca = readFileSync(caPath(), 'utf8');
const connect = tls.connect;
const connectWith = connect as (options: tls.ConnectionOptions, cb?: () => void) => tls.TLSSocket;

type ConnectArgs = Parameters<typeof tls.connect>;

/** The `tls.connect` that routes Microsoft's hosts through the emulator's proxy. */
function routedConnect(this: unknown, ...args: ConnectArgs): tls.TLSSocket {
  const [options, callback] = normalise(args);
  const host = options.servername || options.host;
  if (!host || options.socket || !isMicrosoftHostName(host)) {
    return (connect as (...a: ConnectArgs) => tls.TLSSocket).apply(this, args);
  }
  const port = Number(options.port ?? 443);
  const trusted = options.ca ? [options.ca].flat() : tls.rootCertificates;
  return connectWith.call(
    this,
    {
      ...options,
      socket: new ConnectTunnel(proxy, `${host}:${port}`),
      servername: host,
      ca: [...trusted, ca],
    },
    callback,
  );
}

tls.connect = routedConnect as typeof tls.connect;

/** `tls.connect(options, cb)` or `tls.connect(port, host?, options?, cb?)` as options + callback. */
function normalise(args: unknown[]): [tls.ConnectionOptions, (() => void) | undefined] {
  const callback = args.find((a): a is () => void => typeof a === 'function');
  if (typeof args[0] === 'object' && args[0] !== null) {
    return [args[0] as tls.ConnectionOptions, callback];
  }
  const options = args.find((a, i) => i > 0 && typeof a === 'object' && a !== null) ?? {};
  return [
    {
      ...(options as tls.ConnectionOptions),
      port: Number(args[0]),
      ...(typeof args[1] === 'string' ? { host: args[1] } : {}),
    },
    callback,
  ];
}

function proxyAddress(value: string | undefined): ProxyAddress {
  if (!value) {
    throw new Error(
      "route-to-emulator: set HTTPS_PROXY to the emulator's proxy (start it with EMULATOR_PROXY_PORT, e.g. HTTPS_PROXY=http://localhost:8480)",
    );
  }
  const url = new URL(value);
  if (url.protocol !== 'http:') {
    throw new Error(`route-to-emulator: HTTPS_PROXY must be an http:// URL, not ${url.protocol}`);
  }
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) };
}

function caPath(): string {
  const given = process.env.EMULATOR_CA_CERT;
  if (given) return given;
  if (process.env.EMULATOR_DATA_DIR) return join(process.env.EMULATOR_DATA_DIR, 'ca.pem');
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return join(dir, '.emulator', 'ca.pem');
  }
  throw new Error("route-to-emulator: set EMULATOR_CA_CERT to the emulator's CA certificate");
}
