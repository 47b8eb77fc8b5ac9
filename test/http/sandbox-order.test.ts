import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sandboxTemplates, versions } from '../../db/schema/index.ts';
import { serviceContext } from '../../src/context.ts';
import { submitQueuedVersion } from '../../src/jobs/submission-worker.ts';
import { getMarket } from '../../src/modules/markets/markets.service.ts';
import { runSandboxReview } from '../../src/modules/sandbox/sandbox.service.ts';
import { getTemplate } from '../../src/modules/templates/templates.service.ts';
import { createDraft, createTemplate, versionsPath } from '../support/fixtures.ts';
import { useTestVetted } from '../support/harness.ts';

// Workers off: the test plays the job runner, so it can put the review before the recorded create.
const vt = useTestVetted({ workers: false });

describe('the order of a sandbox submission', () => {
  it('reads queued → pending → decision even when the review runs before the create is recorded', async () => {
    const ctx = serviceContext(vt.deps);
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    expect((await vt.request('POST', `${versionsPath(key)}/${n}/submit`)).status).toBe(202);
    const [version] = await ctx.db.select().from(versions).where(eq(versions.templateKey, key));
    if (!version) throw new Error('no version');
    const market = await getMarket(ctx, 'TR');
    const name = `${key}_tr_v${n}`;

    // A worker recorded the name, created the template and died before recording the answer…
    await ctx.db
      .update(versions)
      .set({
        provider: 'sandbox',
        providerAccount: market.providerAccount,
        providerTemplateName: name,
        providerLanguageCode: 'tr',
      })
      .where(eq(versions.id, version.id));
    await vt.deps.providers.get('sandbox').create({
      account: market.providerAccount,
      name,
      languageCode: 'tr',
      category: 'utility',
      content: { body: version.body },
      variables: (await getTemplate(ctx, key)).variables,
      parameterFormat: 'named',
    });
    // …and its review comes first: it must not decide what Vetted has not recorded as submitted.
    const job = { account: market.providerAccount, name, languageCode: 'tr' };
    await runSandboxReview(ctx, job);
    const [undecided] = await ctx.db.select().from(sandboxTemplates).where(eq(sandboxTemplates.name, name));
    expect(undecided?.status).toBe('PENDING');

    await submitQueuedVersion(ctx, { versionId: version.id });
    await runSandboxReview(ctx, job);

    const history = (await vt.request('GET', `${versionsPath(key)}/${n}/events`)).body.items;
    expect(history.map((e: { toStatus: string; effect: string }) => `${e.toStatus}:${e.effect}`)).toEqual([
      'queued:applied',
      'pending:applied',
      'approved:applied',
    ]);
  });
});
