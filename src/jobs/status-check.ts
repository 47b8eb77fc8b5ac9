import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { versions } from '../../db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { ingestProviderStatus } from '../modules/status-events/status-events.service.ts';
import { getTemplate } from '../modules/templates/templates.service.ts';
import { QUEUES, type VerifyStatusJob } from './queue.ts';
import { noteAssignedCategory } from './submission-worker.ts';

const ACTOR = 'reconciliation';
/** Versions checked per sweep at most; the next sweep takes the rest. */
const SWEEP_LIMIT = 1000;

/**
 * Reads one version's status from its provider and applies what the provider says: the answer to
 * a doubtful event (impossible transition, tied times) and to reconciliation.
 */
export async function verifyVersionStatus(ctx: ServiceContext, job: VerifyStatusJob): Promise<void> {
  const [version] = await ctx.db.select().from(versions).where(eq(versions.id, job.versionId));
  if (
    !version?.provider ||
    !version.providerAccount ||
    !version.providerTemplateName ||
    !version.providerLanguageCode
  )
    return;
  const provider = ctx.providers.find(version.provider);
  if (!provider) return;
  const found = await provider.fetchStatus({
    account: version.providerAccount,
    name: version.providerTemplateName,
    languageCode: version.providerLanguageCode,
    providerTemplateId: version.providerTemplateId,
  });
  if (!found) {
    ctx.log.warn(
      { versionId: version.id, provider: version.provider, name: version.providerTemplateName },
      'the provider does not know this template',
    );
    await ctx.db.update(versions).set({ statusCheckedAt: ctx.clock() }).where(eq(versions.id, version.id));
    return;
  }
  await ingestProviderStatus(ctx, {
    versionId: version.id,
    providerStatus: found.status,
    reason: found.reason ?? null,
    reasonText: found.reasonText ?? null,
    source: 'poll',
    actor: ACTOR,
    occurredAt: ctx.clock(),
    dedupeKey: `poll:${version.id}:${randomUUID()}`,
    providerTemplateId: found.providerTemplateId,
    qualityScore: found.qualityScore,
    raw: found.raw ?? null,
    authoritative: true,
  });
  if (found.category) {
    const template = await getTemplate(ctx, version.templateKey);
    await noteAssignedCategory(ctx, version, template.category, found.category, 'poll');
  }
}

/**
 * One reconciliation sweep: queues a status read for every submission still pending (or in
 * appeal) after `RECONCILE_PENDING_AFTER_MS`, and for every approved or paused version, so a
 * decision, pause or disable whose webhook never came still reaches what is served.
 */
export async function reconcile(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock().getTime();
  const pendingBefore = new Date(now - ctx.config.RECONCILE_PENDING_AFTER_MS);
  const checkedBefore = new Date(now - ctx.config.RECONCILE_INTERVAL_MS / 2);
  const due = await ctx.db
    .select({ id: versions.id })
    .from(versions)
    .where(
      and(
        isNotNull(versions.providerTemplateName),
        or(isNull(versions.statusCheckedAt), lt(versions.statusCheckedAt, checkedBefore)),
        or(
          and(inArray(versions.status, ['pending', 'in_appeal']), lt(versions.statusAt, pendingBefore)),
          inArray(versions.status, ['approved', 'paused']),
        ),
      ),
    )
    .orderBy(sql`${versions.statusCheckedAt} asc nulls first`)
    .limit(SWEEP_LIMIT);
  await ctx.queue.sendMany(
    QUEUES.verifyStatus,
    due.map(({ id }) => ({ data: { versionId: id } satisfies VerifyStatusJob, singletonKey: id })),
  );
  return due.length;
}
