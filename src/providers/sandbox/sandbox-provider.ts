import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/database.ts';
import { sandboxTemplates } from '../../../db/schema/index.ts';
import { toMetaLanguageCode } from '../../domain/language-codes.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { QUEUES } from '../../jobs/queue.ts';
import { buildMetaSendPayload } from '../meta/send-payload.ts';
import {
  type ProviderAdapter,
  ProviderError,
  type ProviderTemplate,
  type SubmitRequest,
  type TemplateLocator,
} from '../provider.ts';

export interface SandboxReviewJob {
  account: string;
  name: string;
  languageCode: string;
  /** How often the review already waited for the submission to be recorded. */
  waits?: number;
}

type SandboxRow = typeof sandboxTemplates.$inferSelect;

const toProviderTemplate = (row: SandboxRow): ProviderTemplate => ({
  providerTemplateId: row.id,
  status: row.status,
  category: row.category,
  reason: row.reason,
  raw: { id: row.id, name: row.name, language: row.languageCode, status: row.status, category: row.category },
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
    // The template and its review commit together: a crash cannot leave a template nobody reviews.
    async create(request: SubmitRequest) {
      const job: SandboxReviewJob = {
        account: request.account,
        name: request.name,
        languageCode: request.languageCode,
      };
      const row = await deps.db.transaction(async (tx) => {
        const [inserted] = await tx
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
        if (inserted) {
          await deps.queue.send(QUEUES.sandboxReview, job, {
            db: tx,
            startAfter: new Date(Date.now() + deps.reviewDelayMs),
          });
        }
        return inserted;
      });
      if (!row) {
        throw new ProviderError('Content in this language already exists', {
          transient: false,
          duplicate: true,
        });
      }
      return toProviderTemplate(row);
    },
    async fetchStatus(locator: TemplateLocator) {
      const row = await find(locator.account, locator.name, locator.languageCode);
      return row ? toProviderTemplate(row) : null;
    },
    buildSendPayload: buildMetaSendPayload,
  };
}
