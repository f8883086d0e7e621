import http from 'node:http';
import https from 'node:https';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

export interface TrustStoreOptions {
  /**
   * The roots the extra CA is added to. Default `tls.rootCertificates` (Node's bundled Mozilla
   * store). Tests inject their own "public" CA here, since Node's store cannot be changed.
   */
  systemRoots?: readonly string[];
}

/** Contexts for the default roots, per extra PEM: the web app and MSAL share one. */
const contexts = new Map<string, SecureContext>();

/**
 * A TLS context that trusts the system roots PLUS `extraPem` (e.g. the emulator's CA, or a
 * corporate CA in EXTRA_CA_CERTS), built once. Giving an agent `ca` instead *replaces* the
 * roots — a server with a public certificate becomes untrusted — and makes every new
 * connection parse the whole store again (milliseconds each).
 */
export function trustStore(extraPem?: string, options: TrustStoreOptions = {}): SecureContext {
  const extra = extraPem ? [extraPem] : [];
  if (options.systemRoots) return createSecureContext({ ca: [...options.systemRoots, ...extra] });
  const key = extraPem ?? '';
  let context = contexts.get(key);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, ...extra] });
    contexts.set(key, context);
  }
  return context;
}

export interface AgentOptions extends TrustStoreOptions {
  /** Extra trusted CA (PEM) added to the system roots. Default: the system roots only. */
  extraCa?: string;
  /** Most sockets per origin. Default 64. */
  maxSockets?: number;
  /** Reuse connections. Default true. */
  keepAlive?: boolean;
}

/** A keep-alive `https.Agent` trusting the system roots plus `extraCa` (see {@link trustStore}). */
export function httpsAgent(options: AgentOptions = {}): https.Agent {
  const { extraCa, maxSockets = 64, keepAlive = true } = options;
  return new https.Agent({
    keepAlive,
    maxSockets,
    ...(extraCa || options.systemRoots ? { secureContext: trustStore(extraCa, options) } : {}),
  });
}

/** A keep-alive `http.Agent` with the same socket limits, for plain-HTTP downstreams. */
export function httpAgent(
  options: Pick<AgentOptions, 'maxSockets' | 'keepAlive'> = {},
): http.Agent {
  const { maxSockets = 64, keepAlive = true } = options;
  return new http.Agent({ keepAlive, maxSockets });
}
