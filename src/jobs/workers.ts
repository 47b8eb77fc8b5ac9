import { type AppDeps, serviceContext } from '../context.ts';
import { createNotificationSender } from '../modules/notifications/guarded-http.ts';
import { runSandboxReview } from '../modules/sandbox/sandbox.service.ts';
import type { SubmitJob } from '../modules/versions/versions.service.ts';
import type { SandboxReviewJob } from '../providers/sandbox/sandbox-provider.ts';
import { deliverNotification } from './notification-worker.ts';
import { type DeliverNotificationJob, QUEUES, type VerifyStatusJob } from './queue.ts';
import { reconcile, verifyVersionStatus } from './status-check.ts';
import { submitQueuedVersion } from './submission-worker.ts';

/** Sandbox reviews and status reads are cheap; provider creates are bounded by PROVIDER_CONCURRENCY. */
const LOCAL_BATCH = 10;

export interface Workers {
  stop(): void;
}

/**
 * Starts the queue workers and the reconciliation timer. Each instance runs a sweep every
 * RECONCILE_INTERVAL_MS; a version already queued for a read is not queued twice (singleton key).
 */
export async function startWorkers(deps: AppDeps): Promise<Workers> {
  await deps.queue.work<SubmitJob>(
    QUEUES.submitVersion,
    (data) => submitQueuedVersion(serviceContext(deps), data),
    { batchSize: deps.config.PROVIDER_CONCURRENCY },
  );
  await deps.queue.work<SandboxReviewJob>(
    QUEUES.sandboxReview,
    (data) => runSandboxReview(serviceContext(deps), data),
    { batchSize: LOCAL_BATCH },
  );
  await deps.queue.work<VerifyStatusJob>(
    QUEUES.verifyStatus,
    (data) => verifyVersionStatus(serviceContext(deps), data),
    { batchSize: deps.config.PROVIDER_CONCURRENCY },
  );
  const sender = createNotificationSender({
    allowPrivate: deps.config.SUBSCRIPTION_ALLOW_PRIVATE_URLS,
    timeoutMs: deps.config.NOTIFICATION_TIMEOUT_MS,
  });
  await deps.queue.work<DeliverNotificationJob>(
    QUEUES.deliverNotification,
    (data) => deliverNotification(serviceContext(deps), sender, data),
    { batchSize: LOCAL_BATCH, expectFailures: true },
  );
  const timer = setInterval(() => {
    reconcile(serviceContext(deps)).catch((error: unknown) =>
      deps.log.error({ err: error }, 'reconciliation sweep failed'),
    );
  }, deps.config.RECONCILE_INTERVAL_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      void sender.close();
    },
  };
}
