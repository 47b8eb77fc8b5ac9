import { eq, sql } from 'drizzle-orm';
import { versions } from '../../db/schema/index.ts';
import { type ServiceContext, withTransaction } from '../context.ts';
import { providerTemplateName } from '../domain/naming.ts';
import { getMarket } from '../modules/markets/markets.service.ts';
import { ingestProviderStatus, recordStatusChange } from '../modules/status-events/status-events.service.ts';
import { getTemplate } from '../modules/templates/templates.service.ts';
import { contentOf } from '../modules/versions/version-lint.service.ts';
import type { SubmitJob } from '../modules/versions/versions.service.ts';
import { ProviderError } from '../providers/provider.ts';
import { QUEUES } from './queue.ts';

const ACTOR = 'submission-worker';

async function failSubmission(ctx: ServiceContext, versionId: string, message: string): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const [version] = await tx.db.select().from(versions).where(eq(versions.id, versionId)).for('update');
    if (version?.status !== 'queued') return;
    await recordStatusChange(
      tx,
      version,
      { toStatus: 'submit_failed', source: 'api', actor: ACTOR, reasonText: message },
      { lastError: message },
    );
  });
}

/** Exponential backoff with jitter: base × 2^(attempt-1), at most ten minutes, scaled by 50–100 %. */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(600_000, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.5 + random() / 2));
}

/**
 * Hands a queued version to its market's provider. Runs outside any transaction while the
 * provider is called. The provider name is recorded first, so a retry after a crash or an
 * ambiguous timeout adopts the template the provider may already have instead of creating it twice.
 * Transient failures are retried by a new job after a backoff (or the provider's Retry-After);
 * permanent ones, and transient ones past the retry limit, end in `submit_failed`.
 */
export async function submitQueuedVersion(ctx: ServiceContext, job: SubmitJob): Promise<void> {
  const [version] = await ctx.db.select().from(versions).where(eq(versions.id, job.versionId));
  if (version?.status !== 'queued') return;
  const [market, template] = await Promise.all([
    getMarket(ctx, version.market),
    getTemplate(ctx, version.templateKey),
  ]);
  const provider = ctx.providers.get(market.providerKind);
  const languageCode = provider.languageCode(version.language);
  if (!languageCode) {
    await failSubmission(
      ctx,
      version.id,
      `${market.providerKind} does not support language ${version.language}`,
    );
    return;
  }
  const name = providerTemplateName(version.templateKey, version.market, version.version);
  const [attempted] = await ctx.db
    .update(versions)
    .set({
      provider: market.providerKind,
      providerAccount: market.providerAccount,
      providerTemplateName: name,
      providerLanguageCode: languageCode,
      parameterFormat: provider.parameterFormat,
      attempts: sql`${versions.attempts} + 1`,
    })
    .where(eq(versions.id, version.id))
    .returning({ attempts: versions.attempts });
  const attempts = attempted?.attempts ?? version.attempts + 1;

  const startedAt = ctx.clock();
  let result: Awaited<ReturnType<typeof provider.submit>>;
  try {
    result = await provider.submit({
      account: market.providerAccount,
      name,
      languageCode,
      category: template.category,
      content: contentOf(version),
      variables: template.variables,
      parameterFormat: provider.parameterFormat,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const transient = !(error instanceof ProviderError) || error.transient;
    if (!transient || attempts > ctx.config.SUBMIT_RETRY_LIMIT) {
      await failSubmission(ctx, version.id, message);
      return;
    }
    await ctx.db.update(versions).set({ lastError: message }).where(eq(versions.id, version.id));
    const backoff = retryDelayMs(attempts, ctx.config.SUBMIT_RETRY_BASE_MS);
    const retryAfterMs =
      error instanceof ProviderError && error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : 0;
    await ctx.queue.send(QUEUES.submitVersion, job, {
      startAfter: new Date(Date.now() + Math.max(backoff, retryAfterMs)),
    });
    return;
  }
  await ctx.db
    .update(versions)
    .set({ submittedAt: startedAt, lastError: null })
    .where(eq(versions.id, version.id));
  await ingestProviderStatus(ctx, {
    versionId: version.id,
    providerStatus: result.status,
    reason: result.reason ?? null,
    source: 'api',
    actor: ACTOR,
    occurredAt: startedAt,
    dedupeKey: `submit:${version.id}`,
    providerTemplateId: result.providerTemplateId,
    ...(result.category ? { providerCategory: result.category } : {}),
    raw: result,
  });
}
