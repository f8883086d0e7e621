import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { challengeFromApiResponse, type ApiChallenge } from '../auth/challenge';

/** One row of the subscriptions table. */
export interface SubscriptionRow {
  displayName: string;
  subscriptionId: string;
  state: string;
  tenantId: string;
}

export type SubscriptionsResult =
  | {
      kind: 'ok';
      subscriptions: SubscriptionRow[];
      /** The API's development-only `journey` field, unchecked (see journey/model.ts). */
      journey?: unknown;
    }
  | { kind: 'challenge'; challenge: ApiChallenge }
  | { kind: 'error'; status?: number; code?: string; message: string };

export interface ApiClientOptions {
  /** e.g. `http://localhost:4000`. */
  baseUrl: string;
  /** Extra trusted CA (PEM) for an https API. */
  ca?: string;
  /** Per-request timeout. Default 10 000 ms. */
  timeoutMs?: number;
}

const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

/** Calls the middle-tier API with the user's access token. */
export class ApiClient {
  private readonly http: AxiosInstance;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent: https.Agent;

  constructor(options: ApiClientOptions) {
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 64,
      ...(options.ca ? { ca: options.ca } : {}),
    });
    this.http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: options.timeoutMs ?? 10_000,
      maxContentLength: MAX_RESPONSE_BYTES,
      maxRedirects: 0,
      validateStatus: () => true,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
    });
  }

  /** `GET /api/subscriptions`, mapped to rows, a challenge to answer, or an error to show. */
  async listSubscriptions(
    accessToken: string,
    correlationId: string,
    options: { journey?: boolean } = {},
  ): Promise<SubscriptionsResult> {
    let response: AxiosResponse<unknown>;
    const path = options.journey ? '/api/subscriptions?journey=1' : '/api/subscriptions';
    try {
      response = await this.get(path, accessToken, correlationId);
    } catch (error) {
      const e = error as { code?: string };
      return {
        kind: 'error',
        code: e.code === 'ECONNABORTED' ? 'api_timeout' : 'api_unreachable',
        message: 'The API could not be reached.',
      };
    }
    const { status, data } = response;
    if (status === 200) {
      const rows = toRows(data);
      return rows
        ? {
            kind: 'ok',
            subscriptions: rows,
            ...(options.journey ? { journey: (data as { journey?: unknown }).journey } : {}),
          }
        : {
            kind: 'error',
            status,
            code: 'bad_response',
            message: 'The API answered with an unexpected body.',
          };
    }
    const challenge = challengeFromApiResponse(
      status,
      response.headers as Record<string, unknown>,
      data,
    );
    if (challenge) return { kind: 'challenge', challenge };
    const body = (data && typeof data === 'object' ? data : {}) as {
      error?: unknown;
      error_description?: unknown;
    };
    return {
      kind: 'error',
      status,
      code: typeof body.error === 'string' ? body.error.slice(0, 100) : undefined,
      message:
        typeof body.error_description === 'string'
          ? body.error_description.slice(0, 500)
          : `The API answered with status ${status}.`,
    };
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async get(
    path: string,
    accessToken: string,
    correlationId: string,
  ): Promise<AxiosResponse<unknown>> {
    const request = () =>
      this.http.get<unknown>(path, {
        headers: {
          authorization: `Bearer ${accessToken}`,
          'x-correlation-id': correlationId,
          accept: 'application/json',
        },
      });
    try {
      return await request();
    } catch (error) {
      // A keep-alive socket the server closed at the moment of reuse: retry the GET once.
      if ((error as { code?: string }).code === 'ECONNRESET') return request();
      throw error;
    }
  }
}

function toRows(data: unknown): SubscriptionRow[] | undefined {
  const value = (data as { value?: unknown } | null)?.value;
  if (!Array.isArray(value)) return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return value
    .filter((s): s is Record<string, unknown> => !!s && typeof s === 'object')
    .map((s) => ({
      displayName: text(s.displayName),
      subscriptionId: text(s.subscriptionId) || text(s.id).replace(/^\/subscriptions\//, ''),
      state: text(s.state),
      tenantId: text(s.tenantId),
    }));
}
