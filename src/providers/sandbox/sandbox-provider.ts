import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/database.ts';
import { sandboxTemplates } from '../../../db/schema/index.ts';
import { toMetaLanguageCode } from '../../domain/language-codes.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { QUEUES } from '../../jobs/queue.ts';
import { buildMetaSendPayload } from '../meta/send-payload.ts';
import type { ProviderAdapter, ProviderTemplate, SubmitRequest, TemplateLocator } from '../provider.ts';

export interface SandboxReviewJob {
  account: string;
  name: string;
  languageCode: string;
}

type SandboxRow = typeof sandboxTemplates.$inferSelect;

const toProviderTemplate = (row: SandboxRow): ProviderTemplate => ({
  providerTemplateId: row.id,
  status: row.status,
  category: row.category,
  reason: row.reason,
});

/**
 * The embedded provider: keeps its templates in its own table, reviews them after a delay in a
 * background job, and speaks Meta's language codes and send-message format.
 */
export function createSandboxProvider(deps: {
  db: Db;
  queue: JobQueue;
  reviewDelayMs: number;
}): ProviderAdapter {
  const find = async (account: string, name: string, languageCode: string) => {
    const [row] = await deps.db
      .select()
      .from(sandboxTemplates)
      .where(
        and(
          eq(sandboxTemplates.account, account),
          eq(sandboxTemplates.name, name),
          eq(sandboxTemplates.languageCode, languageCode),
        ),
      );
    return row;
  };

  return {
    kind: 'sandbox',
    parameterFormat: 'named',
    languageCode: toMetaLanguageCode,
    async submit(request: SubmitRequest) {
      const existing = await find(request.account, request.name, request.languageCode);
      if (existing) return toProviderTemplate(existing);
      const [row] = await deps.db
        .insert(sandboxTemplates)
        .values({
          account: request.account,
          name: request.name,
          languageCode: request.languageCode,
          id: `sbx_${randomUUID()}`,
          category: request.category.toUpperCase(),
          components: { content: request.content, variables: request.variables },
          status: 'PENDING',
        })
        .onConflictDoNothing()
        .returning();
      const created = row ?? (await find(request.account, request.name, request.languageCode));
      if (!created) throw new Error('sandbox template vanished');
      const job: SandboxReviewJob = {
        account: request.account,
        name: request.name,
        languageCode: request.languageCode,
      };
      await deps.queue.send(QUEUES.sandboxReview, job, {
        startAfter: new Date(Date.now() + deps.reviewDelayMs),
      });
      return toProviderTemplate(created);
    },
    async fetchStatus(locator: TemplateLocator) {
      const row = await find(locator.account, locator.name, locator.languageCode);
      return row ? toProviderTemplate(row) : null;
    },
    // Sandbox decisions are made in-process and ingested directly; nothing arrives by webhook.
    parseStatusEvents: () => [],
    buildSendPayload: buildMetaSendPayload,
  };
}
