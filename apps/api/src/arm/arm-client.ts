import https from 'node:https';
import http from 'node:http';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { secureContextTrusting } from '@obo/token-acquisition';
import { ApiError } from '../errors';

export interface ArmClientOptions {
  /** ARM base URL, e.g. https://management.azure.com (emulator: https://localhost:8443/arm). */
  endpoint: string;
  /** Per-call timeout. Default 10 000 ms. */
  timeoutMs?: number;
  /** Most `nextLink` pages followed. Default 50. */
  maxPages?: number;
  /** Retries after a 5xx, a timeout or a reset connection. Default 2. */
  maxRetries?: number;
  /** A 429 whose Retry-After is at most this is waited out once. Default 5 s. */
  maxRetryAfterSeconds?: number;
  /** First backoff step; doubles per retry, with full jitter. Default 200 ms. */
  backoffMs?: number;
  /** Extra trusted CA (PEM), e.g. the emulator's. */
  ca?: string;
  /** Told about every ARM response (status 0 = no response) and its duration. */
  onResponse?: (status: number, durationMs: number) => void;
  /** Injected for tests. Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

/** ARM asked for a stronger token: the decoded claims challenge to redo OBO with. */
export class ArmClaimsChallenge extends Error {
  constructor(readonly claims: string) {
    super('Azure Resource Manager returned a claims challenge');
    this.name = 'ArmClaimsChallenge';
  }
}

const API_VERSION = '2022-12-01';

/** A small ARM client: keep-alive, timeouts, bounded retries, bounded paging. */
export class ArmClient {
  private readonly http: AxiosInstance;
  private readonly origin: string;
  private readonly maxPages: number;
  private readonly maxRetries: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: ArmClientOptions) {
    const endpoint = options.endpoint.replace(/\/+$/, '');
    this.origin = new URL(endpoint).origin;
    this.maxPages = options.maxPages ?? 50;
    this.maxRetries = options.maxRetries ?? 2;
    this.maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 5;
    this.backoffMs = options.backoffMs ?? 200;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.http = axios.create({
      baseURL: endpoint,
      timeout: options.timeoutMs ?? 10_000,
      maxContentLength: 10 * 1024 * 1024,
      maxRedirects: 0,
      validateStatus: () => true,
      httpsAgent: new https.Agent({
        keepAlive: true,
        maxSockets: 256,
        ...(options.ca ? { secureContext: secureContextTrusting(options.ca) } : {}),
      }),
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 256 }),
      headers: { accept: 'application/json' },
    });
  }

  /** Every subscription the token's user can see, all pages (counted in `stats.pages`). */
  async listSubscriptions(
    accessToken: string,
    correlationId: string,
    stats?: { pages: number },
  ): Promise<unknown[]> {
    const items: unknown[] = [];
    let url: string | undefined = `/subscriptions?api-version=${API_VERSION}`;
    for (let page = 0; url; page++) {
      if (page >= this.maxPages) {
        throw new ApiError(
          502,
          'arm_too_many_pages',
          `Azure Resource Manager returned more than ${this.maxPages} pages.`,
        );
      }
      const response = await this.get(url, accessToken, correlationId);
      if (stats) stats.pages++;
      const body = response.data as { value?: unknown; nextLink?: unknown };
      if (!body || !Array.isArray(body.value)) {
        throw new ApiError(
          502,
          'arm_bad_response',
          'Azure Resource Manager returned an unexpected response.',
        );
      }
      items.push(...body.value);
      url =
        typeof body.nextLink === 'string' && body.nextLink
          ? this.checkedNextLink(body.nextLink)
          : undefined;
    }
    return items;
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    (this.http.defaults.httpsAgent as https.Agent).destroy();
    (this.http.defaults.httpAgent as http.Agent).destroy();
  }

  /** The token must only ever go to ARM: a nextLink elsewhere is refused. */
  private checkedNextLink(nextLink: string): string {
    let url: URL;
    try {
      url = new URL(nextLink);
    } catch {
      throw new ApiError(
        502,
        'arm_bad_response',
        'Azure Resource Manager returned an invalid nextLink.',
      );
    }
    if (url.origin !== this.origin) {
      throw new ApiError(
        502,
        'arm_bad_response',
        'Azure Resource Manager returned a nextLink to another host.',
      );
    }
    return url.toString();
  }

  private async get(
    url: string,
    accessToken: string,
    correlationId: string,
  ): Promise<AxiosResponse> {
    let throttledOnce = false;
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      let response: AxiosResponse;
      try {
        response = await this.http.get(url, {
          headers: {
            authorization: `Bearer ${accessToken}`,
            'x-ms-correlation-request-id': correlationId,
          },
        });
      } catch (error) {
        this.options.onResponse?.(0, performance.now() - started);
        const timedOut =
          (error as { code?: string }).code === 'ECONNABORTED' ||
          (error as { code?: string }).code === 'ETIMEDOUT';
        if (attempt < this.maxRetries) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw timedOut
          ? new ApiError(
              504,
              'arm_timeout',
              'Azure Resource Manager did not answer in time.',
              {},
              { cause: error },
            )
          : new ApiError(
              502,
              'arm_unavailable',
              'Azure Resource Manager could not be reached.',
              {},
              { cause: error },
            );
      }
      this.options.onResponse?.(response.status, performance.now() - started);

      if (response.status >= 200 && response.status < 300) return response;
      if (response.status === 401) {
        const claims = claimsChallenge(response.headers['www-authenticate']);
        if (claims) throw new ArmClaimsChallenge(claims);
        throw new ApiError(
          502,
          'arm_unauthorized',
          'Azure Resource Manager refused the token obtained for it.',
        );
      }
      if (response.status === 403) {
        throw new ApiError(403, 'arm_forbidden', 'Azure Resource Manager denied access.', {
          body: { armError: armErrorCode(response) },
        });
      }
      if (response.status === 429) {
        const retryAfter = retryAfterSeconds(response.headers['retry-after']);
        if (!throttledOnce && retryAfter <= this.maxRetryAfterSeconds) {
          throttledOnce = true;
          await this.sleep(retryAfter * 1000);
          continue;
        }
        throw new ApiError(
          429,
          'arm_throttled',
          'Azure Resource Manager is throttling requests; retry later.',
          {
            headers: { 'retry-after': String(Math.max(1, retryAfter)) },
          },
        );
      }
      if (response.status >= 500 && attempt < this.maxRetries) {
        await this.sleep(this.backoff(attempt));
        continue;
      }
      throw new ApiError(502, 'arm_error', `Azure Resource Manager answered ${response.status}.`, {
        body: { armError: armErrorCode(response) },
        expose: true,
      });
    }
  }

  private backoff(attempt: number): number {
    return Math.random() * this.backoffMs * 2 ** attempt;
  }
}

function retryAfterSeconds(value: unknown): number {
  if (typeof value !== 'string') return 10;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? 10 : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Decodes `claims="<base64>"` from a Bearer challenge with error="insufficient_claims". */
export function claimsChallenge(header: unknown): string | undefined {
  if (typeof header !== 'string' || !/error="insufficient_claims"/.test(header)) return undefined;
  const match = /claims="([^"]+)"/.exec(header);
  if (!match) return undefined;
  try {
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    JSON.parse(decoded);
    return decoded;
  } catch {
    return undefined;
  }
}

function armErrorCode(response: AxiosResponse): string | undefined {
  const code = (response.data as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code.slice(0, 100) : undefined;
}
