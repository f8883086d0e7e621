import type { DestinationStream } from 'pino';

/** One parsed log line. */
export type LogLine = Record<string, unknown>;

/** A pino destination that keeps every line, parsed, for assertions. */
export function logLines(): { destination: DestinationStream; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    destination: { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
  };
}
