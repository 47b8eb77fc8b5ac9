import { type AppDeps, serviceContext } from '../context.ts';
import { runSandboxReview } from '../modules/sandbox/sandbox.service.ts';
import type { SubmitJob } from '../modules/versions/versions.service.ts';
import type { SandboxReviewJob } from '../providers/sandbox/sandbox-provider.ts';
import { QUEUES } from './queue.ts';
import { submitQueuedVersion } from './submission-worker.ts';

export async function startWorkers(deps: AppDeps): Promise<void> {
  await deps.queue.work<SubmitJob>(QUEUES.submitVersion, (data) =>
    submitQueuedVersion(serviceContext(deps), data),
  );
  await deps.queue.work<SandboxReviewJob>(QUEUES.sandboxReview, (data) =>
    runSandboxReview(serviceContext(deps), data),
  );
}
