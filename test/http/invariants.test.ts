import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, sandboxTemplates, versions } from '../../db/schema/index.ts';
import { type ServiceContext, serviceContext } from '../../src/context.ts';
import { ingestProviderStatus } from '../../src/modules/status-events/status-events.service.ts';
import {
  createDraft,
  createTemplate,
  decide,
  getStatus,
  render,
  submitAndWait,
  versionsPath,
} from '../support/fixtures.ts';
import { dbKind, startTestVetted, type TestVetted, waitFor } from '../support/harness.ts';

let vt: TestVetted;
let ctx: ServiceContext;
beforeAll(async () => {
  // The sandbox would review after ten minutes: versions stay pending until a test decides.
  vt = await startTestVetted({ env: { SANDBOX_REVIEW_DELAY_MS: '600000' } });
  ctx = serviceContext(vt.deps);
});
afterAll(async () => {
  await vt?.stop();
});

const db = () => vt.deps.database.db;

async function versionRow(key: string, n: number, market = 'TR', language = 'tr') {
  const [row] = await db()
    .select()
    .from(versions)
    .where(
      and(
        eq(versions.templateKey, key),
        eq(versions.market, market),
        eq(versions.language, language),
        eq(versions.version, n),
      ),
    );
  if (!row) throw new Error(`no version ${key} ${market} ${language} v${n}`);
  return row;
}

async function eventsOf(versionId: string) {
  return db().select().from(events).where(eq(events.versionId, versionId)).orderBy(events.id);
}

/** A template with one version in TR/tr that the provider holds as pending. */
async function pendingVersion(): Promise<{ key: string; id: string; statusAt: Date }> {
  const key = await createTemplate(vt);
  const n = await createDraft(vt, key);
  expect(await submitAndWait(vt, key, n, ['pending'])).toBe('pending');
  const row = await versionRow(key, n);
  return { key, id: row.id, statusAt: row.statusAt };
}

describe.skipIf(dbKind !== 'postgres')('under concurrency (PostgreSQL)', () => {
  it('lets exactly one of 20 concurrent PATCHes with the same If-Match win; the other 19 get 412', async () => {
    const key = await createTemplate(vt);
    const created = await vt.request('POST', versionsPath(key), {
      body: { body: 'Merhaba {{student_name}}, {{lesson_at}}.' },
    });
    const etag = created.headers.get('etag') as string;

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        vt.request('PATCH', `${versionsPath(key)}/1`, {
          body: { body: `Yazar ${i}: {{student_name}}, {{lesson_at}}.` },
          headers: { 'if-match': etag },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    for (const r of responses.filter((res) => res.status === 412)) {
      expect(r.body.type).toBe('/problems/precondition-failed');
    }

    const winner = responses.find((r) => r.status === 200);
    const row = await versionRow(key, 1);
    expect(row.body).toBe(winner?.body.body);
    expect(row.revision).toBe(2);
  });

  it('serves exactly the newest approved version after 50 concurrent approvals of one variant', async () => {
    const key = await createTemplate(vt);
    const count = 50;
    for (let i = 0; i < count; i++) await createDraft(vt, key);
    const submitted = await Promise.all(
      Array.from({ length: count }, (_, i) => vt.request('POST', `${versionsPath(key)}/${i + 1}/submit`)),
    );
    expect(submitted.map((r) => r.status)).toEqual(Array(count).fill(202));
    await waitFor(async () => {
      const rows = await db()
        .select({ status: versions.status })
        .from(versions)
        .where(eq(versions.templateKey, key));
      return rows.length === count && rows.every((r) => r.status === 'pending');
    }, 90_000);
    const rows = await db().select().from(versions).where(eq(versions.templateKey, key));
    expect(vt.deps.serving.served(key, 'TR', 'tr')).toBeUndefined();

    // Shuffled, so the newest version is not simply the last to commit.
    const order = rows.map((row) => row.id).sort(() => Math.random() - 0.5);
    const outcomes = await Promise.all(
      order.map((versionId) =>
        ingestProviderStatus(ctx, {
          versionId,
          providerStatus: 'APPROVED',
          source: 'webhook',
          occurredAt: new Date(),
          dedupeKey: `test:approve:${versionId}`,
        }),
      ),
    );
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(count).fill('applied'));

    const approved = await db()
      .select({ id: versions.id, version: versions.version, status: versions.status })
      .from(versions)
      .where(
        and(
          eq(versions.templateKey, key),
          eq(versions.market, 'TR'),
          eq(versions.language, 'tr'),
          eq(versions.status, 'approved'),
        ),
      )
      .orderBy(desc(versions.version));
    expect(approved).toHaveLength(count);
    const newest = approved[0];
    expect(newest?.version).toBe(count);

    const served = vt.deps.serving.served(key, 'TR', 'tr');
    expect(served?.versionId).toBe(newest?.id);
    expect(served?.version).toBe(count);
    expect(served).toMatchObject({ templateKey: key, market: 'TR', language: 'tr' });
    const res = await render(vt, key);
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(count);
  }, 180_000);

  it('makes one event and one state change from the same provider event delivered 10 times at once', async () => {
    const { id } = await pendingVersion();
    const before = await eventsOf(id);
    const [{ revision } = { revision: 0 }] = await db()
      .select({ revision: versions.revision })
      .from(versions)
      .where(eq(versions.id, id));
    const dedupeKey = `meta:${randomUUID()}`;
    const occurredAt = new Date();

    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () =>
        ingestProviderStatus(ctx, {
          versionId: id,
          providerStatus: 'APPROVED',
          source: 'webhook',
          occurredAt,
          dedupeKey,
          raw: { event: 'APPROVED' },
        }),
      ),
    );
    expect(outcomes.filter((o) => o.outcome === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(9);

    const withKey = await db().select().from(events).where(eq(events.dedupeKey, dedupeKey));
    expect(withKey).toHaveLength(1);
    const after = await eventsOf(id);
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((e) => e.toStatus === 'approved')).toHaveLength(1);
    const row = await db().select().from(versions).where(eq(versions.id, id));
    expect(row[0]?.status).toBe('approved');
    expect(row[0]?.revision).toBe(revision + 1);
  });
});

