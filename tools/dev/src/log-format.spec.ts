import { formatLogLine } from './log-format';

describe('formatLogLine', () => {
  it('renders a pino line as time, level, message and fields', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.UTC(2026, 0, 1, 12, 34, 56),
      pid: 1,
      msg: 'request completed',
      res: { statusCode: 200 },
      correlationId: 'abc',
    });
    expect(formatLogLine(line)).toBe(
      '12:34:56 INFO  request completed res={"statusCode":200} correlationId=abc',
    );
  });

  it('passes other lines through untouched', () => {
    expect(formatLogLine('plain text')).toBe('plain text');
    expect(formatLogLine('{not json')).toBe('{not json');
  });
});
