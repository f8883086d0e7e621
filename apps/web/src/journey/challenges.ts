import type { ChallengeSummary } from '../auth/challenge';
import type { Reauthentication } from '../auth/session-data';

/** A panel of the journey page about a claims challenge: what happened, and when. */
export interface ChallengePanel {
  /** `reauthentication` (the user signed in again) or `api` (answered within the request). */
  id: 'reauthentication' | 'api';
  title: string;
  rows: { label: string; value: string; datetime?: string }[];
}

const WHAT: Record<ChallengeSummary['kind'], string> = {
  cae: 'Continuous Access Evaluation: Azure Resource Manager refused a token issued before a critical event of your account (sessions revoked, account disabled or password changed).',
  claims: 'A claims challenge: more authentication was required (MFA, Conditional Access).',
  interaction: 'The identity provider asked you to sign in again.',
};

const OUTCOMES: Record<string, string> = {
  recovered:
    'The API exchanged your token again with the challenge’s claims, replaced its cached ARM token, and ARM accepted the new one: no sign-in was needed.',
};

const at = (label: string, ms: number) => {
  const iso = new Date(ms).toISOString();
  return { label, value: iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'), datetime: iso };
};

/** The last sign-in made to answer a challenge, as the session recorded it. */
export function reauthenticationPanel(r: Reauthentication): ChallengePanel {
  return {
    id: 'reauthentication',
    title: 'Challenge and re-authentication',
    rows: [
      { label: 'Challenge', value: WHAT[r.kind] },
      ...(r.nbf !== undefined ? [at('Critical event', r.nbf * 1000)] : []),
      at('Challenged', r.challengedAt),
      at('Signed in again', r.signedInAt),
      { label: 'Returned to', value: r.returnTo },
    ],
  };
}

/** A challenge the API answered during this request (its `journey.challenge`), if any. */
export function apiChallengePanel(value: unknown): ChallengePanel | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { kind, outcome, nbf } = value as Record<string, unknown>;
  if ((kind !== 'cae' && kind !== 'claims') || typeof outcome !== 'string') return undefined;
  return {
    id: 'api',
    title: 'Challenge answered by the API in this request',
    rows: [
      { label: 'Challenge', value: WHAT[kind] },
      ...(typeof nbf === 'number' && Number.isInteger(nbf)
        ? [at('Critical event', nbf * 1000)]
        : []),
      { label: 'Outcome', value: OUTCOMES[outcome] ?? outcome.slice(0, 50) },
    ],
  };
}
