import { createLogger, REDACT_PATHS, REDACTED, SECRET_FIELDS } from './index';
import { logLines } from './test/log-lines';

function capture() {
  const { lines, destination } = logLines();
  const logger = createLogger({ name: 'test', level: 'trace', destination });
  return { logger, lines, last: () => lines.at(-1) };
}

const SECRET = 'SECRET-VALUE-1234';

describe('createLogger: one redaction list', () => {
  it.each(SECRET_FIELDS)(
    'redacts %s at the top, one level down and in request and response headers',
    (field) => {
      const { logger, last } = capture();
      logger.info({ [field]: SECRET, nested: { [field]: SECRET }, kept: 'visible' }, 'top');
      expect(last()).toMatchObject({
        [field]: REDACTED,
        nested: { [field]: REDACTED },
        kept: 'visible',
      });

      logger.info(
        {
          req: { headers: { [field]: SECRET, accept: 'text/html' } },
          res: { headers: { [field]: SECRET, 'content-type': 'text/html' } },
        },
        'headers',
      );
      expect(last()).toMatchObject({
        req: { headers: { [field]: REDACTED, accept: 'text/html' } },
        res: { headers: { [field]: REDACTED, 'content-type': 'text/html' } },
      });
      expect(JSON.stringify(last())).not.toContain(SECRET);
    },
  );

  it('names the credentials the apps handle', () => {
    for (const field of [
      'authorization',
      'cookie',
      'set-cookie',
      'accessToken',
      'idToken',
      'refreshToken',
      'tokenCache',
      'assertion',
      'client_assertion',
      'clientSecret',
      'secret',
      'password',
      'code',
    ]) {
      expect(SECRET_FIELDS).toContain(field);
    }
    // Every field in each place: the top, one level down, request headers, response headers.
    expect(REDACT_PATHS).toHaveLength(SECRET_FIELDS.length * 4);
  });

  it('writes the service name on every line', () => {
    const { logger, last } = capture();
    logger.info('hello');
    expect(last()).toMatchObject({ name: 'test', app: 'test', msg: 'hello' });
  });

  it('logs an error as a summary, not with every property it carries', () => {
    const { logger, last } = capture();
    const underneath = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const error = Object.assign(new Error('Request failed'), {
      code: 'ERR_BAD_RESPONSE',
      config: { headers: { Authorization: `Bearer ${SECRET}` } },
      cause: underneath,
    });
    logger.error({ err: error }, 'failed');
    expect(last()?.err).toMatchObject({
      name: 'Error',
      message: 'Request failed',
      errorCode: 'ERR_BAD_RESPONSE',
      stack: expect.stringContaining('Request failed'),
      cause: { message: 'socket hang up', errorCode: 'ECONNRESET' },
    });
    expect(JSON.stringify(last())).not.toContain(SECRET);
  });
});
