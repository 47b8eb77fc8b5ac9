import { eq, sql } from 'drizzle-orm';
import { versions } from '../../db/schema/index.ts';
import { type ServiceContext, withTransaction } from '../context.ts';
import type { TemplateCategory } from '../domain/content.ts';
import { providerTemplateName } from '../domain/naming.ts';
import { compileContent } from '../domain/render.ts';
import { getMarket } from '../modules/markets/markets.service.ts';
import {
  ingestProviderNote,
  ingestProviderStatus,
  recordStatusChange,
  type VersionRow,
} from '../modules/status-events/status-events.service.ts';
import { getTemplate } from '../modules/templates/templates.service.ts';
import { contentOf } from '../modules/versions/version-lint.service.ts';
import type { SubmitJob } from '../modules/versions/versions.service.ts';
import {
  type ProviderAdapter,
  ProviderError,
  type ProviderTemplate,
  type SubmitRequest,
} from '../providers/provider.ts';
import { missingProviderSettings } from '../providers/provider-config.ts';
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
 * Creates the template, or adopts the one an earlier attempt may have created: after a crash or an
 * ambiguous timeout the provider can hold it without our knowing, so a retry looks it up by name and
 * language first, and a create refused as a duplicate looks again.
 */
async function createOrAdopt(
  provider: ProviderAdapter,
  request: SubmitRequest,
  mayExist: boolean,
): Promise<{ template: ProviderTemplate; adopted: boolean }> {
  const locator = { account: request.account, name: request.name, languageCode: request.languageCode };
  if (mayExist) {
    const found = await provider.fetchStatus(locator);
    if (found) return { template: found, adopted: true };
  }
  try {
    return { template: await provider.create(request), adopted: false };
  } catch (error) {
    if (!(error instanceof ProviderError && error.duplicate)) throw error;
    const found = await provider.fetchStatus(locator);
    if (!found) throw error;
    return { template: found, adopted: true };
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof ProviderError && error.code) {
    return `${error.message} (code ${error.code}${error.subcode ? `, subcode ${error.subcode}` : ''})`;
  }
  return error.message;
}

/**
 * A category the provider assigned that differs from the one asked (Meta files a utility template
 * it judges promotional as marketing): kept on the version and noted in its history.
 */
export async function noteAssignedCategory(
  ctx: ServiceContext,
  version: VersionRow,
  asked: string,
  assigned: string | undefined,
  source: 'api' | 'poll',
): Promise<void> {
  if (!assigned || assigned.toLowerCase() === asked.toLowerCase()) return;
  if (version.providerCategory && version.providerCategory.toLowerCase() === assigned.toLowerCase()) return;
  await ingestProviderNote(ctx, {
    versionId: version.id,
    source,
    actor: source === 'api' ? ACTOR : 'reconciliation',
    occurredAt: ctx.clock(),
    dedupeKey: `category:${version.id}:${assigned.toUpperCase()}`,
    reason: 'CATEGORY_CHANGED',
    reasonText: `The provider assigned ${assigned.toUpperCase()} instead of ${asked.toUpperCase()}`,
    set: { providerCategory: assigned.toUpperCase() },
    raw: { asked: asked.toUpperCase(), assigned: assigned.toUpperCase() },
  });
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
  const provider = ctx.providers.find(market.providerKind);
  const missing = missingProviderSettings(ctx.config, market.providerKind, market.providerAccount);
  if (!provider || missing.length) {
    ctx.metrics.submission(market.providerKind, 'failed');
    await failSubmission(
      ctx,
      version.id,
      `${market.providerKind} account ${market.providerAccount} is not configured: set ${missing.join(', ') || 'its adapter'}`,
    );
    return;
  }
  const languageCode = provider.languageCode(version.language);
  if (!languageCode) {
    ctx.metrics.submission(market.providerKind, 'failed');
    await failSubmission(
      ctx,
      version.id,
      `${market.providerKind} does not support language ${version.language}`,
    );
    return;
  }
  const content = contentOf(version);
  const name = providerTemplateName(version.templateKey, version.market, version.version);
  const [attempted] = await ctx.db
    .update(versions)
    .set({
      provider: market.providerKind,
      providerAccount: market.providerAccount,
      providerTemplateName: name,
      providerLanguageCode: languageCode,
      parameterFormat: provider.parameterFormat,
      parameterMapping: provider.parameterFormat === 'positional' ? compileContent(content).variables : null,
      attempts: sql`${versions.attempts} + 1`,
    })
    .where(eq(versions.id, version.id))
    .returning({ attempts: versions.attempts });
  const attempts = attempted?.attempts ?? version.attempts + 1;

  const startedAt = ctx.clock();
  let outcome: Awaited<ReturnType<typeof createOrAdopt>>;
  try {
    outcome = await createOrAdopt(
      provider,
      {
        account: market.providerAccount,
        name,
        languageCode,
        category: template.category,
        content,
        variables: template.variables,
        parameterFormat: provider.parameterFormat,
      },
      attempts > 1,
    );
  } catch (error) {
    const message = describeError(error);
    const transient = !(error instanceof ProviderError) || error.transient;
    ctx.metrics.providerError(market.providerKind, transient ? 'transient' : 'final');
    if (!transient || attempts > ctx.config.SUBMIT_RETRY_LIMIT) {
      ctx.metrics.submission(market.providerKind, 'failed');
      await failSubmission(ctx, version.id, message);
      return;
    }
    ctx.metrics.submission(market.providerKind, 'retry');
    await ctx.db.update(versions).set({ lastError: message }).where(eq(versions.id, version.id));
    const backoff = retryDelayMs(attempts, ctx.config.SUBMIT_RETRY_BASE_MS);
    const retryAfterMs =
      error instanceof ProviderError && error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : 0;
    await ctx.queue.send(QUEUES.submitVersion, job, {
      startAfter: new Date(ctx.clock().getTime() + Math.max(backoff, retryAfterMs)),
    });
    return;
  }
  ctx.metrics.submission(market.providerKind, outcome.adopted ? 'adopted' : 'created');
  await recordSubmission(ctx, version.id, template.category, outcome, startedAt);
}

/**
 * The provider's answer, in one transaction: its id and category, and the status it reported.
 * A webhook may have reported a decision before this answer came back; then the version has moved
 * on and only the ids are kept, so a history always reads queued → pending → decision.
 */
async function recordSubmission(
  ctx: ServiceContext,
  versionId: string,
  asked: TemplateCategory,
  { template, adopted }: { template: ProviderTemplate; adopted: boolean },
  startedAt: Date,
): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const [version] = await tx.db.select().from(versions).where(eq(versions.id, versionId)).for('update');
    if (!version) return;
    await tx.db
      .update(versions)
      .set({
        submittedAt: version.submittedAt ?? startedAt,
        lastError: null,
        providerTemplateId: template.providerTemplateId,
        ...(template.category ? { providerCategory: template.category.toUpperCase() } : {}),
      })
      .where(eq(versions.id, version.id));
    if (version.status === 'queued') {
      await ingestProviderStatus(tx, {
        versionId: version.id,
        providerStatus: template.status,
        reason: template.reason ?? null,
        reasonText: template.reasonText ?? null,
        source: 'api',
        actor: ACTOR,
        occurredAt: startedAt,
        dedupeKey: `submit:${version.id}`,
        providerTemplateId: template.providerTemplateId,
        qualityScore: template.qualityScore,
        raw: { adopted, response: template.raw ?? null },
      });
    }
    await noteAssignedCategory(tx, version, asked, template.category, 'api');
  });
}
