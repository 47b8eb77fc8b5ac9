import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { sandboxTemplates, versions } from '../../../db/schema/index.ts';
import { type ServiceContext, withTransaction } from '../../context.ts';
import {
  TEMPLATE_CATEGORIES,
  type TemplateCategory,
  templateVariableSchema,
  versionContentSchema,
} from '../../domain/content.ts';
import { fromMetaLanguageCode, toMetaLanguageCode } from '../../domain/language-codes.ts';
import { canTransition, mapProviderStatus } from '../../domain/lifecycle.ts';
import { AppError, fieldError } from '../../errors.ts';
import { inScope, type Principal } from '../../http/principal.ts';
import { QUEUES } from '../../jobs/queue.ts';
import type { SandboxReviewJob } from '../../providers/sandbox/sandbox-provider.ts';
import { reviewTemplate } from '../../providers/sandbox/sandbox-review.ts';
import { ingestProviderStatus } from '../status-events/status-events.service.ts';
import { auditVersion } from '../versions/versions.service.ts';

export const SANDBOX_DECISIONS = [
  'approved',
  'rejected',
  'paused',
  'disabled',
  'reinstated',
  'in_appeal',
] as const;
export type SandboxDecisionStatus = (typeof SANDBOX_DECISIONS)[number];

type SandboxRow = typeof sandboxTemplates.$inferSelect;

/** What the sandbox stored at submission; read back through zod since it is a JSON column. */
const storedComponents = z.object({
  content: versionContentSchema,
  variables: z.array(templateVariableSchema),
});

/** The sandbox's own record and what Vetted learns from it commit together: a crash loses neither. */
async function decide(
  ctx: ServiceContext,
  row: SandboxRow,
  status: string,
  reason: string | null,
  reasonText: string | null,
  actor: string,
) {
  return withTransaction(ctx, async (tx) => {
    await tx.db
      .update(sandboxTemplates)
      .set({ status, reason, updatedAt: tx.clock() })
      .where(eq(sandboxTemplates.id, row.id));
    return ingestProviderStatus(tx, {
      provider: 'sandbox',
      providerAccount: row.account,
      providerTemplateName: row.name,
      providerLanguageCode: row.languageCode,
      providerStatus: status,
      reason,
      reasonText,
      source: 'sandbox',
      actor,
      occurredAt: tx.clock(),
      dedupeKey: `sandbox:${row.id}:${randomUUID()}`,
      providerTemplateId: row.id,
      raw: { id: row.id, name: row.name, language: row.languageCode, event: status, reason },
    });
  });
}

async function findRows(ctx: ServiceContext, name: string, languageCode?: string) {
  return ctx.db
    .select()
    .from(sandboxTemplates)
    .where(
      and(
        eq(sandboxTemplates.name, name),
        languageCode ? eq(sandboxTemplates.languageCode, languageCode) : undefined,
      ),
    );
}

/** The version Vetted submitted as this sandbox template, once the worker has recorded its name. */
async function versionOf(ctx: ServiceContext, row: SandboxRow) {
  const [version] = await ctx.db
    .select()
    .from(versions)
    .where(
      and(
        eq(versions.provider, 'sandbox'),
        eq(versions.providerAccount, row.account),
        eq(versions.providerTemplateName, row.name),
        eq(versions.providerLanguageCode, row.languageCode),
      ),
    );
  return version;
}

/** How soon the review looks again when the submission has not been recorded yet, doubling each time. */
const REVIEW_RETRY_MS = 200;
const REVIEW_RETRY_MAX_MS = 10_000;
/** About ten minutes of waiting: longer than a crashed worker's job takes to come back. */
const REVIEW_MAX_WAITS = 70;

/**
 * The background review: lint errors → INVALID_FORMAT, promotional utility → INCORRECT_CATEGORY,
 * else approved. Like a real provider it decides only what it has acknowledged: while the version
 * still reads `queued` (the worker has not recorded the create yet), the review waits, so a history
 * always reads queued → pending → decision.
 */
export async function runSandboxReview(ctx: ServiceContext, job: SandboxReviewJob): Promise<void> {
  const [row] = await findRows(ctx, job.name, job.languageCode);
  if (row?.status !== 'PENDING') return;
  const version = await versionOf(ctx, row);
  const waits = job.waits ?? 0;
  if ((!version || version.status === 'queued') && waits < REVIEW_MAX_WAITS) {
    const delay = Math.min(REVIEW_RETRY_MAX_MS, REVIEW_RETRY_MS * 2 ** waits);
    await ctx.queue.send(QUEUES.sandboxReview, { ...job, waits: waits + 1 } satisfies SandboxReviewJob, {
      startAfter: new Date(Date.now() + delay),
    });
    return;
  }
  const stored = storedComponents.parse(row.components);
  const category = row.category.toLowerCase();
  const decision = reviewTemplate({
    content: stored.content,
    variables: stored.variables,
    category: (TEMPLATE_CATEGORIES as readonly string[]).includes(category)
      ? (category as TemplateCategory)
      : 'utility',
    language: fromMetaLanguageCode(row.languageCode),
  });
  await decide(ctx, row, decision.status, decision.reason, decision.reasonText ?? null, 'sandbox-review');
}

/**
 * Sandbox templates behind versions of the key's markets and languages, with their version;
 * others are left out, so they answer as if the name were unknown.
 */
async function inScopeRows(ctx: ServiceContext, principal: Principal, rows: SandboxRow[]) {
  const found = [];
  for (const row of rows) {
    const version = await versionOf(ctx, row);
    if (version && inScope(principal, version.market, version.language)) found.push({ row, version });
  }
  return found;
}

/** Forces a decision on a sandbox template, as a reviewer at the provider would. */
export async function forceSandboxDecision(
  ctx: ServiceContext,
  input: {
    providerTemplateName: string;
    language?: string | undefined;
    status: SandboxDecisionStatus;
    reason?: string | undefined;
    reasonText?: string | undefined;
  },
  principal: Principal,
) {
  return withTransaction(ctx, (tx) => forceInTransaction(tx, input, principal));
}

async function forceInTransaction(
  ctx: ServiceContext,
  input: Parameters<typeof forceSandboxDecision>[1],
  principal: Principal,
) {
  const languageCode = input.language ? (toMetaLanguageCode(input.language) ?? input.language) : undefined;
  const rows = await inScopeRows(
    ctx,
    principal,
    await findRows(ctx, input.providerTemplateName, languageCode),
  );
  const [found] = rows;
  if (!found) throw new AppError('not-found', { params: { resource: input.providerTemplateName } });
  if (rows.length > 1) {
    throw new AppError('validation-failed', {
      errors: [fieldError('/language', 'sandbox.ambiguous-language')],
    });
  }
  const { row, version } = found;
  const current = mapProviderStatus(row.status);
  const next = mapProviderStatus(input.status);
  // A reviewer at a real provider cannot pause a template still under review: neither can the sandbox's.
  if (current && next && current !== next && !canTransition(current, next)) {
    throw new AppError('conflict', {
      params: { resource: `${row.name}: a ${current} template cannot become ${next}` },
    });
  }
  const reason = input.reason ?? (input.status === 'rejected' ? 'INVALID_FORMAT' : 'NONE');
  const outcome = await decide(
    ctx,
    row,
    input.status.toUpperCase(),
    reason,
    input.reasonText ?? null,
    principal.keyId,
  );
  await auditVersion(ctx, 'sandbox.decide', version, 'version' in outcome ? outcome.version : version);
  return { providerTemplateName: row.name, languageCode: row.languageCode, outcome: outcome.outcome };
}
