import { request as httpsRequest, Agent } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * An MSAL Node `system.networkClient` that trusts `ca` (the emulator's CA) in addition to
 * nothing else: use it in tests instead of NODE_EXTRA_CA_CERTS.
 *
 * ```ts
 * new ConfidentialClientApplication({ auth, system: { networkClient: msalNetworkClient(emulator.caCert) } });
 * ```
 */
export function msalNetworkClient(ca: string | Buffer): INetworkModule {
  const agent = new Agent({ ca, keepAlive: true, keepAliveMsecs: 1000, maxSockets: 16 });
  const send = <T>(
    url: string,
    method: 'GET' | 'POST',
    options?: NetworkRequestOptions,
    timeout?: number,
  ) =>
    new Promise<NetworkResponse<T>>((resolve, reject) => {
      const target = new URL(url);
      const requester = target.protocol === 'http:' ? httpRequest : httpsRequest;
      const headers: Record<string, string | number> = { ...(options?.headers ?? {}) };
      const body = method === 'POST' ? (options?.body ?? '') : undefined;
      if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
      const req = requester(
        target,
        { method, headers, ...(target.protocol === 'https:' ? { agent } : {}), timeout },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = {};
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch {
              parsed = { error: 'invalid_response', error_description: text.slice(0, 200) };
            }
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
            }
            resolve({ headers: out, body: parsed as T, status: res.statusCode ?? 0 });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('Request timeout')));
      req.on('error', reject);
      req.end(body);
    });
  return {
    sendGetRequestAsync: (url, options, timeout) => send(url, 'GET', options, timeout),
    sendPostRequestAsync: (url, options) => send(url, 'POST', options),
  };
}
