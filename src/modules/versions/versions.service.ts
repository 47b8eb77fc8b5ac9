import { and, desc, eq, lt, max, sql } from 'drizzle-orm';
import { templates, versions } from '../../../db/schema/index.ts';
import { onCommit, type ServiceContext, withTransaction } from '../../context.ts';
import { type Button, contentHash, type VersionContent } from '../../domain/content.ts';
import { canAppeal, canSubmit, isEditable } from '../../domain/lifecycle.ts';
import { hasErrors, type LintFinding } from '../../domain/lint.ts';
import { AppError, fieldError } from '../../errors.ts';
import { assertEtagMatches, etagOf } from '../../http/etag.ts';
import { decodeIntegerCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import { QUEUES } from '../../jobs/queue.ts';
import { type AuditAction, recordAudit } from '../audit/audit.service.ts';
import { getMarket } from '../markets/markets.service.ts';
import type { VariantRef } from '../serving/serving-index.ts';
import { recordStatusChange, type VersionRow } from '../status-events/status-events.service.ts';
import { assertTemplateUsable, getTemplate } from '../templates/templates.service.ts';
import { contentOf, lintColumns, lintVersion, variantLintFacts } from './version-lint.service.ts';

export interface ContentInput {
  header?: string | null | undefined;
  body?: string | undefined;
  footer?: string | null | undefined;
  buttons?: Button[] | null | undefined;
}

export interface SubmitJob {
  versionId: string;
}

export const versionEtag = (row: VersionRow) => etagOf(row.id, row.revision);

const blankToNull = (value: string | null | undefined) => (value?.trim() ? value : null);

function normaliseContent(input: ContentInput & { body: string }): VersionContent {
  return {
    header: blankToNull(input.header),
    body: input.body,
    footer: blankToNull(input.footer),
    buttons: input.buttons?.length ? input.buttons : null,
  };
}

export type LintFindingView = Omit<LintFinding, 'messageKey' | 'params'>;

export function toVersionView(row: VersionRow, findings: LintFindingView[]) {
  return {
    template: row.templateKey,
    market: row.market,
    language: row.language,
    version: row.version,
    status: row.status,
    ...(row.header !== null ? { header: row.header } : {}),
    body: row.body,
    ...(row.footer !== null ? { footer: row.footer } : {}),
    ...(row.buttons ? { buttons: row.buttons } : {}),
    contentHash: row.contentHash,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    ...(row.provider && row.providerAccount && row.providerTemplateName && row.providerLanguageCode
      ? {
          submission: {
            provider: row.provider,
            account: row.providerAccount,
            providerTemplateName: row.providerTemplateName,
            providerLanguageCode: row.providerLanguageCode,
            providerTemplateId: row.providerTemplateId,
            providerCategory: row.providerCategory,
            ...(row.pendingCategory
              ? {
                  pendingCategory: row.pendingCategory,
                  pendingCategoryAt: row.pendingCategoryAt?.toISOString() ?? null,
                }
              : {}),
            qualityScore: row.qualityScore,
            parameterFormat: row.parameterFormat ?? 'named',
            ...(row.parameterMapping ? { parameterMapping: row.parameterMapping } : {}),
            submittedAt: row.submittedAt?.toISOString() ?? null,
            attempts: row.attempts,
            ...(row.lastError ? { lastError: row.lastError } : {}),
          },
        }
      : {}),
    lint: findings,
  };
}

/** One audit entry for a change of a version, in the caller's transaction. */
export function auditVersion(
  ctx: ServiceContext,
  action: AuditAction,
  before: VersionRow | null,
  after: VersionRow | null,
): Promise<void> {
  const row = after ?? before;
  if (!row) throw new AppError('internal');
  // Findings are derived from the content, so the content is what the trail keeps.
  const view = (r: VersionRow | null) => (r ? { ...toVersionView(r, []), lint: undefined } : null);
  return recordAudit(ctx, {
    action,
    object: { type: 'version', id: `${row.templateKey}/${row.market}/${row.language}/${row.version}` },
    markets: [row.market],
    languages: [row.language],
    before: view(before),
    after: view(after),
  });
}

const variantWhere = (ref: VariantRef) =>
  and(
    eq(versions.templateKey, ref.templateKey),
    eq(versions.market, ref.market),
    eq(versions.language, ref.language),
  );

/** One version; `forUpdate` locks its row until the caller's transaction ends. */
export async function getVersion(
  ctx: ServiceContext,
  ref: VariantRef,
  n: number,
  { forUpdate = false } = {},
): Promise<VersionRow> {
  const query = ctx.db
    .select()
    .from(versions)
    .where(and(variantWhere(ref), eq(versions.version, n)));
  const [row] = await (forUpdate ? query.for('update') : query);
  if (!row) throw new AppError('unknown-version', { params: { ...ref, version: n } });
  return row;
}

export async function listVersions(
  ctx: ServiceContext,
  ref: VariantRef,
  limit: number,
  cursor: string | undefined,
): Promise<Page<VersionRow>> {
  await getTemplate(ctx, ref.templateKey);
  const before = cursor ? decodeIntegerCursor(cursor) : undefined;
  const rows = await ctx.db
    .select()
    .from(versions)
    .where(and(variantWhere(ref), before !== undefined ? lt(versions.version, before) : undefined))
    .orderBy(desc(versions.version))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(String(last.version)) : null };
}

