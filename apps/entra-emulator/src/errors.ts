import { randomUUID } from 'node:crypto';

/** OAuth `error` values the emulator returns. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_resource'
  | 'interaction_required'
  | 'consent_required'
  | 'login_required'
  | 'access_denied'
  | 'temporarily_unavailable'
  | 'server_error';

/** An Entra (AADSTS) error: serialised exactly like Entra's token endpoint does. */
export class AadError extends Error {
  readonly status: number;
  readonly suberror?: string;
  readonly claims?: string;

  constructor(
    readonly aadsts: number,
    readonly error: OAuthErrorCode,
    message: string,
    options: { status?: number; suberror?: string; claims?: string } = {},
  ) {
    super(message);
    this.name = 'AadError';
    this.status = options.status ?? (error === 'invalid_client' ? 401 : 400);
    this.suberror = options.suberror;
    this.claims = options.claims;
  }
}

/** Entra's error response body. */
export interface AadErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
  claims?: string;
}

/** Entra's timestamp format: `2026-01-02 03:04:05Z`. */
export function entraTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

export function aadErrorBody(
  err: AadError,
  ctx: { correlationId?: string; traceId?: string; now: number; baseUrl: string },
): AadErrorBody {
  const traceId = ctx.traceId ?? randomUUID();
  const correlationId = ctx.correlationId ?? randomUUID();
  const timestamp = entraTimestamp(ctx.now);
  const body: AadErrorBody = {
    error: err.error,
    error_description: `AADSTS${err.aadsts}: ${err.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [err.aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${ctx.baseUrl}/error?code=${err.aadsts}`,
  };
  if (err.suberror) body.suberror = err.suberror;
  if (err.claims) body.claims = err.claims;
  return body;
}

/** Shorthands for the codes the emulator uses, with Entra's wording. */
export const aad = {
  malformed: (detail = 'Request is malformed or invalid.') =>
    new AadError(9002313, 'invalid_request', `Invalid request. ${detail}`),
  missingParameter: (name: string) =>
    new AadError(
      900144,
      'invalid_request',
      `The request body must contain the following parameter: '${name}'.`,
    ),
  unknownTenant: (tenant: string) =>
    new AadError(
      90002,
      'invalid_request',
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    ),
  unknownClient: (clientId: string, tenant: string) =>
    new AadError(
      700016,
      'unauthorized_client',
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  badSecret: (clientId: string) =>
    new AadError(
      7000215,
      'invalid_client',
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  missingCredential: () =>
    new AadError(
      7000218,
      'invalid_client',
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  invalidScope: (scope: string) =>
    new AadError(
      70011,
      'invalid_scope',
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    ),
  badPassword: () =>
    new AadError(
      50126,
      'invalid_grant',
      'Error validating credentials due to invalid username or password.',
    ),
  expiredGrant: () =>
    new AadError(
      70008,
      'invalid_grant',
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    ),
} as const;

/** An Azure Resource Manager error: `{error:{code,message}}`. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ArmError';
  }
}
