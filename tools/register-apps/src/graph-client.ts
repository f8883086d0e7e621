import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';

/** A write the client made (or, in a dry run, would have made). Bodies never hold secrets. */
export interface GraphWrite {
  method: 'POST' | 'PATCH';
  path: string;
  body: unknown;
}

/** A Graph error answer: `{error: {code, message}}` and the HTTP status. */
export class GraphRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GraphRequestError';
  }
}

export interface GraphClientOptions {
  /** Graph root without the version, e.g. `https://graph.microsoft.com`. */
  graphUrl: string;
  /** A Graph access token (never logged). */
  token: string;
  /** Extra trusted CA (PEM), added to Node's roots — for the emulator. */
  ca?: string;
  /** Print writes instead of making them. Reads still happen. */
  dryRun?: boolean;
  /** Where progress lines go. */
  print: (line: string) => void;
}

/** A minimal Microsoft Graph v1.0 client: JSON over HTTPS, no SDK. */
export class GraphClient {
  /** Every write made (or planned, in a dry run), in order. */
  readonly writes: GraphWrite[] = [];
  private readonly base: string;

  constructor(private readonly options: GraphClientOptions) {
    this.base = `${options.graphUrl.replace(/\/+$/, '')}/v1.0`;
  }

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  /** POST or PATCH; in a dry run prints the request and returns `planned` instead. */
  async write<T>(method: 'POST' | 'PATCH', path: string, body: unknown, planned: T): Promise<T> {
    this.writes.push({ method, path, body });
    if (this.options.dryRun) {
      this.options.print(`  would ${method} ${this.base}${path} ${JSON.stringify(body)}`);
      return planned;
    }
    return this.send<T>(method, path, body);
  }

  private send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(`${this.base}${path}`);
    const transport = url.protocol === 'http:' ? http : https;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method,
          ca: this.options.ca ? [...rootCertificates, this.options.ca] : undefined,
          timeout: 30_000,
          headers: {
            authorization: `Bearer ${this.options.token}`,
            accept: 'application/json',
            ...(payload
              ? {
                  'content-type': 'application/json',
                  'content-length': Buffer.byteLength(payload),
                }
              : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            if (status >= 200 && status < 300) return resolve(json as T);
            const error = (json as { error?: { code?: string; message?: string } } | undefined)
              ?.error;
            reject(
              new GraphRequestError(
                status,
                error?.code ?? 'unknown',
                `Graph ${method} ${url.pathname} answered ${status} ${error?.code ?? ''}: ${error?.message ?? text.slice(0, 200)}`,
              ),
            );
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`Graph ${method} ${url.pathname} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}
