import { Gauge, Registry } from 'prom-client';
import type { JobQueue, QueueDepth } from '../../jobs/queue.ts';

/**
 * The service's Prometheus registry: one per instance, so several instances in one process (tests)
 * keep their own figures. Gauges that need the database are read when scraped, not kept up to date.
 */
export class Metrics {
  readonly registry = new Registry();

  constructor(queue: JobQueue) {
    // One read of the job table serves both gauges of a scrape.
    let pending: Promise<QueueDepth[]> | undefined;
    const depth = () => {
      pending ??= queue.depth().finally(() => {
        pending = undefined;
      });
      return pending;
    };
    new Gauge({
      name: 'vetted_jobs',
      help: 'Unfinished background jobs by queue and pg-boss state (created and retry wait, active run), across all instances',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await depth()) this.set({ queue: row.queue, state: row.state }, row.jobs);
      },
    });
    new Gauge({
      name: 'vetted_job_oldest_seconds',
      help: 'Age of the oldest unfinished job by queue: a submission waiting long means a stuck provider or worker',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const byQueue = new Map<string, number>();
        for (const row of await depth())
          byQueue.set(row.queue, Math.max(byQueue.get(row.queue) ?? 0, row.oldestSeconds));
        for (const [name, seconds] of byQueue) this.set({ queue: name }, seconds);
      },
    });
  }
}