describe('provider events out of order and repeated', () => {
  const orderings: Array<Array<'PENDING' | 'APPROVED' | 'PAUSED'>> = [
    ['APPROVED', 'PENDING', 'PAUSED'],
    ['PENDING', 'APPROVED', 'PAUSED'],
    ['PENDING', 'PAUSED', 'APPROVED'],
    ['APPROVED', 'PAUSED', 'PENDING'],
    ['PAUSED', 'APPROVED', 'PENDING'],
    ['PAUSED', 'PENDING', 'APPROVED'],
  ];

  it.each(orderings.map((ordering) => [ordering.join(' → '), ordering] as const))(
    'ends in the state of the newest provider timestamp when delivered %s, each twice',
    async (_label, ordering) => {
      const { key, id, statusAt } = await pendingVersion();
      // The provider's truth is its newest state: what a status read tells.
      await db()
        .update(sandboxTemplates)
        .set({ status: 'PAUSED' })
        .where(eq(sandboxTemplates.name, `${key}_tr_v1`));
      const base = statusAt.getTime();
      // The provider's own times: PENDING at t1 < APPROVED at t2 < PAUSED at t3.
      const at = { PENDING: base + 60_000, APPROVED: base + 120_000, PAUSED: base + 180_000 };
      const delivery = Object.fromEntries(ordering.map((status) => [status, randomUUID()]));
      const deliver = (status: 'PENDING' | 'APPROVED' | 'PAUSED') =>
        ingestProviderStatus(ctx, {
          versionId: id,
          providerStatus: status,
          source: 'webhook',
          occurredAt: new Date(at[status]),
          dedupeKey: `meta:${delivery[status]}`,
          raw: { event: status },
        });

      const outcomes: string[] = [];
      for (const status of ordering) {
        const first = await deliver(status);
        const second = await deliver(status);
        expect(second.outcome).toBe('duplicate');
        outcomes.push(first.outcome);
      }
      const history = await eventsOf(id);
      const fromWebhooks = history.filter((e) => e.dedupeKey?.startsWith('meta:'));
      // One event per delivery that was news, none for the repeats.
      expect(fromWebhooks).toHaveLength(outcomes.filter((o) => o !== 'unchanged').length);
      // A transition the lifecycle does not allow (pending → paused) is not applied: it asks the provider.
      if (ordering.indexOf('PAUSED') < ordering.indexOf('APPROVED')) {
        expect(
          fromWebhooks.find((e) => e.toStatus === 'paused' || e.providerStatus === 'PAUSED')?.effect,
        ).toBe('verify');
      }

      // The whole sequence redelivered later still makes at most one event per delivery.
      for (const status of ordering) await deliver(status);
      const again = await eventsOf(id);
      for (const status of ordering) {
        expect(again.filter((e) => e.dedupeKey === `meta:${delivery[status]}`).length).toBeLessThanOrEqual(1);
      }

      await waitFor(async () => (await getStatus(vt, key, 1)) === 'paused');
      const settled = await eventsOf(id);
      expect(settled.filter((e) => e.toStatus === 'paused' && e.effect === 'applied')).toHaveLength(1);

      const res = await render(vt, key);
      expect(res.status).toBe(404);
      expect(res.body.type).toBe('/problems/no-approved-variant');
      expect(vt.deps.serving.served(key, 'TR', 'tr')).toBeUndefined();
    },
  );

  it('asks the provider when two statuses carry the same provider time, and applies its answer', async () => {
    const { key, id, statusAt } = await pendingVersion();
    await db()
      .update(sandboxTemplates)
      .set({ status: 'REJECTED', reason: 'INVALID_FORMAT' })
      .where(eq(sandboxTemplates.name, `${key}_tr_v1`));
    const tie = new Date(statusAt.getTime() + 60_000);
    const first = await ingestProviderStatus(ctx, {
      versionId: id,
      providerStatus: 'APPROVED',
      source: 'webhook',
      occurredAt: tie,
      dedupeKey: `meta:${randomUUID()}`,
    });
    expect(first.outcome).toBe('applied');
    const second = await ingestProviderStatus(ctx, {
      versionId: id,
      providerStatus: 'REJECTED',
      source: 'webhook',
      occurredAt: tie,
      dedupeKey: `meta:${randomUUID()}`,
    });
    expect(second.outcome).toBe('verify');
    await waitFor(async () => (await getStatus(vt, key, 1)) === 'rejected');
    const read = (await eventsOf(id)).at(-1);
    expect(read).toMatchObject({
      source: 'poll',
      toStatus: 'rejected',
      effect: 'applied',
      reason: 'INVALID_FORMAT',
    });
  });

  it('ends approved when APPROVED is the newest of the events, whatever arrives after it', async () => {
    const { key, id, statusAt } = await pendingVersion();
    const base = statusAt.getTime();
    const ingest = (providerStatus: string, offset: number) =>
      ingestProviderStatus(ctx, {
        versionId: id,
        providerStatus,
        source: 'webhook',
        occurredAt: new Date(base + offset),
        dedupeKey: `meta:${randomUUID()}`,
      });
    await ingest('APPROVED', 180_000);
    expect((await ingest('PAUSED', 120_000)).outcome).toBe('stale');
    expect((await ingest('PENDING', 60_000)).outcome).toBe('stale');
    expect(await getStatus(vt, key, 1)).toBe('approved');
    expect(vt.deps.serving.served(key, 'TR', 'tr')?.versionId).toBe(id);
  });
});

