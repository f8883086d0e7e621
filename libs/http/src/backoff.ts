/**
 * "Full jitter" backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"): a delay
 * drawn uniformly from [0, base·2^attempt), capped, so clients that failed together do not
 * retry together. `random` returns [0, 1) like Math.random.
 */
export function fullJitter(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  return random() * Math.min(capMs, baseMs * 2 ** attempt);
}
