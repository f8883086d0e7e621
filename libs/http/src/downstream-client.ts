import type http from 'node:http';
import type https from 'node:https';
import axios, { type AxiosAdapter, type AxiosRequestConfig } from 'axios';
import { createNodeAdapter } from './axios-adapter';
import { fullJitter } from './backoff';
import { claimsChallenge } from './challenge';
import { DownstreamError, type DownstreamResponse } from './errors';
import { parseRetryAfter } from './retry-after';
import { httpAgent, httpsAgent, type TrustStoreOptions } from './trust';

export interface DownstreamClientOptions extends TrustStoreOptions {
  /** Every path is relative to it, e.g. `https://management.azure.com`. */
  baseUrl: string;
  /** The service's name in error messages. Default: the base URL's host. */
  name?: string;
  /** Extra trusted CA (PEM), added to Node's roots. Ignored when `httpsAgent` is given. */
  extraCa?: string;
  /** The caller's agent (not destroyed by `close`). Default: a keep-alive agent of our own. */
  httpsAgent?: https.Agent;
  /** The caller's agent for an `http:` base URL. Default: a keep-alive agent of our own. */
  httpAgent?: http.Agent;
  /** Sockets per origin of our own agents. Default 64. */
  maxSockets?: number;
  /** Longest one attempt may take, connect to last byte. Default 10 000 ms. */
  timeoutMs?: number;
  /** Retries of a GET after a 5xx, a timeout or a failed connection. Default 2. */
  maxRetries?: number;
  /** First backoff step; doubles per retry, full jitter. Default 200 ms. */
  backoffMs?: number;
  /** Longest backoff. Default 5 000 ms. */
  maxBackoffMs?: number;
  /** A 429 whose Retry-After is at most this is waited out, once. 0 = never. Default 5 s. */
  maxRetryAfterSeconds?: number;
  /** Largest response body. Default 10 MiB. */
  maxResponseBytes?: number;
  /** Most pages `getAllPages` follows. Default 50. */
  maxPages?: number;
  /** Headers sent on every call. Default `accept: application/json`. */
  headers?: Readonly<Record<string, string>>;
  /** Header the call's correlation id goes in. Default `x-correlation-id`. */
  correlationHeader?: string;
  /**
   * axios's transport: default `@obo/http`'s node adapter keeping {@link RESPONSE_HEADERS} plus
   * `responseHeaders`, or axios's own `'http'` adapter when the environment names a proxy
   * (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY), which axios honours.
   */
  adapter?: AxiosAdapter | 'http';
  /**
   * Response headers kept besides {@link RESPONSE_HEADERS} (the ones this client reads), for
   * callers that read more from `DownstreamResponse.headers` or an error's `response`.
   */
  responseHeaders?: readonly string[];
  /** Told about every attempt: its status (0 = no answer) and duration. */
  onResponse?: (status: number, durationMs: number) => void;
  /** Injected for tests. Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for tests: [0, 1). Default Math.random. */
  random?: () => number;
}

/** What one call adds to the client's static headers. */
export interface CallOptions {
  /** Sent as `authorization: Bearer …`. */
  accessToken?: string;
  /** Sent in the client's correlation header. */
  correlationId?: string;
  headers?: Readonly<Record<string, string>>;
  /** Counts the pages `getAllPages` fetched, also when it then fails. */
  stats?: { pages: number };
}

