import { DownstreamError } from '@obo/http';
import { challengeFromApiResponse, type ApiChallenge } from '../auth/challenge';

/** A failed downstream call as a page shows it: a challenge to answer, or an error panel. */
export type CallFailure =
  | { kind: 'challenge'; challenge: ApiChallenge }
  | { kind: 'error'; status?: number; code?: string; message: string };

/** How one downstream service names itself and words its errors. */
export interface ServiceErrors {
  /** In messages: `The API`, `Microsoft Graph`. */
  name: string;
  /** Of the codes for no answer: `{prefix}_timeout`, `{prefix}_unreachable`. */
  prefix: string;
  /** The service's own error code and message in an error answer (each at most 100 / 500 chars). */
  describe(error: DownstreamError & { response: NonNullable<DownstreamError['response']> }): {
    code?: string;
    message: string;
  };
}

/**
 * A failed call (what @obo/http's downstream client threw) for the page: no answer (timeout or
 * unreachable), a claims or consent challenge the user answers by signing in again, or the
 * service's own error.
 */
export function callFailure(error: unknown, service: ServiceErrors): CallFailure {
  if (!(error instanceof DownstreamError) || !error.response) {
    const timedOut = error instanceof DownstreamError && error.code === 'downstream_timeout';
    return {
      kind: 'error',
      code: `${service.prefix}_${timedOut ? 'timeout' : 'unreachable'}`,
      message: timedOut
        ? `${service.name} did not answer in time.`
        : `${service.name} could not be reached.`,
    };
  }
  const { status, headers, data } = error.response;
  const challenge = challengeFromApiResponse(status, headers, data);
  if (challenge) return { kind: 'challenge', challenge };
  const described = service.describe(error as Parameters<ServiceErrors['describe']>[0]);
  return {
    kind: 'error',
    status,
    code: described.code?.slice(0, 100),
    message: described.message.slice(0, 500),
  };
}
