import {
  AxiosError,
  CanceledError,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { send, TransportError, type RawResponse } from './transport';

const ABSOLUTE = /^[a-z][a-z\d+\-.]*:\/\//i;

/**
 * An axios adapter over {@link send}: one `node:http(s)` request, read whole. axios's own
 * http adapter wraps every call in follow-redirects, decompression and stream plumbing
 * (~170–260 µs CPU per call here); this one does what a JSON API call needs and honours the
 * config it reads — `baseURL`/`url`, `method`, `headers`, `data`, `httpAgent`/`httpsAgent`,
 * `timeout` (whole exchange), `maxContentLength`, `signal`, `responseType` (`arraybuffer`, or
 * text that axios's `transformResponse` then parses), `validateStatus`. It never follows
 * redirects and refuses `params` (put the query in the URL).
 */
export const nodeAdapter: AxiosAdapter = createNodeAdapter();

export interface NodeAdapterOptions {
  /**
   * The response headers handed to axios (lower-case names); the others are dropped. axios
   * copies and normalises every response header twice per call, comparing each name with every
   * other (a 20-header ARM answer: hundreds of comparisons), so a client that reads three keeps
   * three. Default: every header.
   */
  responseHeaders?: readonly string[];
}

/** A {@link nodeAdapter} with options. */
export function createNodeAdapter(options: NodeAdapterOptions = {}): AxiosAdapter {
  const keep = options.responseHeaders?.map((name) => name.toLowerCase());
  return async (config) => {
    const response = await exchange(config);
    if (keep) response.headers = pick(response.headers as IncomingHttpHeaders, keep);
    return settle(response, config);
  };
}

async function exchange(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
  if (config.params) {
    throw new AxiosError('nodeAdapter does not encode params', AxiosError.ERR_NOT_SUPPORT, config);
  }
  let raw: RawResponse;
  try {
    raw = await send(urlOf(config), {
      method: config.method ? config.method.toUpperCase() : 'GET',
      headers: plainHeaders(config.headers),
      body: config.data as string | Buffer | undefined,
      httpsAgent: config.httpsAgent,
      httpAgent: config.httpAgent,
      timeoutMs: config.timeout ?? 0,
      maxResponseBytes:
        config.maxContentLength !== undefined && config.maxContentLength > -1
          ? config.maxContentLength
          : Infinity,
      signal: config.signal as AbortSignal | undefined,
    });
  } catch (error) {
    throw toAxiosError(error, config);
  }
  return {
    data: config.responseType === 'arraybuffer' ? raw.body : raw.body.toString('utf8'),
    status: raw.status,
    statusText: raw.statusText,
    headers: raw.headers,
    config,
    request: undefined,
  };
}

/** The response, or axios's error for a status its `validateStatus` refuses. */
function settle(response: AxiosResponse, config: InternalAxiosRequestConfig): AxiosResponse {
  const validate = config.validateStatus;
  if (!validate || validate(response.status)) return response;
  throw new AxiosError(
    `Request failed with status code ${response.status}`,
    response.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST,
    config,
    undefined,
    response,
  );
}

function pick(headers: IncomingHttpHeaders, names: readonly string[]): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

function urlOf(config: InternalAxiosRequestConfig): string {
  const url = config.url ?? '';
  if (!config.baseURL || ABSOLUTE.test(url)) return url;
  if (!url) return config.baseURL;
  return config.baseURL.replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '');
}

/** AxiosHeaders' own fields, without the ones merged away (null/undefined/false). */
function plainHeaders(headers: InternalAxiosRequestConfig['headers']): OutgoingHttpHeaders {
  const plain: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue;
    const value: unknown = headers[name];
    if (value !== undefined && value !== null && value !== false) {
      plain[name] = value as string | number | string[];
    }
  }
  return plain;
}

function toAxiosError(error: unknown, config: InternalAxiosRequestConfig): Error {
  if (!(error instanceof TransportError)) {
    return AxiosError.from(error, (error as { code?: string }).code, config);
  }
  if (error.code === 'ABORT_ERR') return new CanceledError(undefined, config);
  if (error.code === 'ERR_RESPONSE_TOO_LARGE') {
    return new AxiosError(
      `maxContentLength size of ${config.maxContentLength} exceeded`,
      AxiosError.ERR_BAD_RESPONSE,
      config,
    );
  }
  return new AxiosError(
    config.timeoutErrorMessage ?? `timeout of ${config.timeout}ms exceeded`,
    config.transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED,
    config,
  );
}