describe('unknown provider statuses', () => {
  it('stores an unknown status raw with effect unmapped, without changing the status or serving it', async () => {
    const { key, id } = await pendingVersion();
    const outcome = await ingestProviderStatus(ctx, {
      versionId: id,
      providerStatus: 'UNDER_REVIEW_V2',
      source: 'webhook',
      occurredAt: new Date(Date.now() + 60_000),
      dedupeKey: `meta:${randomUUID()}`,
      raw: { event: 'UNDER_REVIEW_V2', other: 'field' },
    });
    expect(outcome.outcome).toBe('unmapped');

    expect(await getStatus(vt, key, 1)).toBe('pending');
    expect(vt.deps.serving.served(key, 'TR', 'tr')).toBeUndefined();
    const res = await render(vt, key);
    expect(res.status).toBe(404);
    expect(res.body.type).toBe('/problems/no-approved-variant');

    const history = await vt.request('GET', `${versionsPath(key)}/1/events`);
    const flagged = history.body.items.at(-1);
    expect(flagged).toMatchObject({
      providerStatus: 'UNDER_REVIEW_V2',
      effect: 'unmapped',
      fromStatus: 'pending',
      toStatus: 'pending',
      source: 'webhook',
      raw: { event: 'UNDER_REVIEW_V2', other: 'field' },
    });
  });

  it('never turns an unknown status into approval or disturbs a served version', async () => {
    const { key, id } = await pendingVersion();
    await decide(vt, key, 1, 'approved');
    expect(vt.deps.serving.served(key, 'TR', 'tr')?.version).toBe(1);
    const outcome = await ingestProviderStatus(ctx, {
      versionId: id,
      providerStatus: 'UNDER_REVIEW_V2',
      source: 'poll',
      occurredAt: new Date(Date.now() + 60_000),
      dedupeKey: `poll:${randomUUID()}`,
    });
    expect(outcome.outcome).toBe('unmapped');
    expect(await getStatus(vt, key, 1)).toBe('approved');
    expect((await render(vt, key)).body.version).toBe(1);
  });
});

