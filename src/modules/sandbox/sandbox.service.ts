import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { sandboxTemplates } from '../../../db/schema/index.ts';
import type { ServiceContext } from '../../context.ts';
import {
  TEMPLATE_CATEGORIES,
  type TemplateCategory,
  templateVariableSchema,
  versionContentSchema,
} from '../../domain/content.ts';
import { fromMetaLanguageCode, toMetaLanguageCode } from '../../domain/language-codes.ts';
import { AppError } from '../../errors.ts';
import type { SandboxReviewJob } from '../../providers/sandbox/sandbox-provider.ts';
import { reviewTemplate } from '../../providers/sandbox/sandbox-review.ts';
import { ingestProviderStatus } from '../status-events/status-events.service.ts';

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

async function decide(
  ctx: ServiceContext,
  row: SandboxRow,
  status: string,
  reason: string | null,
  reasonText: string | null,
  actor: string,
) {
  await ctx.db
    .update(sandboxTemplates)
    .set({ status, reason, updatedAt: ctx.clock() })
    .where(eq(sandboxTemplates.id, row.id));
  return ingestProviderStatus(ctx, {
    provider: 'sandbox',
    providerAccount: row.account,
    providerTemplateName: row.name,
    providerLanguageCode: row.languageCode,
    providerStatus: status,
    reason,
    reasonText,
    source: 'sandbox',
    actor,
    occurredAt: ctx.clock(),
    dedupeKey: `sandbox:${row.id}:${randomUUID()}`,
    providerTemplateId: row.id,
    raw: { id: row.id, name: row.name, language: row.languageCode, event: status, reason },
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

/** The background review: lint errors → INVALID_FORMAT, promotional utility → INCORRECT_CATEGORY, else approved. */
export async function runSandboxReview(ctx: ServiceContext, job: SandboxReviewJob): Promise<void> {
  const [row] = await findRows(ctx, job.name, job.languageCode);
  if (row?.status !== 'PENDING') return;
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
  actor: string,
) {
  const languageCode = input.language ? (toMetaLanguageCode(input.language) ?? input.language) : undefined;
  const rows = await findRows(ctx, input.providerTemplateName, languageCode);
  const [row] = rows;
  if (!row) throw new AppError('not-found', { params: { resource: input.providerTemplateName } });
  if (rows.length > 1) {
    throw new AppError('validation-failed', {
      errors: [{ path: '/language', message: 'several languages use this name; say which one' }],
    });
  }
  const reason = input.reason ?? (input.status === 'rejected' ? 'INVALID_FORMAT' : 'NONE');
  const outcome = await decide(ctx, row, input.status.toUpperCase(), reason, input.reasonText ?? null, actor);
  return { providerTemplateName: row.name, languageCode: row.languageCode, outcome: outcome.outcome };
}
