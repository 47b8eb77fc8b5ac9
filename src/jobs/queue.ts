import { sql } from 'drizzle-orm';
import { type DrizzleTransactionLike, fromDrizzle, fromPglite, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type Database, type DbOrTx, queryRows } from '../../db/database.ts';

export const QUEUES = {
  submitVersion: 'submit-version',
  sandboxReview: 'sandbox-review',
  /** Read one version's status from its provider and apply what it says (reconciliation, doubtful events). */
  verifyStatus: 'verify-status',
  /** Post one notification to one subscriber; a failed attempt is retried by pg-boss (see RetryPolicy). */
  deliverNotification: 'deliver-notification',
} as const;
export interface VerifyStatusJob {
  versionId: string;
}
export interface DeliverNotificationJob {
  deliveryId: string;
}

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * pg-boss retries a job whose handler threw: that is, failed unexpectedly (database down, a bug).
 * Expected provider failures are retried by the workers themselves, with their own backoff.
 */
const UNEXPECTED_FAILURE_RETRIES = 5;

export interface EnqueueOptions {
  /** Enqueue inside this transaction: the job exists only if it commits. */
  db?: DbOrTx;
  startAfter?: Date;
  singletonKey?: string;
}

export interface WorkOptions {
  /** Jobs fetched at once and run together: the bound on this queue's concurrency per instance. */
  batchSize: number;
  /** A thrown error is an expected outcome (a receiver that is down), logged as a warning. */
  expectFailures?: boolean;
}

/** pg-boss's own retries of a failed job: exponential from `retryDelay` seconds, at most `retryDelayMax`. */
export interface RetryPolicy {
  retryLimit: number;
  retryDelay: number;
  retryDelayMax: number;
}

/** Jobs of one queue in one pg-boss state, and how long the oldest of them has existed. */
export interface QueueDepth {
  queue: QueueName;
  /** `created` and `retry` wait for a worker (some until their start time), `active` are being worked. */
  state: 'created' | 'retry' | 'active';
  jobs: number;
  oldestSeconds: number;
}

const QueueDepthRow = z.object({
  queue: z.enum(Object.values(QUEUES) as [QueueName, ...QueueName[]]),
  state: z.enum(['created', 'retry', 'active']),
  jobs: z.coerce.number(),
  oldest_seconds: z.coerce.number(),
});

export interface JobQueue {
  send(queue: QueueName, data: object, options?: EnqueueOptions): Promise<void>;
  /** Many jobs in one statement (a sweep), each with its own singleton key. */
  sendMany(queue: QueueName, jobs: Array<{ data: object; singletonKey: string }>): Promise<void>;
  work<T>(queue: QueueName, handler: (data: T) => Promise<void>, options?: WorkOptions): Promise<void>;
  /** Unfinished jobs per queue and state, read from the job table (all instances' jobs). */
  depth(): Promise<QueueDepth[]>;
  start(): Promise<void>;
  stop(timeoutMs: number): Promise<void>;
}

/** drizzle's `execute` result type is narrower in pg-boss's adapter signature than at run time. */
function asDrizzleExecutor(db: DbOrTx): DrizzleTransactionLike {
  return db as unknown as DrizzleTransactionLike;
}

/**
 * The lease on a job being worked: its worker refreshes the heartbeat every 5 s, and a job whose
 * heartbeat is 10 s old (pg-boss's shortest) belongs to a worker that died (SIGKILL, a lost host)
 * and goes back to the queue. pg-boss notices lapsed heartbeats in its supervision pass, which
 * runs every minute by default; every 5 s here, so a killed instance's jobs run again about 15 s
 * later rather than 90 s. The job table does not say which instance holds a job, so a restart
 * cannot reclaim its predecessor's jobs any sooner without risking a job another instance is
 * still working on.
 */
const LEASE = { heartbeatSeconds: 10, superviseIntervalSeconds: 5 } as const;

const QUEUE_OPTIONS = {
  retryLimit: UNEXPECTED_FAILURE_RETRIES,
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 600,
  expireInSeconds: 120,
  heartbeatSeconds: LEASE.heartbeatSeconds,
};

