import {
  AxiosError,
  CanceledError,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { OutgoingHttpHeaders } from 'node:http';
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
export const nodeAdapter: AxiosAdapter = async (config) => {
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
  const response: AxiosResponse = {
    data: config.responseType === 'arraybuffer' ? raw.body : raw.body.toString('utf8'),
    status: raw.status,
    statusText: raw.statusText,
    headers: raw.headers,
    config,
    request: undefined,
  };
  const validate = config.validateStatus;
  if (!validate || validate(raw.status)) return response;
  throw new AxiosError(
    `Request failed with status code ${raw.status}`,
    raw.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST,
    config,
    undefined,
    response,
  );
};

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
