import http from 'node:http';
import https from 'node:https';

export interface SendOptions {
  /** Default `GET`. */
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string | Buffer;
  /** Used for `https:` URLs. Default: Node's global agent. */
  httpsAgent?: https.Agent;
  /** Used for `http:` URLs. Default: Node's global agent. */
  httpAgent?: http.Agent;
  /** Longest the whole exchange (connect, headers, body) may take, in ms; 0 = no limit. */
  timeoutMs: number;
  /** Largest response body accepted, in bytes. */
  maxResponseBytes: number;
  signal?: AbortSignal;
}

/** A whole response: status, headers (lower-case names) and the body's bytes. */
export interface RawResponse {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Why {@link send} gave up on its own: `ETIMEDOUT`, `ERR_RESPONSE_TOO_LARGE` or `ABORT_ERR`. */
export class TransportError extends Error {
  constructor(
    readonly code: 'ETIMEDOUT' | 'ERR_RESPONSE_TOO_LARGE' | 'ABORT_ERR',
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

const EMPTY = Buffer.alloc(0);

function closedEarly(): Error {
  return Object.assign(new Error('the connection closed before the response ended'), {
    code: 'ECONNRESET',
  });
}

/**
 * One HTTP exchange over `node:http(s)`, read whole, with a deadline and a size bound — the
 * one request primitive under the downstream client's axios adapter and MSAL's network module.
 * Rejects with a {@link TransportError} or Node's own socket/TLS error (its `code` kept).
 * No redirects, no decompression (nothing asks for it), no retries (callers decide).
 */
export function send(url: string, options: SendOptions): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const { signal, maxResponseBytes } = options;
    if (signal?.aborted) {
      reject(new TransportError('ABORT_ERR', 'the request was aborted'));
      return;
    }
    const secure = url.startsWith('https:');
    const request = (secure ? https : http).request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: secure ? options.httpsAgent : options.httpAgent,
    });
    let settled = false;
    const finish = (error: Error | undefined, response?: RawResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        request.destroy();
        reject(error);
      } else {
        resolve(response as RawResponse);
      }
    };
    const onAbort = () => finish(new TransportError('ABORT_ERR', 'the request was aborted'));
    const timer =
      options.timeoutMs > 0
        ? setTimeout(
            () =>
              finish(new TransportError('ETIMEDOUT', `no answer within ${options.timeoutMs} ms`)),
            options.timeoutMs,
          )
        : undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    const tooLarge = () =>
      finish(
        new TransportError(
          'ERR_RESPONSE_TOO_LARGE',
          `the response is larger than ${maxResponseBytes} bytes`,
        ),
      );

    request.on('error', finish);
    request.on('response', (response) => {
      if (Number(response.headers['content-length']) > maxResponseBytes) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxResponseBytes) return tooLarge();
        chunks.push(chunk);
      });
      response.on('error', finish);
      // Before 'end', the connection closed mid-body (after it, settled: nothing to build).
      response.on('close', () => settled || finish(closedEarly()));
      response.on('end', () =>
        finish(undefined, {
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          headers: response.headers,
          body: size === 0 ? EMPTY : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size),
        }),
      );
    });
    request.end(options.body);
  });
}