/** A new draft, from content or copied from any version of the variant ("new version from n"). */
export async function createDraft(
  ctx: ServiceContext,
  ref: VariantRef,
  input: ContentInput | { fromVersion: number },
  createdBy: string,
): Promise<VersionRow> {
  return withTransaction(ctx, async (tx) => {
    // Locking the template row numbers versions one at a time.
    const [template] = await tx.db
      .select()
      .from(templates)
      .where(eq(templates.key, ref.templateKey))
      .for('update');
    if (!template) throw new AppError('unknown-template', { params: { template: ref.templateKey } });
    assertTemplateUsable(template);
    const market = await getMarket(tx, ref.market);
    if (!market.languages.includes(ref.language)) {
      throw new AppError('validation-failed', {
        errors: [
          fieldError('/language', 'language-not-in-market', { language: ref.language, market: ref.market }),
        ],
      });
    }
    let content: VersionContent;
    if ('fromVersion' in input) {
      content = contentOf(await getVersion(tx, ref, input.fromVersion));
    } else {
      if (input.body === undefined) {
        throw new AppError('validation-failed', { errors: [fieldError('/body', 'required')] });
      }
      content = normaliseContent({ ...input, body: input.body });
    }
    const [{ latest } = { latest: 0 }] = await tx.db
      .select({ latest: max(versions.version) })
      .from(versions)
      .where(variantWhere(ref));
    const hash = contentHash(content);
    const [row] = await tx.db
      .insert(versions)
      .values({
        ...ref,
        version: (latest ?? 0) + 1,
        header: content.header ?? null,
        body: content.body,
        footer: content.footer ?? null,
        buttons: content.buttons ?? null,
        contentHash: hash,
        ...lintColumns({ ...content, contentHash: hash }, template, ref.language),
        createdBy,
      })
      .returning();
    if (!row) throw new AppError('internal');
    await auditVersion(tx, 'version.create', null, row);
    await onCommit(tx, () => tx.changes.variantChanged(ref));
    return row;
  });
}

function assertDraft(row: VersionRow): void {
  if (!isEditable(row.status))
    throw new AppError('version-frozen', { params: { version: row.version, status: row.status } });
}

