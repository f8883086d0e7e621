import { AadError, type OAuthErrorCode } from './errors/wire';

/** Endpoints a fault can be injected into. */
export type FaultEndpoint = 'token' | 'authorize' | 'jwks' | 'arm' | 'graph' | 'discovery';
export const FAULT_ENDPOINTS: readonly FaultEndpoint[] = [
  'token',
  'authorize',
  'jwks',
  'arm',
  'graph',
  'discovery',
];

/** A fault rule, as posted to `POST /_emulator/faults`. */
export interface FaultSpec {
  endpoint: FaultEndpoint;
  /** Token endpoint only: the grant it applies to (`on_behalf_of`, `client_credentials`, …). */
  grantType?: string;
  /** HTTP status to answer with (an Entra/ARM-shaped body is produced). */
  status?: number;
  /** Delay before answering (or before serving normally when nothing else is set). */
  delayMs?: number;
  /** Answer with this Entra error code (AADSTSnnnnn). */
  aadsts?: number;
  /** ARM only: the ARM error to answer with. */
  armError?: { status: number; code: string; message?: string; retryAfter?: number };
  /**
   * Graph only: the Graph error to answer with (`code` defaults to Graph's for the status). A 401
   * with `claims` (JSON) carries Graph's Continuous Access Evaluation challenge.
   */
  graphError?: {
    status: number;
    code?: string;
    message?: string;
    retryAfter?: number;
    claims?: string;
  };
  /** Apply to the next N matching requests, then disappear. Default: every request. */
  count?: number;
  /** Apply to this fraction (0..1) of matching requests. Default 1. */
  fraction?: number;
}

/** Registered fault rules; the first matching rule wins. */
export class FaultRegistry {
  private rules: FaultSpec[] = [];

  add(spec: FaultSpec): void {
    validateFault(spec);
    this.rules.push({ ...spec });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultSpec[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The rule that applies to this request, consuming one of its `count`. */
  take(endpoint: FaultEndpoint, grantType?: string): FaultSpec | undefined {
    const rule = this.rules.find(
      (r) => r.endpoint === endpoint && (r.grantType === undefined || r.grantType === grantType),
    );
    if (!rule) return undefined;
    if (rule.fraction !== undefined && Math.random() >= rule.fraction) return undefined;
    if (rule.count !== undefined) {
      rule.count -= 1;
      if (rule.count <= 0) this.rules = this.rules.filter((r) => r !== rule);
    }
    return rule;
  }
}

/** Throws a TypeError naming the bad field of a fault rule. */
export function validateFault(spec: FaultSpec): void {
  if (typeof spec !== 'object' || spec === null) throw new TypeError('fault: expected an object');
  if (!FAULT_ENDPOINTS.includes(spec.endpoint)) {
    throw new TypeError(`endpoint: expected one of ${FAULT_ENDPOINTS.join(', ')}`);
  }
  const int = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
  if (
    spec.status !== undefined &&
    !(int(spec.status) && spec.status >= 400 && spec.status <= 599)
  ) {
    throw new TypeError('status: expected an HTTP error status (400-599)');
  }
  if (
    spec.delayMs !== undefined &&
    !(int(spec.delayMs) && spec.delayMs >= 0 && spec.delayMs <= 120_000)
  ) {
    throw new TypeError('delayMs: expected an integer 0..120000');
  }
  if (spec.aadsts !== undefined && !(int(spec.aadsts) && spec.aadsts > 0)) {
    throw new TypeError('aadsts: expected a positive integer');
  }
  if (spec.count !== undefined && !(int(spec.count) && spec.count > 0)) {
    throw new TypeError('count: expected a positive integer');
  }
  if (
    spec.fraction !== undefined &&
    !(typeof spec.fraction === 'number' && spec.fraction >= 0 && spec.fraction <= 1)
  ) {
    throw new TypeError('fraction: expected a number 0..1');
  }
  if (spec.armError !== undefined) {
    const e = spec.armError;
    if (typeof e !== 'object' || !int(e.status) || typeof e.code !== 'string') {
      throw new TypeError('armError: expected {status, code, retryAfter?}');
    }
  }
  if (spec.graphError !== undefined) validateGraphError(spec.graphError);
}

function validateGraphError(e: NonNullable<FaultSpec['graphError']>): void {
  const optionalString = (v: unknown) => v === undefined || typeof v === 'string';
  if (
    typeof e !== 'object' ||
    e === null ||
    !(Number.isInteger(e.status) && e.status >= 400 && e.status <= 599) ||
    !optionalString(e.code) ||
    !optionalString(e.message) ||
    !(e.retryAfter === undefined || (Number.isInteger(e.retryAfter) && e.retryAfter >= 0))
  ) {
    throw new TypeError(
      'graphError: expected {status (400-599), code?, message?, retryAfter?, claims?}',
    );
  }
  if (e.claims !== undefined) {
    let parsed: unknown;
    try {
      parsed = typeof e.claims === 'string' ? JSON.parse(e.claims) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new TypeError('graphError.claims: expected a JSON object (a claims request)');
    }
  }
}

const ERROR_BY_CODE: Record<number, { error: OAuthErrorCode; suberror?: string; message: string }> =
  {
    50013: { error: 'invalid_grant', message: 'Assertion failed signature validation.' },
    500133: { error: 'invalid_grant', message: 'Assertion is not within its valid time range.' },
    65001: {
      error: 'invalid_grant',
      suberror: 'consent_required',
      message: 'The user or administrator has not consented to use the application.',
    },
    50076: {
      error: 'interaction_required',
      message:
        'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.',
    },
    50079: {
      error: 'interaction_required',
      message:
        'Due to a configuration change made by your administrator, you must enroll in multi-factor authentication.',
    },
    50126: {
      error: 'invalid_grant',
      message: 'Error validating credentials due to invalid username or password.',
    },
    70008: {
      error: 'invalid_grant',
      message: 'The provided authorization code or refresh token has expired due to inactivity.',
    },
    700016: {
      error: 'unauthorized_client',
      message: 'Application was not found in the directory.',
    },
    7000215: { error: 'invalid_client', message: 'Invalid client secret provided.' },
    70011: {
      error: 'invalid_scope',
      message: 'The provided value for the input parameter scope is not valid.',
    },
    90002: { error: 'invalid_request', message: 'Tenant not found.' },
    90055: {
      error: 'temporarily_unavailable',
      message: 'There are too many incoming requests. Please try again later.',
    },
    90033: {
      error: 'temporarily_unavailable',
      message: 'A transient error has occurred. Please try again.',
    },
  };

/** The Entra error a token/authorize fault answers with. */
export function faultAadError(fault: FaultSpec): AadError {
  const code =
    fault.aadsts ?? (fault.status === 429 ? 90055 : (fault.status ?? 500) >= 500 ? 90033 : 9002313);
  const known = ERROR_BY_CODE[code] ?? {
    error: 'invalid_request' as const,
    message: 'Injected fault.',
  };
  const status = fault.status ?? (known.error === 'invalid_client' ? 401 : 400);
  return new AadError(code, known.error, `${known.message} (injected fault)`, {
    status,
    headers: status === 429 || status === 503 ? { 'Retry-After': '1' } : undefined,
    suberror: known.suberror,
    claims: code === 50076 ? mfaClaimsChallenge('00000000-0000-0000-0000-000000000000') : undefined,
  });
}

/** Entra's Conditional Access claims challenge for a policy id. */
export function mfaClaimsChallenge(policyId: string): string {
  return JSON.stringify({ access_token: { capolids: { essential: true, values: [policyId] } } });
}