/**
 * A singleton key dedupes only under a policy that says so. A status read waiting for a version
 * makes a second one pointless (sweeps of several instances, doubts arriving together): `short`
 * keeps at most one queued job per key.
 */
const QUEUE_POLICIES: Partial<Record<QueueName, 'short'>> = { [QUEUES.verifyStatus]: 'short' };

export function createJobQueue(
  database: Database,
  options: { pollIntervalMs: number; log: Logger; retries?: Partial<Record<QueueName, RetryPolicy>> },
): JobQueue {
  const supervision = {
    superviseIntervalSeconds: LEASE.superviseIntervalSeconds,
    monitorIntervalSeconds: LEASE.superviseIntervalSeconds,
  };
  const boss =
    database.kind === 'pglite'
      ? new PgBoss({
          db: fromPglite(database.pglite),
          backend: 'pglite',
          schema: 'pgboss',
          schedule: false,
          ...supervision,
        })
      : new PgBoss({
          connectionString: database.url,
          schema: 'pgboss',
          max: 4,
          schedule: false,
          ...supervision,
        });
  boss.on('error', (error) => options.log.error({ err: error }, 'job queue error'));

  return {
    async start() {
      await boss.start();
      for (const name of Object.values(QUEUES)) {
        const queueOptions = { ...QUEUE_OPTIONS, ...options.retries?.[name] };
        await boss.createQueue(name, {
          ...queueOptions,
          ...(QUEUE_POLICIES[name] ? { policy: QUEUE_POLICIES[name] } : {}),
        });
        // createQueue leaves an existing queue as it was: a database made before these options changed gets them too.
        await boss.updateQueue(name, queueOptions);
      }
    },
    async send(queue, data, { db, startAfter, singletonKey } = {}) {
      await boss.send(queue, data, {
        ...(db ? { db: fromDrizzle(asDrizzleExecutor(db), sql) } : {}),
        ...(startAfter ? { startAfter } : {}),
        ...(singletonKey ? { singletonKey } : {}),
      });
    },
    async sendMany(queue, jobs) {
      if (jobs.length) await boss.insert(queue, jobs);
    },
    async work(queue, handler, { batchSize, expectFailures } = { batchSize: 1 }) {
      await boss.work(
        queue,
        {
          pollingIntervalSeconds: options.pollIntervalMs / 1000,
          batchSize,
          // A full batch means a backlog (a market launch): fetch the next one at once, not a poll later.
          burstWhenBatchFull: true,
          perJobResults: true,
        },
        async (jobs) => {
          const outcomes = await Promise.allSettled(jobs.map((job) => handler(job.data as never)));
          return jobs.map((job, i) => {
            const outcome = outcomes[i];
            if (outcome?.status === 'rejected') {
              const reason: unknown = outcome.reason;
              if (expectFailures) {
                options.log.warn(
                  { queue, jobId: job.id, reason: reason instanceof Error ? reason.message : String(reason) },
                  'job failed; pg-boss retries it',
                );
              } else {
                options.log.error({ err: reason, queue, jobId: job.id }, 'job failed; pg-boss retries it');
              }
              return { id: job.id, status: 'failed' as const };
            }
            return { id: job.id, status: 'completed' as const };
          });
        },
      );
    },
    async depth() {
      const rows = await queryRows(
        database.db,
        sql`select name as queue, state::text as state, count(*)::int as jobs,
              extract(epoch from now() - min(created_on))::float8 as oldest_seconds
            from pgboss.job
            where state in ('created', 'retry', 'active')
              and name in (${sql.join(
                Object.values(QUEUES).map((name) => sql`${name}`),
                sql`, `,
              )})
            group by name, state`,
      );
      return rows.map((row) => {
        const { queue, state, jobs, oldest_seconds } = QueueDepthRow.parse(row);
        return { queue, state, jobs, oldestSeconds: oldest_seconds };
      });
    },
    async stop(timeoutMs) {
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
    },
  };
}
