import type { IncomingMessage } from 'node:http';
import passport from 'passport';
import { TokenValidationError } from '../errors';
import type { TokenValidator, ValidatedToken } from '../types';
import { bearerChallenge, withBearerHeaders } from './challenge';
import { rememberOptions, rememberToken, type BearerOptions } from './context';
import { extractBearerToken } from './extract';

const failures = new WeakMap<object, TokenValidationError>();

/** The TokenValidationError behind a strategy failure on this request, if any. */
export function strategyFailure(req: IncomingMessage): TokenValidationError | undefined {
  return failures.get(req);
}

/**
 * passport strategy `oauth-bearer` over a {@link TokenValidator}. Success: `req.user` is the
 * token's claims and `req.authInfo` the {@link ValidatedToken}. Failure: `fail(challenge, status)`
 * with the RFC 6750 `WWW-Authenticate` value; an unreachable JWKS is an `error` (a 503
 * TokenValidationError with `retry-after`, passed to `next(err)` by passport).
 */
export class BearerStrategy extends passport.Strategy {
  override name = 'oauth-bearer';

  constructor(
    private readonly validator: TokenValidator,
    private readonly options: BearerOptions = {},
  ) {
    super();
  }

  override authenticate(req: IncomingMessage): void {
    const extracted = extractBearerToken(req);
    if (extracted.kind === 'missing') {
      this.refuse(
        req,
        new TokenValidationError('ERR_TOKEN_MISSING', 'A bearer token is required.'),
      );
      return;
    }
    if (extracted.kind === 'malformed') {
      this.refuse(req, new TokenValidationError('ERR_TOKEN_REQUEST_MALFORMED', extracted.message));
      return;
    }
    // Hot path: a cached key answers synchronously, without a promise or a closure.
    let cached: ValidatedToken | undefined;
    try {
      cached = this.validator.validateSync?.(extracted.token);
    } catch (err) {
      this.failed(req, err);
      return;
    }
    if (cached) {
      this.validated(req, cached);
      return;
    }
    let pending: Promise<ValidatedToken>;
    try {
      pending = this.validator.validate(extracted.token);
    } catch (err) {
      // A TokenValidator must reject, not throw; tolerate one that throws anyway.
      pending = Promise.reject(err);
    }
    pending.then(
      (validated) => this.validated(req, validated),
      (err: unknown) => this.failed(req, err),
    );
  }

  private validated(req: IncomingMessage, validated: ValidatedToken): void {
    rememberToken(req, validated, this.options);
    this.success(validated.claims, validated);
  }

  /** A validation failure: refused (401/400) or, for anything else, an error passport passes on. */
  private failed(req: IncomingMessage, err: unknown): void {
    if (err instanceof TokenValidationError && err.status !== 503) {
      this.refuse(req, err);
      return;
    }
    rememberOptions(req, this.options);
    this.error(
      err instanceof TokenValidationError ? withBearerHeaders(err, this.options.realm) : err,
    );
  }

  private refuse(req: IncomingMessage, err: TokenValidationError): void {
    // The options only matter to a guard running after a failure (success remembers them with
    // the token): one WeakMap write per request on the path that succeeds.
    rememberOptions(req, this.options);
    failures.set(req, err);
    this.fail(bearerChallenge(err, this.options.realm), err.status);
  }
}
