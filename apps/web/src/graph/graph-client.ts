import { createDownstreamClient, type DownstreamClient, type DownstreamResponse } from '@obo/http';
import { callFailure, type CallFailure, type ServiceErrors } from '../downstream/failure';

/** One row of the profile table: Graph's property, its label, its value as shown. */
export interface ProfileRow {
  property: string;
  label: string;
  value: string;
}

export type GraphMeResult = { kind: 'ok'; profile: ProfileRow[] } | CallFailure;

export interface GraphClientOptions {
  /** Graph's service root, without a version: `https://graph.microsoft.com`. */
  endpoint: string;
  /** Extra trusted CA (PEM), added to Node's roots (the emulator's CA). */
  ca?: string;
  /** Per-request timeout. Default 10 000 ms. */
  timeoutMs?: number;
}

/** The properties shown, in order, when Graph returns them (`null` and empty ones are left out). */
const ROWS: readonly { property: string; label: string }[] = [
  { property: 'displayName', label: 'Display name' },
  { property: 'userPrincipalName', label: 'User principal name' },
  { property: 'mail', label: 'Mail' },
  { property: 'jobTitle', label: 'Job title' },
  { property: 'officeLocation', label: 'Office' },
  { property: 'businessPhones', label: 'Business phones' },
  { property: 'mobilePhone', label: 'Mobile phone' },
  { property: 'preferredLanguage', label: 'Preferred language' },
  { property: 'id', label: 'Object ID' },
];

const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Calls Microsoft Graph with the user's own token (delegated `User.Read`), over @obo/http. */
export class GraphClient {
  private readonly downstream: DownstreamClient;

  constructor(options: GraphClientOptions) {
    this.downstream = createDownstreamClient({
      baseUrl: options.endpoint,
      name: 'Microsoft Graph',
      extraCa: options.ca,
      timeoutMs: options.timeoutMs,
      maxSockets: 64,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      // The user waits in front of the page: Graph's answer is shown, not waited out or retried
      // (only a reset keep-alive socket is retried, at once).
      maxRetries: 0,
      maxRetryAfterSeconds: 0,
      // Graph's own correlation header: it comes back in its errors' innerError.
      correlationHeader: 'client-request-id',
    });
  }

  /** `GET /v1.0/me`: the signed-in user's profile rows, a challenge to answer, or an error. */
  async me(accessToken: string, correlationId: string): Promise<GraphMeResult> {
    let response: DownstreamResponse;
    try {
      response = await this.downstream.get('/v1.0/me', { accessToken, correlationId });
    } catch (error) {
      return callFailure(error, GRAPH_ERRORS);
    }
    const profile = toRows(response.data);
    return profile
      ? { kind: 'ok', profile }
      : {
          kind: 'error',
          status: response.status,
          code: 'bad_response',
          message: 'Microsoft Graph answered with an unexpected body.',
        };
  }

  close(): void {
    this.downstream.close();
  }
}

/**
 * Graph's answers: `{error: {code, message, innerError}}`; a 429 says how long Graph asks to
 * wait. (Its claims challenge — Continuous Access Evaluation, `401 insufficient_claims` — is a
 * challenge, answered by signing in again.)
 */
const GRAPH_ERRORS: ServiceErrors = {
  name: 'Microsoft Graph',
  prefix: 'graph',
  describe: ({ response: { status, data }, retryAfterSeconds }) => {
    const error = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    return {
      code: typeof error?.code === 'string' ? error.code : undefined,
      message:
        status === 429
          ? `Microsoft Graph is throttling requests${retryAfterSeconds ? `: try again in ${retryAfterSeconds} s` : ''}.`
          : typeof error?.message === 'string' && error.message
            ? error.message
            : `Microsoft Graph answered with status ${status}.`,
    };
  },
};

/** Graph's `user` as table rows; undefined when the body is not a user. */
function toRows(data: unknown): ProfileRow[] | undefined {
  if (!data || typeof data !== 'object' || typeof (data as { id?: unknown }).id !== 'string') {
    return undefined;
  }
  const user = data as Record<string, unknown>;
  return ROWS.flatMap(({ property, label }) => {
    const raw = user[property];
    const value = Array.isArray(raw)
      ? raw.filter((v): v is string => typeof v === 'string').join(', ')
      : typeof raw === 'string'
        ? raw
        : '';
    return value ? [{ property, label, value: value.slice(0, 500) }] : [];
  });
}