describe('rejection history', () => {
  it('keeps every rejection listed after new versions are made from the rejected one and approved', async () => {
    const { key } = await pendingVersion();
    await decide(vt, key, 1, 'rejected', 'TR', 'INVALID_FORMAT');
    expect(await getStatus(vt, key, 1)).toBe('rejected');
    const rejectionsBefore = (await vt.request('GET', `${versionsPath(key)}/1/events`)).body.items.filter(
      (e: { toStatus: string }) => e.toStatus === 'rejected',
    );
    expect(rejectionsBefore).toHaveLength(1);
    expect(rejectionsBefore[0]).toMatchObject({ reason: 'INVALID_FORMAT', fromStatus: 'pending' });

    // Appealed and rejected again: both rejections stay.
    const appeal = await vt.request('POST', `${versionsPath(key)}/1/appeal`, {
      body: { reasonText: 'Plain utility text' },
    });
    expect(appeal.status, JSON.stringify(appeal.body)).toBe(200);
    expect(appeal.body.status).toBe('in_appeal');
    await decide(vt, key, 1, 'rejected', 'TR', 'TAG_CONTENT_MISMATCH');

    const v2 = await createDraft(vt, key, { fromVersion: 1 });
    const v3 = await createDraft(vt, key, { fromVersion: 1 });
    expect([v2, v3]).toEqual([2, 3]);
    expect(await submitAndWait(vt, key, v3, ['pending'])).toBe('pending');
    await decide(vt, key, v3, 'approved');
    expect((await render(vt, key)).body.version).toBe(3);

    const v1Events = (await vt.request('GET', `${versionsPath(key)}/1/events`)).body.items;
    const rejections = v1Events.filter((e: { toStatus: string }) => e.toStatus === 'rejected');
    expect(rejections).toHaveLength(2);
    expect(rejections[0]).toEqual(rejectionsBefore[0]);
    expect(rejections.map((e: { reason: string }) => e.reason)).toEqual([
      'INVALID_FORMAT',
      'TAG_CONTENT_MISMATCH',
    ]);
    expect(await getStatus(vt, key, 1)).toBe('rejected');

    const templateEvents = (await vt.request('GET', `/v1/templates/${key}/events`)).body.items;
    expect(
      templateEvents
        .filter((e: { toStatus: string }) => e.toStatus === 'rejected')
        .map((e: { version: number; reason: string }) => `v${e.version}:${e.reason}`),
    ).toEqual(['v1:INVALID_FORMAT', 'v1:TAG_CONTENT_MISMATCH']);

    // A rejected version is frozen too: its content cannot be rewritten.
    const v1 = await vt.request('GET', `${versionsPath(key)}/1`);
    const patch = await vt.request('PATCH', `${versionsPath(key)}/1`, {
      body: { body: 'Rewritten {{student_name}} {{lesson_at}}' },
      headers: { 'if-match': v1.headers.get('etag') as string },
    });
    expect(patch.status).toBe(409);
    expect(patch.body.type).toBe('/problems/version-frozen');
  });
});
