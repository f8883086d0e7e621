import { InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { toTokenAcquisitionError } from './errors';

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

  it('maps a refused assertion to invalid_assertion (401)', () => {
    const error = toTokenAcquisitionError(
      new ServerError(
        'invalid_grant',
        'c',
        'AADSTS500133: Assertion is not within its valid time range.',
        undefined,
        '500133',
        400,
      ),
    );
    expect(error).toMatchObject({ code: 'invalid_assertion', status: 401 });
  });

  it('maps our own bad credential to client_misconfigured (502)', () => {
    expect(
      toTokenAcquisitionError(
        new ServerError(
          'invalid_client',
          'c',
          'AADSTS7000215: Invalid client secret',
          undefined,
          '7000215',
          401,
        ),
      ),
    ).toMatchObject({ code: 'client_misconfigured', status: 502 });
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
