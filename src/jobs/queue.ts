import { sql } from 'drizzle-orm';
import { type DrizzleTransactionLike, fromDrizzle, fromPglite, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database, DbOrTx } from '../../db/database.ts';

export const QUEUES = {
  submitVersion: 'submit-version',
  sandboxReview: 'sandbox-review',
  /** Read one version's status from its provider and apply what it says (reconciliation, doubtful events). */
  verifyStatus: 'verify-status',
} as const;
export interface VerifyStatusJob {
  versionId: string;
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
}

export interface JobQueue {
  send(queue: QueueName, data: object, options?: EnqueueOptions): Promise<void>;
  work<T>(queue: QueueName, handler: (data: T) => Promise<void>, options?: WorkOptions): Promise<void>;
  start(): Promise<void>;
  stop(timeoutMs: number): Promise<void>;
}

/** drizzle's `execute` result type is narrower in pg-boss's adapter signature than at run time. */
function asDrizzleExecutor(db: DbOrTx): DrizzleTransactionLike {
  return db as unknown as DrizzleTransactionLike;
}

export function createJobQueue(
  database: Database,
  options: { pollIntervalMs: number; log: Logger },
): JobQueue {
  const boss =
    database.kind === 'pglite'
      ? new PgBoss({ db: fromPglite(database.pglite), backend: 'pglite', schema: 'pgboss', schedule: false })
      : new PgBoss({ connectionString: database.url, schema: 'pgboss', max: 4, schedule: false });
  boss.on('error', (error) => options.log.error({ err: error }, 'job queue error'));

  return {
    async start() {
      await boss.start();
      for (const name of Object.values(QUEUES)) {
        await boss.createQueue(name, {
          retryLimit: UNEXPECTED_FAILURE_RETRIES,
          retryDelay: 2,
          retryBackoff: true,
          retryDelayMax: 600,
          expireInSeconds: 120,
          // A worker killed mid-job stops beating; its job is retried half a minute later.
          heartbeatSeconds: 30,
        });
      }
    },
    async send(queue, data, { db, startAfter, singletonKey } = {}) {
      await boss.send(queue, data, {
        ...(db ? { db: fromDrizzle(asDrizzleExecutor(db), sql) } : {}),
        ...(startAfter ? { startAfter } : {}),
        ...(singletonKey ? { singletonKey } : {}),
      });
    },
    async work(queue, handler, { batchSize } = { batchSize: 1 }) {
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
              options.log.error(
                { err: outcome.reason, queue, jobId: job.id },
                'job failed; pg-boss retries it',
              );
              return { id: job.id, status: 'failed' as const };
            }
            return { id: job.id, status: 'completed' as const };
          });
        },
      );
    },
    async stop(timeoutMs) {
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
    },
  };
}
