/**
 * A rate limit of one event per interval, on the injected clock: `stamp()` when the event
 * happens; `isOpen()` is true once `intervalMs` have passed since (and before the first stamp).
 */
export class IntervalGate {
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  /** Marks the gate as used now (e.g. a fetch started, or an attempt that must not be retried at once). */
  stamp(): void {
    this.last = this.now();
  }

  isOpen(): boolean {
    return this.now() - this.last >= this.intervalMs;
  }
}
