import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The API's Prometheus metrics, on a registry of its own (one per app instance). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly oboCache = new Counter({
    name: 'obo_cache_requests_total',
    help: 'On-Behalf-Of token lookups by result (hit_l1, hit_l2, miss).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly tokenEndpoint = new Counter({
    name: 'token_endpoint_requests_total',
    help: 'Calls to the identity provider token endpoint by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly armClaimsChallenges = new Counter({
    name: 'arm_claims_challenges_total',
    help: 'Claims challenges from Azure Resource Manager (kind: cae, claims) by outcome (recovered, interaction_required, refused, challenged_again, failed).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly armDuration = new Histogram({
    name: 'arm_request_duration_seconds',
    help: 'Azure Resource Manager call latency by status (0 = no response).',
    labelNames: ['status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private l1Usage: () => { entries: number; bytes: number } = () => ({ entries: 0, bytes: 0 });
  readonly oboCacheEntries: Gauge = new Gauge({
    name: 'obo_cache_entries',
    help: 'OBO tokens held in the in-process (L1) cache.',
    registers: [this.registry],
    collect: (): void => this.oboCacheEntries.set(this.l1Usage().entries),
  });
  readonly oboCacheBytes: Gauge = new Gauge({
    name: 'obo_cache_bytes',
    help: 'Approximate bytes held by the in-process (L1) OBO token cache.',
    registers: [this.registry],
    collect: (): void => this.oboCacheBytes.set(this.l1Usage().bytes),
  });

  /** The request counter and histogram children per label set, resolved once. */
  private readonly requestSeries = new Map<
    string,
    { count: { inc(): void }; duration: { observe(seconds: number): void } }
  >();

  /**
   * Counts one finished request and its duration. The labelled children are looked up once per
   * label set (prom-client would sort and hash the labels on every call); the label values are
   * bounded by the caller (known routes or `unmatched`, Node's methods, HTTP statuses).
   */
  recordRequest(route: string, method: string, status: number, seconds: number): void {
    const key = `${route} ${method} ${status}`;
    let children = this.requestSeries.get(key);
    if (!children) {
      const labels = { route, method, status: String(status) };
      children = {
        count: this.httpRequests.labels(labels),
        duration: this.httpDuration.labels(labels),
      };
      this.requestSeries.set(key, children);
    }
    children.count.inc();
    children.duration.observe(seconds);
  }

  private readonly oboLookups = {
    l1: this.oboCache.labels({ result: 'hit_l1' }),
    l2: this.oboCache.labels({ result: 'hit_l2' }),
    network: this.oboCache.labels({ result: 'miss' }),
  };
  private readonly armSeries = new Map<number, { observe(seconds: number): void }>();

  /** Counts one OBO token lookup by where the token came from (l1, l2, network = miss). */
  countOboLookup(source: 'l1' | 'l2' | 'network'): void {
    this.oboLookups[source].inc();
  }

  /** One ARM call's duration by its status (0 = no response); children resolved once. */
  observeArm(status: number, seconds: number): void {
    let child = this.armSeries.get(status);
    if (!child) {
      child = this.armDuration.labels({ status: String(status) });
      this.armSeries.set(status, child);
    }
    child.observe(seconds);
  }

  /** Where the L1 gauges read from (the API's OboClient). */
  trackL1(usage: () => { entries: number; bytes: number }): void {
    this.l1Usage = usage;
  }

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }
}
