import type { Response } from 'express';

/** Per-request timings and cache outcome, written to the request's log line. */
export interface RequestTimings {
  validateMs?: number;
  oboMs?: number;
  /** Where the OBO token came from: l1, l2 or network. */
  obo?: string;
  armMs?: number;
}

export function timingsOf(res: Response): RequestTimings {
  res.locals.timings ??= {};
  return res.locals.timings as RequestTimings;
}
