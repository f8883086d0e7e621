import { createDownstreamClient, type DownstreamClient, type DownstreamResponse } from '@obo/http';
import { callFailure, type CallFailure, type ServiceErrors } from '../downstream/failure';

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
  | CallFailure;

export interface ApiClientOptions {
  /** e.g. `http://localhost:4000`. */
  baseUrl: string;
  /** Extra trusted CA (PEM) for an https API, added to Node's roots (not replacing them). */
  ca?: string;
  /** The roots `ca` is added to. Default Node's; tests inject their own "public" CA. */
  systemRoots?: readonly string[];
  /** Per-request timeout. Default 10 000 ms. */
  timeoutMs?: number;
}

const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

/** Calls the middle-tier API with the user's access token, over @obo/http. */
export class ApiClient {
  private readonly downstream: DownstreamClient;

  constructor(options: ApiClientOptions) {
    this.downstream = createDownstreamClient({
      baseUrl: options.baseUrl,
      name: 'The API',
      extraCa: options.ca,
      systemRoots: options.systemRoots,
      timeoutMs: options.timeoutMs,
      maxSockets: 64,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      // The user sees the API's answer: no backoff or Retry-After waits in front of a page (the
      // API already retries ARM); only a reset keep-alive socket is retried, at once.
      maxRetries: 0,
      maxRetryAfterSeconds: 0,
      correlationHeader: 'x-correlation-id',
    });
  }

  /** `GET /api/subscriptions`, mapped to rows, a challenge to answer, or an error to show. */
  async listSubscriptions(
    accessToken: string,
    correlationId: string,
    options: { journey?: boolean } = {},
  ): Promise<SubscriptionsResult> {
    const path = options.journey ? '/api/subscriptions?journey=1' : '/api/subscriptions';
    let response: DownstreamResponse;
    try {
      response = await this.downstream.get(path, { accessToken, correlationId });
    } catch (error) {
      return callFailure(error, API_ERRORS);
    }
    const { status, data } = response;
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

  close(): void {
    this.downstream.close();
  }
}

/** The API's answers: `{error, error_description}` (OAuth-style, as the API writes them). */
const API_ERRORS: ServiceErrors = {
  name: 'The API',
  prefix: 'api',
  describe: ({ response: { status, data } }) => {
    const body = (data && typeof data === 'object' ? data : {}) as {
      error?: unknown;
      error_description?: unknown;
    };
    return {
      code: typeof body.error === 'string' ? body.error : undefined,
      message:
        typeof body.error_description === 'string'
          ? body.error_description
          : `The API answered with status ${status}.`,
    };
  },
};

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
