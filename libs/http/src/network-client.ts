import type { IncomingHttpHeaders } from 'node:http';
import type https from 'node:https';
import { send } from './transport';
import { httpsAgent, type TrustStoreOptions } from './trust';

/** What MSAL passes to its network module (`NetworkRequestOptions` in @azure/msal-node). */
export interface NetworkRequestOptions {
  headers?: Record<string, string>;
  body?: string;
}

/** What MSAL expects back (`NetworkResponse<T>` in @azure/msal-node). */
export interface NetworkResponse<T> {
  headers: Record<string, string>;
  body: T;
  status: number;
}

/**
 * MSAL Node's `INetworkModule`, written out so this package needs no MSAL: any object of this
 * shape can be passed as `system.networkClient`.
 */
export interface MsalNetworkModule {
  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>>;
  sendPostRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>>;
}

export interface NetworkClientOptions extends TrustStoreOptions {
  /** Extra trusted CA certificates (PEM), e.g. the emulator's CA, added to Node's roots. */
  ca?: string;
  /** Longest one request may take, connect to last byte. Default 10 000 ms. */
  timeoutMs?: number;
  /** Largest response body accepted. Default 1 MiB. */
  maxResponseBytes?: number;
}

/**
 * An MSAL network module over @obo/http's request primitive, with a keep-alive agent that
 * trusts Node's roots plus an optional extra CA. MSAL's default client uses the global fetch,
 * which cannot be given a CA per client; this one can, so an app trusts the emulator without
 * NODE_EXTRA_CA_CERTS.
 */
export class NetworkClient implements MsalNetworkModule {
  readonly agent: https.Agent;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(options: NetworkClientOptions = {}) {
    this.agent = httpsAgent({
      extraCa: options.ca,
      systemRoots: options.systemRoots,
      maxSockets: 64,
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

  private async send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const response = await send(url, {
      method,
      headers: options?.headers,
      body: options?.body,
      httpsAgent: this.agent,
      timeoutMs: timeout ?? this.timeoutMs,
      maxResponseBytes: this.maxResponseBytes,
    });
    return {
      status: response.status,
      headers: flattenHeaders(response.headers),
      body: parseJson(response.body) as T,
    };
  }
}

/** MSAL treats a non-JSON body as an empty object plus the status; keep that. */
function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return {};
  }
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
