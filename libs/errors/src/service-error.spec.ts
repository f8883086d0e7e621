import { ServiceError, isServiceError, toServiceError } from './index';

class ExampleError extends ServiceError {}

describe('ServiceError', () => {
  it('carries code, status, expose, headers, details and cause', () => {
    const cause = new Error('underneath');
    const error = new ServiceError('example_failed', 'It failed.', {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="api"' },
      details: { claims: '{}' },
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      code: 'example_failed',
      status: 401,
      expose: true,
      headers: { 'www-authenticate': 'Bearer realm="api"' },
      details: { claims: '{}' },
      message: 'It failed.',
    });
    expect(error.cause).toBe(cause);
  });

  it('defaults to an unexposed 500 without headers or details', () => {
    const error = new ServiceError('broken', 'Internal detail.');
    expect(error).toMatchObject({ status: 500, expose: false, headers: {}, details: {} });
    expect('cause' in error).toBe(false);
  });

  it('exposes client errors and hides server errors unless told otherwise', () => {
    expect(new ServiceError('a', 'm', { status: 404 }).expose).toBe(true);
    expect(new ServiceError('a', 'm', { status: 502 }).expose).toBe(false);
    expect(new ServiceError('a', 'm', { status: 502, expose: true }).expose).toBe(true);
    expect(new ServiceError('a', 'm', { status: 400, expose: false }).expose).toBe(false);
  });

  it.each([200, 399, 600, 401.5, Number.NaN])('refuses status %p at construction', (status) => {
    expect(() => new ServiceError('a', 'm', { status })).toThrow(TypeError);
  });

  it('copies headers and details so the caller cannot change them later', () => {
    const headers = { 'retry-after': '5' };
    const error = new ServiceError('a', 'm', { status: 503, headers });
    headers['retry-after'] = '999';
    expect(error.headers['retry-after']).toBe('5');
  });

  it('names subclasses after themselves', () => {
    const error = new ExampleError('a', 'm', { status: 400 });
    expect(error.name).toBe('ExampleError');
    expect(isServiceError(error)).toBe(true);
    expect(isServiceError(new Error('x'))).toBe(false);
  });
});

describe('toServiceError', () => {
  it('returns our own errors unchanged', () => {
    const error = new ServiceError('mine', 'm', { status: 409 });
    expect(toServiceError(error)).toBe(error);
  });

  it.each([
    [{ status: 413, type: 'entity.too.large' }, 413, 'payload_too_large'],
    [{ statusCode: 400, type: 'entity.parse.failed' }, 400, 'invalid_request'],
    [{ status: 415, type: 'encoding.unsupported' }, 415, 'unsupported_encoding'],
    [{ status: 415, type: 'charset.unsupported' }, 415, 'unsupported_charset'],
    [{ status: 400, type: 'something.new' }, 400, 'invalid_request'],
    [{ status: 405 }, 405, 'invalid_request'],
  ])('maps the foreign client error %p', (foreign, status, code) => {
    const mapped = toServiceError(Object.assign(new Error('raw text with input'), foreign));
    expect(mapped).toMatchObject({ status, code, expose: true });
    expect(mapped.message).not.toContain('raw text');
  });

  it.each([
    new Error('boom'),
    Object.assign(new Error('upstream'), { status: 502 }),
    Object.assign(new Error('not a status'), { status: '400' }),
    'a string',
    undefined,
    null,
  ])('hides anything else as an unexposed 500 with the cause kept (%p)', (thrown) => {
    const mapped = toServiceError(thrown);
    expect(mapped).toMatchObject({ status: 500, code: 'server_error', expose: false });
    expect(mapped.cause).toBe(thrown);
  });
});
