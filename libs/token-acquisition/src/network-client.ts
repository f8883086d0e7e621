import http from 'node:http';
import https from 'node:https';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

export interface NetworkClientOptions {
  /** Extra trusted CA certificates (PEM), e.g. the emulator's CA. Default: Node's store only. */
  ca?: string;
  /** Per-request timeout. Default 10 000 ms. */
  timeoutMs?: number;
  /** Largest response body accepted. Default 1 MiB. */
  maxResponseBytes?: number;
}

/**
 * An MSAL network module over Node's https with a keep-alive agent and optional extra CA.
 * MSAL's default client uses the global fetch, which cannot be given a CA per client; this
 * one can, so an app trusts the emulator without NODE_EXTRA_CA_CERTS.
 */
export class NetworkClient implements INetworkModule {
  readonly agent: https.Agent;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(options: NetworkClientOptions = {}) {
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 64,
      ...(options.ca ? { secureContext: secureContextTrusting(options.ca) } : {}),
    });
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  }

  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  private send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const target = new URL(url);
    const body = options?.body;
    const headers: Record<string, string> = { ...(options?.headers ?? {}) };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const transport = target.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        target,
        {
          method,
          headers,
          agent: target.protocol === 'https:' ? this.agent : undefined,
          timeout: timeout ?? this.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.maxResponseBytes) {
              request.destroy(new Error('response too large'));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = {};
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch {
              // MSAL treats a non-JSON body as an empty object plus the status; keep that.
              parsed = {};
            }
            resolve({
              status: response.statusCode ?? 0,
              headers: flattenHeaders(response.headers),
              body: parsed as T,
            });
          });
          response.on('error', reject);
        },
      );
      request.on('timeout', () =>
        request.destroy(new Error(`request to ${target.host} timed out`)),
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * A TLS context trusting Node's roots plus `extraPem`, built once. Passing `ca` to an agent
 * instead makes every new connection parse the whole root store again (milliseconds each).
 */
export function secureContextTrusting(extraPem: string): SecureContext {
  return createSecureContext({ ca: [...rootCertificates, extraPem] });
}
