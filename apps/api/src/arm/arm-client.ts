import { ServiceError, type ServiceErrorOptions } from '@obo/errors';
import { createDownstreamClient, DownstreamError, type DownstreamClient } from '@obo/http';

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
  /** Extra trusted CA (PEM), e.g. the emulator's, added to Node's roots. */
  ca?: string;
  /** Told about every ARM response (status 0 = no response) and its duration. */
  onResponse?: (status: number, durationMs: number) => void;
  /** Injected for tests. Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

/** ARM asked for a stronger token: the decoded claims challenge to redo OBO with. */
export class ArmClaimsChallenge extends ServiceError {
  constructor(
    readonly claims: string,
    options: { cause?: unknown } = {},
  ) {
    super('arm_claims_challenge', 'Azure Resource Manager returned a claims challenge', {
      status: 502,
      cause: options.cause,
    });
  }
}

const SUBSCRIPTIONS = '/subscriptions?api-version=2022-12-01';
const ARM = 'Azure Resource Manager';

/** ARM's subscription list over @obo/http, its failures as the API's answers. */
export class ArmClient {
  private readonly downstream: DownstreamClient;

  constructor(options: ArmClientOptions) {
    this.downstream = createDownstreamClient({
      baseUrl: options.endpoint,
      name: ARM,
      extraCa: options.ca,
      maxSockets: 256,
      timeoutMs: options.timeoutMs,
      maxPages: options.maxPages,
      maxRetries: options.maxRetries,
      maxRetryAfterSeconds: options.maxRetryAfterSeconds,
      backoffMs: options.backoffMs,
      correlationHeader: 'x-ms-correlation-request-id',
      onResponse: options.onResponse,
      sleep: options.sleep,
    });
  }

  /** Every subscription the token's user can see, all pages (counted in `stats.pages`). */
  async listSubscriptions(
    accessToken: string,
    correlationId: string,
    stats?: { pages: number },
  ): Promise<unknown[]> {
    try {
      return await this.downstream.getAllPages(SUBSCRIPTIONS, {
        accessToken,
        correlationId,
        stats,
      });
    } catch (error) {
      throw error instanceof DownstreamError ? toApiAnswer(error) : error;
    }
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.downstream.close();
  }
}

/**
 * What the API answers for each way ARM failed (the claims challenge is the route's to
 * handle). 4xx answers carry no cause, so they are not logged as failures of ours.
 */
function toApiAnswer(error: DownstreamError): Error {
  const cause = error;
  // The API's own texts are safe to show, 5xx included (they name ARM, never a token).
  const answer = (status: number, code: string, message: string, more: ServiceErrorOptions = {}) =>
    new ServiceError(code, message, { status, expose: true, cause, ...more });
  switch (error.code) {
    case 'downstream_claims_challenge':
      return new ArmClaimsChallenge(error.claims as string, { cause });
    case 'downstream_timeout':
      return answer(504, 'arm_timeout', `${ARM} did not answer in time.`);
    case 'downstream_unavailable':
      return answer(502, 'arm_unavailable', `${ARM} could not be reached.`);
    case 'downstream_too_many_pages':
      return answer(502, 'arm_too_many_pages', error.message);
    case 'downstream_bad_response':
      return answer(502, 'arm_bad_response', error.message);
    case 'downstream_throttled':
      return answer(429, 'arm_throttled', `${ARM} is throttling requests; retry later.`, {
        headers: { 'retry-after': error.headers['retry-after'] },
        cause: undefined,
      });
    case 'downstream_error':
      break;
  }
  const details = { armError: error.downstreamCode };
  if (error.downstreamStatus === 401) {
    return answer(502, 'arm_unauthorized', `${ARM} refused the token obtained for it.`);
  }
  if (error.downstreamStatus === 403) {
    return answer(403, 'arm_forbidden', `${ARM} denied access.`, { details, cause: undefined });
  }
  return answer(502, 'arm_error', `${ARM} answered ${error.downstreamStatus}.`, { details });
}