/** The response headers the client reads: the body's type, throttling and challenges. */
export const RESPONSE_HEADERS: readonly string[] = [
  'content-type',
  'retry-after',
  'www-authenticate',
];

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);
const PROXY_VARIABLES = ['https_proxy', 'http_proxy', 'all_proxy'];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls one downstream service (ARM, this workspace's API…) the way a production client
 * should: keep-alive agents trusting Node's roots plus an extra CA, a deadline per attempt,
 * GETs retried with full-jitter backoff after 5xx/timeouts/failed connections, a reset reused
 * socket retried at once, a short 429 Retry-After waited out once, `nextLink` paging pinned to
 * the base URL's origin (the token goes nowhere else) and bounded. Failures are thrown as
 * {@link DownstreamError}; each caller maps them to its own answers. Headers, config and
 * agents are built once here, not per call.
 */
export class DownstreamClient {
  private readonly http: InstanceType<typeof axios.Axios>;
  private readonly base: string;
  private readonly origin: string;
  private readonly name: string;
  private readonly correlationHeader: string;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly maxPages: number;
  private readonly ownAgents: (http.Agent | https.Agent)[] = [];
  private readonly onResponse?: (status: number, durationMs: number) => void;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: DownstreamClientOptions) {
    const base = URL.canParse(options.baseUrl) ? new URL(options.baseUrl) : undefined;
    if (!base) throw new TypeError(`baseUrl must be an absolute URL, got ${options.baseUrl}`);
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new TypeError(`baseUrl must be an http(s) URL, got ${base.protocol}`);
    }
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.origin = base.origin;
    this.name = options.name ?? base.host;
    this.correlationHeader = options.correlationHeader ?? 'x-correlation-id';
    this.maxRetries = count(options.maxRetries, 2, 'maxRetries');
    this.backoffMs = count(options.backoffMs, 200, 'backoffMs');
    this.maxBackoffMs = count(options.maxBackoffMs, 5_000, 'maxBackoffMs');
    this.maxRetryAfterSeconds = count(options.maxRetryAfterSeconds, 5, 'maxRetryAfterSeconds');
    this.maxPages = count(options.maxPages, 50, 'maxPages');
    this.onResponse = options.onResponse;
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;

    const maxSockets = options.maxSockets ?? 64;
    const secureAgent =
      options.httpsAgent ??
      this.own(
        httpsAgent({ extraCa: options.extraCa, systemRoots: options.systemRoots, maxSockets }),
      );
    const plainAgent = options.httpAgent ?? this.own(httpAgent({ maxSockets }));
    // An Axios of its own rather than axios.create(): create() adds the global defaults
    // (per-method header maps, transitional, env…), which axios deep-merges again on every call.
    this.http = new axios.Axios({
      adapter:
        options.adapter ??
        (proxyConfigured()
          ? 'http'
          : createNodeAdapter({
              responseHeaders: [...RESPONSE_HEADERS, ...(options.responseHeaders ?? [])],
            })),
      timeout: count(options.timeoutMs, 10_000, 'timeoutMs'),
      maxContentLength: count(options.maxResponseBytes, 10 * 1024 * 1024, 'maxResponseBytes'),
      maxRedirects: 0,
      validateStatus: null,
      httpsAgent: secureAgent,
      httpAgent: plainAgent,
      headers: { accept: 'application/json', ...options.headers },
      transformRequest: [],
      transformResponse: [parseJsonBody],
    });
  }

  /** `GET path` (relative to the base URL, or an absolute URL on its origin); 2xx or throws. */
  async get<T = unknown>(path: string, call: CallOptions = {}): Promise<DownstreamResponse<T>> {
    return this.send<T>(this.resolve(path), this.headersFor(call));
  }

  /**
   * Every item of a `{value: [...], nextLink?}` collection (ARM, Graph, OData), following
   * `nextLink` while it stays on the base URL's origin, at most `maxPages` pages.
   */
  async getAllPages<T = unknown>(path: string, call: CallOptions = {}): Promise<T[]> {
    const headers = this.headersFor(call);
    const items: T[] = [];
    let url: string | undefined = this.resolve(path);
    for (let page = 0; url; page++) {
      if (page >= this.maxPages) {
        throw new DownstreamError(
          'downstream_too_many_pages',
          `${this.name} returned more than ${this.maxPages} pages.`,
        );
      }
      const { data }: DownstreamResponse<{ value?: unknown; nextLink?: unknown } | null> =
        await this.send(url, headers);
      if (call.stats) call.stats.pages++;
      if (!data || typeof data !== 'object' || !Array.isArray(data.value)) {
        throw this.badResponse('an unexpected response');
      }
      for (const item of data.value as T[]) items.push(item);
      const next: unknown = data.nextLink;
      url = typeof next === 'string' && next !== '' ? this.pinned(next) : undefined;
    }
    return items;
  }

  /** Closes the idle keep-alive sockets of the agents this client made. */
  close(): void {
    for (const agent of this.ownAgents) agent.destroy();
  }

  private own<A extends http.Agent>(agent: A): A {
    this.ownAgents.push(agent);
    return agent;
  }

  private headersFor(call: CallOptions): Record<string, string> {
    const headers: Record<string, string> = call.headers ? { ...call.headers } : {};
    if (call.accessToken) headers['authorization'] = `Bearer ${call.accessToken}`;
    if (call.correlationId) headers[this.correlationHeader] = call.correlationId;
    return headers;
  }

  private resolve(path: string): string {
    return path.startsWith('/') ? this.base + path : this.pinned(path);
  }

  /** The token must only ever go to this downstream: another origin is a bad response. */
  private pinned(link: string): string {
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      throw this.badResponse('an invalid nextLink');
    }
    if (url.origin !== this.origin) throw this.badResponse('a nextLink to another host');
    return url.href;
  }

  private badResponse(what: string): DownstreamError {
    return new DownstreamError('downstream_bad_response', `${this.name} returned ${what}.`);
  }

  private async send<T>(
    url: string,
    headers: AxiosRequestConfig['headers'],
  ): Promise<DownstreamResponse<T>> {
    let attempt = 0;
    let resetRetried = false;
    let throttleWaited = false;
    for (;;) {
      const started = performance.now();
      let status: number;
      let responseHeaders: DownstreamResponse['headers'];
      let data: unknown;
      try {
        const response = await this.http.request<unknown>({ url, headers });
        status = response.status;
        responseHeaders = response.headers as DownstreamResponse['headers'];
        data = response.data;
      } catch (error) {
        this.onResponse?.(0, performance.now() - started);
        const code = (error as { code?: unknown }).code;
        if (code === 'ERR_BAD_RESPONSE') {
          throw new DownstreamError(
            'downstream_bad_response',
            `${this.name} returned a response larger than allowed.`,
            { cause: error },
          );
        }
        // A keep-alive socket the server closed as it was reused: retry at once, once.
        if (code === 'ECONNRESET' && !resetRetried) {
          resetRetried = true;
          continue;
        }
        if (attempt < this.maxRetries) {
          await this.sleep(fullJitter(attempt++, this.backoffMs, this.maxBackoffMs, this.random));
          continue;
        }
        throw TIMEOUT_CODES.has(code as string)
          ? new DownstreamError('downstream_timeout', `${this.name} did not answer in time.`, {
              cause: error,
            })
          : new DownstreamError('downstream_unavailable', `${this.name} could not be reached.`, {
              cause: error,
            });
      }
      this.onResponse?.(status, performance.now() - started);
      if (status >= 200 && status < 300)
        return { status, headers: responseHeaders, data: data as T };

      const response = { status, headers: responseHeaders, data };
      if (status === 401) {
        const claims = claimsChallenge(responseHeaders['www-authenticate'] as string | undefined);
        if (claims) {
          throw new DownstreamError(
            'downstream_claims_challenge',
            `${this.name} asked for a token with additional claims.`,
            { downstreamStatus: status, claims, response },
          );
        }
      } else if (status === 429) {
        const retryAfterSeconds = parseRetryAfter(responseHeaders['retry-after']);
        if (
          !throttleWaited &&
          retryAfterSeconds !== undefined &&
          this.maxRetryAfterSeconds > 0 &&
          retryAfterSeconds <= this.maxRetryAfterSeconds
        ) {
          throttleWaited = true;
          await this.sleep(retryAfterSeconds * 1000);
          continue;
        }
        throw new DownstreamError(
          'downstream_throttled',
          `${this.name} is throttling requests; retry later.`,
          {
            downstreamStatus: status,
            downstreamCode: errorCodeOf(data),
            retryAfterSeconds,
            response,
          },
        );
      } else if (status >= 500 && attempt < this.maxRetries) {
        await this.sleep(fullJitter(attempt++, this.backoffMs, this.maxBackoffMs, this.random));
        continue;
      }
      throw new DownstreamError('downstream_error', `${this.name} answered ${status}.`, {
        downstreamStatus: status,
        downstreamCode: errorCodeOf(data),
        response,
      });
    }
  }
}

/** A {@link DownstreamClient} for one service; options are checked here, not on first use. */
export function createDownstreamClient(options: DownstreamClientOptions): DownstreamClient {
  return new DownstreamClient(options);
}

/** JSON bodies parsed; anything else (HTML, empty) left as text for the caller to refuse. */
function parseJsonBody(data: unknown): unknown {
  if (typeof data !== 'string' || data === '') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

/** The downstream's own error code: OAuth/our API `{error: "…"}`, ARM/Graph `{error: {code}}`. */
function errorCodeOf(data: unknown): string | undefined {
  const error = (data as { error?: unknown } | null | undefined)?.error;
  const code = typeof error === 'string' ? error : (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code.slice(0, 100) : undefined;
}

function count(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}

function proxyConfigured(): boolean {
  return PROXY_VARIABLES.some((name) => process.env[name] || process.env[name.toUpperCase()]);
}
