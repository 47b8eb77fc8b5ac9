import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { idempotencyKeys } from '../../db/schema/index.ts';
import { createDraft, createTemplate, versionsPath } from '../support/fixtures.ts';
import { ADMIN_KEY, dbKind, useTestVetted, waitFor } from '../support/harness.ts';

// The clock runs ahead by `ahead` ms when a test needs a day to pass.
let ahead = 0;
// Reviews wait ten minutes, so a submitted version stays where the submit left it.
const vt = useTestVetted({
  env: { SANDBOX_REVIEW_DELAY_MS: '600000' },
  clock: () => new Date(Date.now() + ahead),
});

const submit = (key: string, n: number, idempotencyKey: string) =>
  vt.request('POST', `${versionsPath(key)}/${n}/submit`, { headers: { 'idempotency-key': idempotencyKey } });

async function queuedEvents(key: string, n: number): Promise<number> {
  const events = await vt.request('GET', `${versionsPath(key)}/${n}/events`);
  return events.body.items.filter((e: { toStatus: string }) => e.toStatus === 'queued').length;
}

describe('Idempotency-Key on submit', () => {
  it('answers a repeated submit with the first answer and submits once', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    const first = await submit(key, n, 'submit-once-1');
    const again = await submit(key, n, 'submit-once-1');
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await queuedEvents(key, n)).toBe(1);
    // Without the key the same call is a new request, refused because the version is no longer a draft.
    expect((await vt.request('POST', `${versionsPath(key)}/${n}/submit`)).status).toBe(409);
  });

  it('refuses the same key with another request', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    const other = await createDraft(vt, key);
    expect((await submit(key, n, 'shared-key')).status).toBe(202);
    const reused = await submit(key, other, 'shared-key');
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe('/problems/idempotency-key-reused');
    expect((await vt.request('GET', `${versionsPath(key)}/${other}`)).body.status).toBe('draft');
  });

  it('replays a refusal too, so a retry sees what the first attempt saw', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key, { body: '{{#if student_name}}Merhaba{{/if}}' });
    const first = await submit(key, n, 'lint-refusal');
    expect(first.status).toBe(422);
    const again = await submit(key, n, 'lint-refusal');
    expect(again.status).toBe(422);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.type).toBe('/problems/lint-failed');
  });

  it.skipIf(dbKind !== 'postgres')(
    'gives 20 concurrent identical submits one effect and the same answer, 19 of them replays',
    async () => {
      const key = await createTemplate(vt);
      const n = await createDraft(vt, key);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => submit(key, n, 'concurrent-submit')),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(202);
        expect(answer.body).toEqual(answers[0]?.body);
        expect(answer.headers.get('etag')).toBe(answers[0]?.headers.get('etag'));
      }
      expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true').length).toBe(19);
      expect(await queuedEvents(key, n)).toBe(1);
    },
  );
});

const adminKeyId = () => {
  const principal = vt.deps.apiKeys.cached(ADMIN_KEY);
  if (!principal) throw new Error('no admin key');
  return principal.keyId;
};
const claimOf = (idempotencyKey: string) =>
  and(eq(idempotencyKeys.principal, adminKeyId()), eq(idempotencyKeys.key, idempotencyKey));

/** What a request that claimed the key and then died (process killed) leaves behind. */
async function abandonedClaim(key: string, n: number, idempotencyKey: string, claimedForMs: number) {
  const requestHash = createHash('sha256')
    .update(`POST ${versionsPath(key)}/${n}/submit\n`)
    .digest('hex');
  await vt.deps.database.db.insert(idempotencyKeys).values({
    principal: adminKeyId(),
    key: idempotencyKey,
    requestHash,
    claimedUntil: new Date(Date.now() + claimedForMs),
  });
}

describe('Idempotency-Key lifetime', () => {
  it('does not hold a key forever when the request that claimed it died', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    await abandonedClaim(key, n, 'crashed-long-ago', -1000);
    const retry = await submit(key, n, 'crashed-long-ago');
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await queuedEvents(key, n)).toBe(1);
    // The retry's answer is now the key's answer.
    const again = await submit(key, n, 'crashed-long-ago');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(retry.body);
  });

  it('makes a repeat wait while the first request holds the key, then answers it', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    await abandonedClaim(key, n, 'still-running', 1500);
    const started = Date.now();
    const retry = await submit(key, n, 'still-running');
    expect(retry.status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(await queuedEvents(key, n)).toBe(1);
  });

  it('keeps a key 24 hours: after that it may name another request, and old keys are purged', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    const other = await createDraft(vt, key);
    expect((await submit(key, n, 'a-day-old')).status).toBe(202);
    expect((await submit(key, other, 'a-day-old')).status).toBe(422);
    const db = vt.deps.database.db;
    await db
      .update(idempotencyKeys)
      .set({ createdAt: sql`now() - interval '25 hours'` })
      .where(claimOf('a-day-old'));
    expect((await submit(key, other, 'a-day-old')).status).toBe(202);

    await db.insert(idempotencyKeys).values({
      principal: adminKeyId(),
      key: 'forgotten',
      requestHash: 'x',
      status: 202,
      body: {},
      createdAt: new Date(Date.now() - 25 * 3600_000),
    });
    // A purge runs at most once a minute; let a minute pass, then any keyed request triggers it.
    ahead = 2 * 60_000;
    const third = await createDraft(vt, key);
    expect((await submit(key, third, 'after-a-minute')).status).toBe(202);
    await waitFor(
      async () => (await db.select().from(idempotencyKeys).where(claimOf('forgotten'))).length === 0,
    );
    expect(await db.select().from(idempotencyKeys).where(claimOf('after-a-minute'))).toHaveLength(1);
  });
});
