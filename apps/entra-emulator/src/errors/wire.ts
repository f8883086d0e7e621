import { ServiceError, type ServiceErrorOptions } from '@obo/errors';

/**
 * The wire shapes the emulator answers errors in; each has one renderer (`render.ts`):
 * - `oauth`: Entra's token-endpoint body (AADSTS), B2C's (AADB2C), the same error sent back to
 *   the client's redirect URI, or Entra's error page where the redirect URI cannot be trusted;
 * - `graph`: Microsoft Graph's `{error:{code,message,innerError}}`;
 * - `arm`: Azure Resource Manager's `{error:{code,message}}`;
 * - `plain`: `{error, error_description}` of the control plane and of unknown paths.
 */
export type WireShape = 'oauth' | 'graph' | 'arm' | 'plain';

/**
 * Base of every error the emulator writes on the wire: a {@link ServiceError} whose subclass
 * names its shape. Wire errors are answers the emulator means to give (exposed), 5xx included.
 */
export abstract class WireError extends ServiceError {
  abstract readonly shape: WireShape;

  constructor(code: string, message: string, options: ServiceErrorOptions = {}) {
    super(code, message, { expose: true, ...options });
  }
}

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
  | 'invalid_instance'
  | 'interaction_required'
  | 'consent_required'
  | 'login_required'
  | 'access_denied'
  | 'temporarily_unavailable'
  | 'server_error';

/** Which service's numbering an {@link AadError} uses: Entra's STS or Azure AD B2C's. */
export type AadPrefix = 'AADSTS' | 'AADB2C';

/**
 * An Entra (AADSTS) or Azure AD B2C (AADB2C) error. `code` is the prefixed number
 * (`AADSTS50013`); `error` the OAuth error. Default status: 401 for `invalid_client`, else 400.
 */
export class AadError extends WireError {
  readonly shape = 'oauth' as const;
  readonly error: OAuthErrorCode;
  readonly aadsts: number;
  readonly prefix: AadPrefix;
  readonly suberror?: string;
  readonly claims?: string;

  constructor(
    aadsts: number,
    error: OAuthErrorCode,
    message: string,
    options: {
      status?: number;
      suberror?: string;
      claims?: string;
      prefix?: AadPrefix;
      headers?: Record<string, string>;
    } = {},
  ) {
    const prefix = options.prefix ?? 'AADSTS';
    super(`${prefix}${aadsts}`, message, {
      status: options.status ?? (error === 'invalid_client' ? 401 : 400),
      headers: options.headers,
    });
    this.error = error;
    this.aadsts = aadsts;
    this.prefix = prefix;
    this.suberror = options.suberror;
    this.claims = options.claims;
  }
}

/** A Microsoft Graph error: `{error: {code, message, innerError}}` on the wire, with Graph's headers. */
export class GraphError extends WireError {
  readonly shape = 'graph' as const;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(code, message, { status, headers });
  }
}

/** An Azure Resource Manager error: `{error: {code, message}}`, with ARM's headers. */
export class ArmError extends WireError {
  readonly shape = 'arm' as const;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(code, message, { status, headers });
  }
}

/** The control plane's and the fallback's `{error, error_description}`. */
export class PlainError extends WireError {
  readonly shape = 'plain' as const;

  constructor(status: number, error: string, description: string) {
    super(error, description, { status });
  }
}
