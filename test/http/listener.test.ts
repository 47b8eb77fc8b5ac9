import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, createTemplate, decide, render, submitAndWait } from '../support/fixtures.ts';
import { dbKind, startTestVetted, type TestVetted, waitFor } from '../support/harness.ts';

/**
 * NOTIFY is not guaranteed: these instances must still never drift. `a` makes the changes; `b`
 * loses its listener and must notice and catch up; `c` misses a change nobody announced and must
 * catch up by its periodic reload.
 */
describe.skipIf(dbKind !== 'postgres')('instances that never drift (PostgreSQL)', () => {
  let a: TestVetted;
  let b: TestVetted;
  let c: TestVetted;
  beforeAll(async () => {
    a = await startTestVetted({ env: { SANDBOX_REVIEW_DELAY_MS: '600000' } });
    b = await startTestVetted({
      env: { SANDBOX_REVIEW_DELAY_MS: '600000', LISTENER_RETRY_MS: '3000', CACHE_REFRESH_MS: '600000' },
      sameDatabaseAs: a,
      workers: false,
    });
    c = await startTestVetted({
      env: { SANDBOX_REVIEW_DELAY_MS: '600000', CACHE_REFRESH_MS: '1000' },
      sameDatabaseAs: a,
      workers: false,
    });
  });
  afterAll(async () => {
    await c?.stop();
    await b?.stop();
    await a?.stop();
  });

  async function pendingVersion(): Promise<string> {
    const key = await createTemplate(a);
    expect(await submitAndWait(a, key, await createDraft(a, key), ['pending'])).toBe('pending');
    return key;
  }

  it('reports a lost listener in /readyz until it listens again, then serves what changed meanwhile', async () => {
    const key = await pendingVersion();
    const ready = await b.request('GET', '/readyz', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body.checks.listener).toBe('ok');

    await a.deps.database.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`,
    );
    await waitFor(async () => (await b.request('GET', '/readyz', { key: null })).status === 503, 2000);
    const lost = await b.request('GET', '/readyz', { key: null });
    expect(lost.body.checks).toMatchObject({ database: 'ok', migrations: 'ok', listener: 'lost' });
    expect(lost.body.status).toBe('unavailable');

    // Announced while b is not listening: b misses the notification.
    await decide(a, key, 1, 'approved');
    const missed = await render(b, key);
    expect((await b.request('GET', '/readyz', { key: null })).body.checks.listener).toBe('lost');
    expect(missed.status).toBe(404);

    await waitFor(async () => (await b.request('GET', '/readyz', { key: null })).status === 200, 10_000);
    // Ready means caught up: served at once, not at the next periodic reload (10 minutes away).
    expect((await render(b, key)).status).toBe(200);
    const metrics = (await b.request('GET', '/metrics', { key: null })).body as string;
    expect(metrics).toContain('vetted_change_listener_up 1');
    expect(metrics).toMatch(/vetted_cache_refreshes_total\{trigger="resubscribed",outcome="ok"\} [1-9]/);
  });

  it('catches up with a change nobody announced at its periodic reload', async () => {
    const key = await pendingVersion();
    expect((await render(c, key)).status).toBe(404);
    // As if the notification were lost on the way: the row changes, nothing is announced.
    await a.deps.database.db.execute(
      sql`update versions set status = 'approved' where template_key = ${key} and version = 1`,
    );
    await waitFor(async () => (await render(c, key)).status === 200, 5000);
    const metrics = (await c.request('GET', '/metrics', { key: null })).body as string;
    expect(metrics).toMatch(/vetted_cache_drift_total [1-9]/);
  });

  it('measures how long an announced change takes to reach another instance', async () => {
    const key = await pendingVersion();
    await decide(a, key, 1, 'approved');
    await waitFor(async () => (await render(c, key)).status === 200, 1000);
    const metrics = (await c.request('GET', '/metrics', { key: null })).body as string;
    expect(metrics).toMatch(/vetted_cache_invalidation_lag_seconds_count [1-9]/);
  });
});
