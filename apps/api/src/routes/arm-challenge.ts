import type { Logger } from 'pino';
import type { ServiceError } from '@obo/errors';
import { TokenAcquisitionError, type OboResult } from '@obo/token-acquisition';
import type { ValidatedToken } from '@obo/token-validation';
import { ArmClaimsChallenge } from '../arm/arm-client';
import type { Metrics } from '../metrics';
import { userMustSignIn } from './obo-answers';

/** How a claims challenge from ARM ended (the `outcome` label of its metric). */
export type ArmChallengeOutcome =
  /** OBO with the claims gave a new token and ARM accepted it. */
  | 'recovered'
  /** Entra wants the user to sign in again: the caller was told so (401/403 with claims). */
  | 'interaction_required'
  /** Entra refused the exchange otherwise (e.g. a disabled user: 403 user_access_denied). */
  | 'refused'
  /** ARM challenged the new token too: not answered again, the caller must sign in. */
  | 'challenged_again'
  /** Anything else failed on the way (ARM down, the token endpoint unavailable). */
  | 'failed';

/** A challenge answered during a request, as `?journey=1` shows it. */
export interface ArmChallengeReport {
  /** `cae`: Continuous Access Evaluation (the claims ask for a token not before `nbf`). */
  kind: 'cae' | 'claims';
  outcome: ArmChallengeOutcome;
  /** The critical event's time (epoch seconds) ARM named. */
  nbf?: number;
}

export interface ArmChallengeContext {
  caller: ValidatedToken;
  armScope: string;
  correlationId: string;
  metrics: Metrics;
  logger: Logger;
  /** Where the token ARM refused came from (l1, l2, network). */
  rejected: OboResult['source'];
}

/**
 * ARM refused the OBO token with a claims challenge — Continuous Access Evaluation after a
 * critical event of the user (`nbf` claims) or another claims request: OBO again with its
 * claims (`exchange`; the OBO client bypasses the cached token, then replaces it in L1 and L2,
 * or drops it from both when Entra refuses) and call ARM once more (`call`). A second
 * challenge is not answered again — no loop: the caller is told to sign in, as when Entra
 * refuses the exchange. Counted in `arm_claims_challenges_total{kind,outcome}` and logged once
 * with the correlation id.
 */
export async function answerArmChallenge<T>(
  challenge: ArmClaimsChallenge,
  steps: { exchange(claims: string): Promise<OboResult>; call(token: OboResult): Promise<T> },
  context: ArmChallengeContext,
): Promise<{ token: OboResult; value: T; report: ArmChallengeReport }> {
  const nbf = nbfOf(challenge.claims);
  const kind = nbf !== undefined ? 'cae' : 'claims';
  let outcome: ArmChallengeOutcome = 'failed';
  try {
    let token: OboResult;
    try {
      token = await steps.exchange(challenge.claims);
    } catch (error) {
      outcome = userMustInteract(error) ? 'interaction_required' : 'refused';
      throw error;
    }
    try {
      const value = await steps.call(token);
      outcome = 'recovered';
      return { token, value, report: { kind, outcome, ...(nbf !== undefined ? { nbf } : {}) } };
    } catch (error) {
      if (!(error instanceof ArmClaimsChallenge)) throw error;
      outcome = 'challenged_again';
      const again = new TokenAcquisitionError(
        'interaction_required',
        'Azure Resource Manager refused a token obtained with its own claims challenge.',
        { claims: error.claims },
        { cause: error },
      );
      throw userMustSignIn(again, context.caller, context.armScope);
    }
  } finally {
    context.metrics.armClaimsChallenges.inc({ kind, outcome });
    context.logger.info(
      {
        correlationId: context.correlationId,
        challenge: kind,
        outcome,
        ...(nbf !== undefined ? { nbf } : {}),
        rejectedToken: context.rejected,
      },
      'ARM claims challenge',
    );
  }
}

/** The answers that send the user to sign in again (see obo-answers.ts). */
const SIGN_IN_AGAIN = new Set(['insufficient_claims', 'interaction_required', 'consent_required']);

function userMustInteract(error: unknown): boolean {
  return SIGN_IN_AGAIN.has((error as ServiceError | undefined)?.code ?? '');
}

/** `access_token.nbf.value` of a claims request, in epoch seconds. */
function nbfOf(claims: string): number | undefined {
  try {
    const parsed = JSON.parse(claims) as { access_token?: { nbf?: { value?: unknown } } };
    const value = Number(parsed.access_token?.nbf?.value);
    return Number.isInteger(value) && value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
