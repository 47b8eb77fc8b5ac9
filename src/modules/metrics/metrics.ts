import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobQueue, QueueDepth } from '../../jobs/queue.ts';

/** What the cache gauges read when scraped. */
export interface CacheSources {
  sizes(): Record<string, number>;
}

/**
 * The service's Prometheus registry: one per instance, so several instances in one process (tests)
 * keep their own figures. Gauges that need the database are read when scraped, not kept up to date.
 * Labelled children are cached by their label values: prom-client hashes a label set on every
 * call, which the render path should not pay per request.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #requests: Histogram<'method' | 'route' | 'status'>;
  readonly #requestChildren = new Map<string, Histogram.Internal<'method' | 'route' | 'status'>>();
  readonly #renders: Counter<'market' | 'language' | 'outcome'>;
  readonly #renderChildren = new Map<string, Counter.Internal>();
  readonly #submissions: Counter<'provider' | 'outcome'>;
  readonly #providerErrors: Counter<'provider' | 'kind'>;
  readonly #webhookEvents: Counter<'provider' | 'type' | 'outcome'>;
  readonly #invalidationLag: Histogram;
  readonly #refreshes: Counter<'trigger' | 'outcome'>;
  readonly #drift: Counter;
  readonly #listenerUp: Gauge;

  constructor(sources: { queue: JobQueue; caches: CacheSources }) {
    const registers = [this.registry];
    this.#requests = new Histogram({
      name: 'vetted_http_requests_seconds',
      help: 'HTTP requests by method, route pattern (unmatched for unknown paths) and status, with their latency until the answer starts',
      labelNames: ['method', 'route', 'status'] as const,
      // Few buckets: each one is a series per route and status.
      buckets: [0.005, 0.025, 0.1, 0.5, 2.5],
      registers,
    });
    this.#renders = new Counter({
      name: 'vetted_renders_total',
      help: 'Renders (single and per batch recipient) by market, language asked and outcome: served, fallback, or the problem type',
      labelNames: ['market', 'language', 'outcome'] as const,
      registers,
    });
    this.#submissions = new Counter({
      name: 'vetted_submissions_total',
      help: 'Submission attempts by provider and outcome: created, adopted (found at the provider), retry (transient failure), failed',
      labelNames: ['provider', 'outcome'] as const,
      registers,
    });
    this.#providerErrors = new Counter({
      name: 'vetted_provider_errors_total',
      help: 'Failed provider calls while submitting, by provider and kind (transient: retried; final: not)',
      labelNames: ['provider', 'kind'] as const,
      registers,
    });
    this.#webhookEvents = new Counter({
      name: 'vetted_webhook_events_total',
      help: 'Provider webhook events by provider, event type (status, category, quality) and outcome (applied, duplicate, stale, unmapped, verify…)',
      labelNames: ['provider', 'type', 'outcome'] as const,
      registers,
    });
    this.#invalidationLag = new Histogram({
      name: 'vetted_cache_invalidation_lag_seconds',
      help: 'From a change announced by another instance (NOTIFY) to this instance applying it to its in-memory indexes',
      buckets: [0.01, 0.05, 0.25, 1, 5],
      registers,
    });
    this.#refreshes = new Counter({
      name: 'vetted_cache_refreshes_total',
      help: 'Full reloads of the in-memory indexes by trigger (periodic, resubscribed) and outcome',
      labelNames: ['trigger', 'outcome'] as const,
      registers,
    });
    this.#drift = new Counter({
      name: 'vetted_cache_drift_total',
      help: 'Variants whose served version a full reload corrected: changes whose announcement never arrived',
      registers,
    });
    this.#listenerUp = new Gauge({
      name: 'vetted_change_listener_up',
      help: '1 while this instance listens for other instances’ changes (PostgreSQL LISTEN), 0 while that connection is lost',
      registers,
    });
    new Gauge({
      name: 'vetted_cache_entries',
      help: 'Entries in the in-memory caches: served variants, templates, markets, built bundles, API keys',
      labelNames: ['cache'] as const,
      registers,
      collect() {
        for (const [cache, size] of Object.entries(sources.caches.sizes())) this.set({ cache }, size);
      },
    });

    // One read of the job table serves both gauges of a scrape.
    let pending: Promise<QueueDepth[]> | undefined;
    const depth = () => {
      pending ??= sources.queue.depth().finally(() => {
        pending = undefined;
      });
      return pending;
    };
    new Gauge({
      name: 'vetted_jobs',
      help: 'Unfinished background jobs by queue and pg-boss state (created and retry wait, active run), across all instances',
      labelNames: ['queue', 'state'] as const,
      registers,
      async collect() {
        this.reset();
        for (const row of await depth()) this.set({ queue: row.queue, state: row.state }, row.jobs);
      },
    });
    new Gauge({
      name: 'vetted_job_oldest_seconds',
      help: 'Age of the oldest unfinished job by queue: a submission waiting long means a stuck provider or worker',
      labelNames: ['queue'] as const,
      registers,
      async collect() {
        this.reset();
        const byQueue = new Map<string, number>();
        for (const row of await depth())
          byQueue.set(row.queue, Math.max(byQueue.get(row.queue) ?? 0, row.oldestSeconds));
        for (const [name, seconds] of byQueue) this.set({ queue: name }, seconds);
      },
    });
  }

  /** `route` is the matched pattern (never the raw path: unbounded series, and path secrets). */
  request(method: string, route: string, status: number, seconds: number): void {
    const key = `${status} ${method} ${route}`;
    let child = this.#requestChildren.get(key);
    if (!child) {
      child = this.#requests.labels(method, route, String(status));
      this.#requestChildren.set(key, child);
    }
    child.observe(seconds);
  }

  /** Label values must come from a bounded set: known markets and languages, problem types. */
  rendered(market: string, language: string, outcome: string, count = 1): void {
    const key = `${market}\u0000${language}\u0000${outcome}`;
    let child = this.#renderChildren.get(key);
    if (!child) {
      child = this.#renders.labels(market, language, outcome);
      this.#renderChildren.set(key, child);
    }
    child.inc(count);
  }

  submission(provider: string, outcome: 'created' | 'adopted' | 'retry' | 'failed'): void {
    this.#submissions.inc({ provider, outcome });
  }

  providerError(provider: string, kind: 'transient' | 'final'): void {
    this.#providerErrors.inc({ provider, kind });
  }

  webhookEvent(provider: string, type: string, outcome: string): void {
    this.#webhookEvents.inc({ provider, type, outcome });
  }

  invalidationLag(seconds: number): void {
    this.#invalidationLag.observe(Math.max(0, seconds));
  }

  refreshed(trigger: 'periodic' | 'resubscribed', outcome: 'ok' | 'failed', drifted = 0): void {
    this.#refreshes.inc({ trigger, outcome });
    if (drifted) this.#drift.inc(drifted);
  }

  listener(up: boolean): void {
    this.#listenerUp.set(up ? 1 : 0);
  }
}
