/**
 * A rate limit of one event per interval: `tryAcquire()` is true at most once per `intervalMs`
 * (measured on the injected clock), false otherwise. The first call is always allowed.
 */
export class IntervalGate {
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  tryAcquire(): boolean {
    const now = this.now();
    if (now - this.last < this.intervalMs) return false;
    this.last = now;
    return true;
  }

  /** Marks the gate as used now (e.g. after a failed attempt that must not be retried at once). */
  stamp(): void {
    this.last = this.now();
  }

  isOpen(): boolean {
    return this.now() - this.last >= this.intervalMs;
  }
}
