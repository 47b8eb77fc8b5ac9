import { sql } from 'drizzle-orm';
import { type DrizzleTransactionLike, fromDrizzle, fromPglite, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database, DbOrTx } from '../../db/database.ts';

export const QUEUES = {
  submitVersion: 'submit-version',
  sandboxReview: 'sandbox-review',
} as const;
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

export interface JobQueue {
  send(queue: QueueName, data: object, options?: EnqueueOptions): Promise<void>;
  work<T>(queue: QueueName, handler: (data: T) => Promise<void>): Promise<void>;
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
    async work(queue, handler) {
      await boss.work(queue, { pollingIntervalSeconds: options.pollIntervalMs / 1000 }, async ([job]) => {
        if (job) await handler(job.data as never);
      });
    },
    async stop(timeoutMs) {
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
    },
  };
}
