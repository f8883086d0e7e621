import type { DestinationStream } from 'pino';

/** A pino destination that keeps every line, parsed, for assertions. */
export function logLines(): { destination: DestinationStream; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  return {
    lines,
    destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, any>) },
  };
}
