/**
 * Wraps an async function so that concurrent callers share one pending call: while a call is in
 * flight, every caller gets the same promise. `inFlight()` tells whether one is pending.
 */
export interface SingleFlight<T> {
  (): Promise<T>;
  inFlight(): boolean;
}

export function singleFlight<T>(fn: () => Promise<T>): SingleFlight<T> {
  let pending: Promise<T> | undefined;
  const run = (() => {
    if (!pending) {
      pending = fn().finally(() => {
        pending = undefined;
      });
    }
    return pending;
  }) as SingleFlight<T>;
  run.inFlight = () => pending !== undefined;
  return run;
}