/** Drafts only; the update applies only to the revision the caller saw (If-Match). */
export async function updateDraft(
  ctx: ServiceContext,
  ref: VariantRef,
  n: number,
  patch: ContentInput,
  ifMatch: string[],
): Promise<VersionRow> {
  return withTransaction(ctx, async (tx) => {
    const current = await getVersion(tx, ref, n);
    assertDraft(current);
    assertEtagMatches(ifMatch, versionEtag(current));
    const content = normaliseContent({
      header: patch.header !== undefined ? patch.header : current.header,
      body: patch.body ?? current.body,
      footer: patch.footer !== undefined ? patch.footer : current.footer,
      buttons: patch.buttons !== undefined ? patch.buttons : current.buttons,
    });
    const hash = contentHash(content);
    const template = await getTemplate(tx, ref.templateKey);
    const [row] = await tx.db
      .update(versions)
      .set({
        header: content.header ?? null,
        body: content.body,
        footer: content.footer ?? null,
        buttons: content.buttons ?? null,
        contentHash: hash,
        ...lintColumns({ ...content, contentHash: hash }, template, ref.language),
        revision: sql`${versions.revision} + 1`,
        updatedAt: tx.clock(),
      })
      .where(
        and(
          eq(versions.id, current.id),
          eq(versions.revision, current.revision),
          eq(versions.status, 'draft'),
        ),
      )
      .returning();
    if (row) {
      await auditVersion(tx, 'version.update', current, row);
      return row;
    }
    // Someone else got there first: tell frozen from merely stale.
    assertDraft(await getVersion(tx, ref, n));
    throw new AppError('precondition-failed');
  });
}

export async function deleteDraft(
  ctx: ServiceContext,
  ref: VariantRef,
  n: number,
  ifMatch: string[],
): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const current = await getVersion(tx, ref, n);
    assertDraft(current);
    assertEtagMatches(ifMatch, versionEtag(current));
    const [row] = await tx.db
      .delete(versions)
      .where(
        and(
          eq(versions.id, current.id),
          eq(versions.revision, current.revision),
          eq(versions.status, 'draft'),
        ),
      )
      .returning({ id: versions.id });
    if (!row) {
      assertDraft(await getVersion(tx, ref, n));
      throw new AppError('precondition-failed');
    }
    await auditVersion(tx, 'version.delete', current, null);
    await onCommit(tx, () => tx.changes.variantChanged(ref));
  });
}

/**
 * Queues a version for submission: the status change, its event and the job that will submit it
 * commit together, so a crash leaves either all three or none.
 */
export async function submitVersion(
  ctx: ServiceContext,
  ref: VariantRef,
  n: number,
  actor: string,
): Promise<VersionRow> {
  return withTransaction(ctx, async (tx) => {
    const version = await getVersion(tx, ref, n, { forUpdate: true });
    if (!canSubmit(version.status)) {
      throw new AppError('version-frozen', { params: { version: version.version, status: version.status } });
    }
    const market = await getMarket(tx, ref.market);
    if (market.status !== 'active')
      throw new AppError('market-upcoming', { params: { market: market.code } });
    const facts = await variantLintFacts(tx, ref);
    assertTemplateUsable(facts.template);
    const findings = lintVersion(version, facts);
    if (hasErrors(findings)) {
      throw new AppError('lint-failed', {
        extensions: { findings: findings.filter((f) => f.severity === 'error') },
      });
    }
    const queued = await recordStatusChange(tx, version, { toStatus: 'queued', source: 'api', actor });
    const job: SubmitJob = { versionId: version.id };
    await tx.queue.send(QUEUES.submitVersion, job, { db: tx.db, singletonKey: version.id });
    await auditVersion(tx, 'version.submit', version, queued);
    return queued;
  });
}

/** rejected → in_appeal; the provider decides the appeal and reports back like any review. */
export async function appealVersion(
  ctx: ServiceContext,
  ref: VariantRef,
  n: number,
  actor: string,
  reasonText?: string,
) {
  return withTransaction(ctx, async (tx) => {
    const version = await getVersion(tx, ref, n, { forUpdate: true });
    if (!canAppeal(version.status)) {
      throw new AppError('invalid-transition', { params: { from: version.status, to: 'in_appeal' } });
    }
    const appealed = await recordStatusChange(tx, version, {
      toStatus: 'in_appeal',
      source: 'api',
      actor,
      reasonText: reasonText ?? null,
    });
    await auditVersion(tx, 'version.appeal', version, appealed);
    return appealed;
  });
}
