import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { versions } from '../../db/schema/index.ts';
import { serviceContext } from '../../src/context.ts';
import { reconcile } from '../../src/jobs/status-check.ts';
import { createDraft, createTemplate } from '../support/fixtures.ts';
import { useTestVetted } from '../support/harness.ts';

// Workers off: the status reads the sweeps queue stay queued, where the test can count them.
const vt = useTestVetted({ workers: false });

describe('reconciliation sweeps', () => {
  it('queue one status read per version however often they run', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key);
    const db = vt.deps.database.db;
    await db
      .update(versions)
      .set({
        status: 'approved',
        provider: 'sandbox',
        providerAccount: 'sandbox-tr',
        providerTemplateName: `${key}_tr_v1`,
        providerLanguageCode: 'tr',
      })
      .where(eq(versions.templateKey, key));
    const ctx = serviceContext(vt.deps);
    // Two instances sweeping at once, as far as the queue can tell.
    await Promise.all([reconcile(ctx), reconcile(ctx)]);
    await reconcile(ctx);
    const [version] = await db.select().from(versions).where(eq(versions.templateKey, key));
    const result = await db.execute(
      sql`select count(*)::int as n from pgboss.job where name = 'verify-status' and state = 'created' and data->>'versionId' = ${version?.id ?? ''}`,
    );
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{
      n: number;
    }>;
    expect(rows[0]?.n).toBe(1);
  });
});
