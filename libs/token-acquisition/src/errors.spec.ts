import { InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { ServiceError } from '@obo/errors';
import { AADSTS_OUTCOMES, TokenAcquisitionError, toTokenAcquisitionError } from './errors';

const CLAIMS = '{"access_token":{"capolids":{"essential":true,"values":["mfa"]}}}';

describe('toTokenAcquisitionError', () => {
  it('keeps the claims challenge of an MFA interaction_required', () => {
    const error = toTokenAcquisitionError(
      new InteractionRequiredAuthError(
        'interaction_required',
        'cid',
        'AADSTS50076: MFA',
        'basic_action',
        '',
        '',
        CLAIMS,
        '50076',
      ),
    );
    expect(error).toMatchObject({
      code: 'interaction_required',
      status: 403,
      details: { claims: CLAIMS, aadsts: [50076] },
    });
  });

  it('tells consent_required apart (error code, suberror or AADSTS65001)', () => {
    expect(
      toTokenAcquisitionError(
        new InteractionRequiredAuthError(
          'invalid_grant',
          'c',
          'AADSTS65001: no consent',
          'consent_required',
        ),
      ).code,
    ).toBe('consent_required');
    expect(
      toTokenAcquisitionError(
        new ServerError(
          'invalid_grant',
          'c',
          'AADSTS65001: The user or administrator has not consented',
        ),
      ).code,
    ).toBe('consent_required');
  });

  describe('AADSTS numbers, by whose problem they are', () => {
    /** What MSAL throws for an Entra error response (ResponseHandler.validateTokenResponse). */
    const fromEntra = (
      error: string,
      aadsts: number,
      options: { status?: number; suberror?: string; claims?: string } = {},
    ): Error => {
      const description = `AADSTS${aadsts}: (Entra's text) Trace ID: t Correlation ID: c Timestamp: 2026-01-01 00:00:00Z`;
      const interaction =
        ['interaction_required', 'consent_required', 'login_required'].includes(error) ||
        ['basic_action', 'consent_required', 'bad_token'].includes(options.suberror ?? '');
      return interaction
        ? new InteractionRequiredAuthError(
            error,
            'c',
            description,
            options.suberror ?? '',
            '',
            't',
            options.claims ?? '',
            String(aadsts),
          )
        : new ServerError(
            error,
            'c',
            `Error(s): ${aadsts} - Timestamp: x - Description: ${description}`,
            options.suberror,
            String(aadsts),
            options.status ?? 400,
          );
    };

    // [AADSTS, OAuth error Entra sends with it, expected code, expected status]
    const rows: [number, string, string, number][] = [
      // the access token presented as the assertion
      [50013, 'invalid_grant', 'invalid_assertion', 401],
      [500133, 'invalid_grant', 'invalid_assertion', 401],
      [50027, 'invalid_request', 'invalid_assertion', 401],
      [90016, 'invalid_request', 'invalid_assertion', 401],
      [240002, 'invalid_grant', 'invalid_assertion', 401],
      // the user must sign in again
      [50076, 'interaction_required', 'interaction_required', 403],
      [50079, 'interaction_required', 'interaction_required', 403],
      [50072, 'interaction_required', 'interaction_required', 403],
      [50074, 'interaction_required', 'interaction_required', 403],
      [50078, 'interaction_required', 'interaction_required', 403],
      [50055, 'invalid_grant', 'interaction_required', 403],
      [50144, 'invalid_grant', 'interaction_required', 403],
      [50125, 'interaction_required', 'interaction_required', 403],
      [50132, 'invalid_grant', 'interaction_required', 403],
      [50133, 'invalid_grant', 'interaction_required', 403],
      [50173, 'invalid_grant', 'interaction_required', 403],
      [70043, 'invalid_grant', 'interaction_required', 403],
      // consent
      [65001, 'invalid_grant', 'consent_required', 403],
      [65004, 'invalid_grant', 'consent_required', 403],
      [90094, 'invalid_grant', 'consent_required', 403],
      // the assertion's user cannot be served
      [50034, 'invalid_grant', 'user_access_denied', 403],
      [51004, 'invalid_grant', 'user_access_denied', 403],
      [50020, 'invalid_grant', 'user_access_denied', 403],
      [50014, 'invalid_grant', 'user_access_denied', 403],
      [50057, 'invalid_grant', 'user_access_denied', 403],
      [50053, 'invalid_grant', 'user_access_denied', 403],
      [50105, 'invalid_grant', 'user_access_denied', 403],
      [53003, 'invalid_grant', 'user_access_denied', 403],
      [530032, 'invalid_grant', 'user_access_denied', 403],
      [530035, 'invalid_grant', 'user_access_denied', 403],
      [53011, 'invalid_grant', 'user_access_denied', 403],
      [500212, 'invalid_grant', 'user_access_denied', 403],
      [500213, 'invalid_grant', 'user_access_denied', 403],
      [54000, 'invalid_grant', 'user_access_denied', 403],
      // the API's own registration, credential or configuration
      [7000215, 'invalid_client', 'client_misconfigured', 502],
      [7000222, 'invalid_client', 'client_misconfigured', 502],
      [70002, 'invalid_client', 'client_misconfigured', 502],
      [7000218, 'invalid_request', 'client_misconfigured', 502],
      [700016, 'unauthorized_client', 'client_misconfigured', 502],
      [700011, 'unauthorized_client', 'client_misconfigured', 502],
      [70001, 'unauthorized_client', 'client_misconfigured', 502],
      [7000112, 'unauthorized_client', 'client_misconfigured', 502],
      [7000114, 'unauthorized_client', 'client_misconfigured', 502],
      [700027, 'invalid_client', 'client_misconfigured', 502],
      [700024, 'invalid_client', 'client_misconfigured', 502],
      [700021, 'invalid_client', 'client_misconfigured', 502],
      [700025, 'invalid_client', 'client_misconfigured', 502],
      [700030, 'invalid_client', 'client_misconfigured', 502],
      [50012, 'invalid_client', 'client_misconfigured', 502],
      [50048, 'invalid_client', 'client_misconfigured', 502],
      [70021, 'invalid_client', 'client_misconfigured', 502],
      [700211, 'invalid_client', 'client_misconfigured', 502],
      [700212, 'invalid_client', 'client_misconfigured', 502],
      [700213, 'invalid_client', 'client_misconfigured', 502],
      [700229, 'invalid_client', 'client_misconfigured', 502],
      [90002, 'invalid_request', 'client_misconfigured', 502],
      [50194, 'invalid_request', 'client_misconfigured', 502],
      [500011, 'invalid_resource', 'client_misconfigured', 502],
      [70011, 'invalid_scope', 'client_misconfigured', 502],
      [28000, 'invalid_scope', 'client_misconfigured', 502],
      [28002, 'invalid_scope', 'client_misconfigured', 502],
      [700022, 'invalid_scope', 'client_misconfigured', 502],
      [65005, 'invalid_client', 'client_misconfigured', 502],
      [650056, 'invalid_client', 'client_misconfigured', 502],
      [650057, 'invalid_client', 'client_misconfigured', 502],
      // Entra's own transient failures, even when answered with a 400
      [50033, 'invalid_request', 'token_endpoint_unavailable', 503],
      [90006, 'invalid_request', 'token_endpoint_unavailable', 503],
      [90024, 'invalid_request', 'token_endpoint_unavailable', 503],
      [90033, 'invalid_request', 'token_endpoint_unavailable', 503],
      [90055, 'invalid_request', 'token_endpoint_unavailable', 503],
      [90090, 'invalid_request', 'token_endpoint_unavailable', 503],
    ];

    it('covers every number the mapping knows, each once', () => {
      const mapped = Object.values(AADSTS_OUTCOMES).flat();
      expect(new Set(mapped).size).toBe(mapped.length);
      expect([...mapped].sort()).toEqual(rows.map(([n]) => n).sort());
    });

    it.each(rows)('AADSTS%i (%s) → %s, %i', (aadsts, error, code, status) => {
      const mapped = toTokenAcquisitionError(
        fromEntra(error, aadsts, { status: error === 'invalid_client' ? 401 : 400 }),
      );
      expect(mapped).toMatchObject({ code, status });
      if (code !== 'token_endpoint_unavailable') expect(mapped.details.aadsts).toEqual([aadsts]);
    });

    it.each(rows)('AADSTS%i decides even under another OAuth error', (aadsts, _error, code) => {
      for (const other of ['invalid_request', 'invalid_grant', 'invalid_client']) {
        expect(toTokenAcquisitionError(fromEntra(other, aadsts)).code).toBe(code);
      }
    });

    it('reads the number from the description when error_codes is missing', () => {
      const error = new ServerError(
        'invalid_grant',
        'c',
        'AADSTS50034: The user account does not exist in the directory.',
      );
      expect(toTokenAcquisitionError(error)).toMatchObject({
        code: 'user_access_denied',
        status: 403,
      });
    });

    it.each([
      ['invalid_grant', {}, 'invalid_assertion', 401],
      ['invalid_client', { status: 401 }, 'client_misconfigured', 502],
      ['unauthorized_client', {}, 'client_misconfigured', 502],
      ['interaction_required', {}, 'interaction_required', 403],
      ['login_required', {}, 'interaction_required', 403],
      ['invalid_grant', { suberror: 'consent_required' }, 'consent_required', 403],
      ['invalid_request', {}, 'token_acquisition_failed', 502],
      ['invalid_scope', {}, 'token_acquisition_failed', 502],
      ['temporarily_unavailable', {}, 'token_endpoint_unavailable', 503],
    ] as const)(
      'an unknown AADSTS number falls back on the OAuth error: %s %j → %s',
      (error, options, code, status) => {
        expect(toTokenAcquisitionError(fromEntra(error, 99999, options))).toMatchObject({
          code,
          status,
        });
      },
    );
  });

  it('maps 5xx, 429 and network failures to token_endpoint_unavailable (503, retry later)', () => {
    expect(
      toTokenAcquisitionError(
        new ServerError('server_error', 'c', 'boom', undefined, undefined, 503),
      ).code,
    ).toBe('token_endpoint_unavailable');
    expect(
      toTokenAcquisitionError(
        new ServerError('throttled', 'c', 'slow down', undefined, undefined, 429),
      ).code,
    ).toBe('token_endpoint_unavailable');
    const network = toTokenAcquisitionError(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
    expect(network).toMatchObject({
      code: 'token_endpoint_unavailable',
      status: 503,
      details: { retryAfterSeconds: 30 },
    });
  });

  it('is a ServiceError: exposed, with the status that says whose problem it is', () => {
    const error = toTokenAcquisitionError(
      new ServerError('invalid_client', 'c', 'AADSTS7000215: bad secret', undefined, '', 401),
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      name: 'TokenAcquisitionError',
      code: 'client_misconfigured',
      status: 502,
      expose: true,
    });
  });

  it('keeps the provider’s own error code, when it is a plain token', () => {
    expect(toTokenAcquisitionError(new ServerError('invalid_grant', 'c', 'x')).details.error).toBe(
      'invalid_grant',
    );
    expect(
      toTokenAcquisitionError(new ServerError('bad code <script>', 'c', 'x')).details.error,
    ).toBeUndefined();
  });

  it.each([
    ['interaction_required', true],
    ['consent_required', true],
    ['invalid_assertion', false],
    ['user_access_denied', false],
  ] as const)('says whether %s needs the user (%s)', (code, needed) => {
    expect(new TokenAcquisitionError(code, 'm').needsInteraction).toBe(needed);
  });

  it('never puts the provider’s text in its own message', () => {
    const error = toTokenAcquisitionError(
      new ServerError('invalid_request', 'c', 'AADSTS9002313: secret-looking detail'),
    );
    expect(error.code).toBe('token_acquisition_failed');
    expect(error.message).not.toContain('secret-looking');
  });

  describe('Azure AD B2C (AADB2C numbers)', () => {
    const b2c = (errorCode: string, message: string, status = 400) =>
      toTokenAcquisitionError(new ServerError(errorCode, 'c', message, undefined, '', status));

    it('maps AADB2C90086 (the grant type OBO uses is unsupported) to obo_not_supported (501)', () => {
      const error = b2c(
        'unsupported_grant_type',
        'AADB2C90086: The supplied grant_type [urn:ietf:params:oauth:grant-type:jwt-bearer] is not supported.\r\nCorrelation ID: x',
      );
      expect(error).toMatchObject({ code: 'obo_not_supported', status: 501 });
      expect(error.details.aadb2c).toEqual([90086]);
      expect(error.message).toContain('AADB2C90086');
      expect(error.message).not.toContain('grant_type [');
    });

    it('maps a refused client secret (AADB2C90081) to client_misconfigured', () => {
      expect(
        b2c('invalid_client', 'AADB2C90081: The specified client_secret does not match.', 401).code,
      ).toBe('client_misconfigured');
    });

    it('maps other AADB2C errors to token_acquisition_failed, naming the number only', () => {
      const error = b2c('invalid_grant', 'AADB2C90080: The provided grant has expired.');
      expect(error).toMatchObject({ code: 'token_acquisition_failed', status: 502 });
      expect(error.message).toBe('The identity provider refused the token request (AADB2C90080).');
    });

    it('still treats a B2C 5xx as unavailable', () => {
      expect(b2c('server_error', 'AADB2C90075: internal error', 503).code).toBe(
        'token_endpoint_unavailable',
      );
    });
  });
});
