import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database.ts';
import { versions } from '../../db/schema/index.ts';
import { serviceContext } from '../../src/context.ts';
import { submitQueuedVersion } from '../../src/jobs/submission-worker.ts';
import { FakeMetaServer } from '../fakes/meta-server.ts';
import { createDraft, createTemplate, maltaMarket, versionsPath } from '../support/fixtures.ts';
import { startTestVetted, type TestVetted } from '../support/harness.ts';

/**
 * "10 simulated minutes of provider 503s lose no submission" (reliability: Submitting to a
 * provider). The clock is fake and the worker is driven by hand: each retry the worker schedules is
 * read from pg-boss's job table and run when the fake clock reaches its start time, so ten minutes
 * of backoff take a second. The default retry settings are kept: they are the promise.
 */

const WABA = '880011223344';
const OUTAGE_MS = 10 * 60_000;
const BASE_MS = 2000;

let now = Date.parse('2026-06-01T09:00:00Z');
const clock = () => new Date(now);

let meta: FakeMetaServer;
let vt: TestVetted;

beforeAll(async () => {
  meta = await new FakeMetaServer().start();
  vt = await startTestVetted({
    workers: false,
    clock,
    env: {
      META_GRAPH_URL: meta.url,
      META_ACCESS_TOKEN: FakeMetaServer.TOKEN,
      META_APP_SECRET: 'outage-app-secret',
      META_VERIFY_TOKEN: 'outage-verify-token',
    },
  });
  const market = await vt.request('PUT', '/v1/markets/MT', {
    body: maltaMarket({ kind: 'meta', account: WABA }),
  });
  expect(market.status, JSON.stringify(market.body)).toBe(201);
});

afterAll(async () => {
  await vt?.stop();
  await meta?.stop();
});

interface QueuedJob {
  id: string;
  startAfter: number;
  data: { versionId: string };
}

/** drizzle's `execute` answers rows on postgres.js and `{ rows }` on PGlite. */
async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/** The submission jobs waiting for this version that the test has not run yet. */
async function waitingJobs(versionId: string, done: Set<string>): Promise<QueuedJob[]> {
  const found = await rows<{ id: string; start_after: string | Date; data: { versionId: string } }>(
    vt.deps.database.db,
    sql`select id, start_after, data from pgboss.job
        where name = 'submit-version' and state = 'created' and data->>'versionId' = ${versionId}
        order by created_on`,
  );
  return found
    .filter((job) => !done.has(job.id))
    .map((job) => ({ id: job.id, startAfter: new Date(job.start_after).getTime(), data: job.data }));
}

describe('a ten-minute provider outage', () => {
  it('retries with backoff through 10 simulated minutes of 503s and ends pending, created once', async () => {
    const key = await createTemplate(vt, {
      variables: [
        { name: 'customer_name', type: 'text', example: 'Anna' },
        { name: 'order_number', type: 'text', example: 'A-1042' },
      ],
    });
    const n = await createDraft(
      vt,
      key,
      { body: 'Hello {{customer_name}}, your order {{order_number}} has shipped and is on its way.' },
      'MT',
      'en',
    );
    const path = `${versionsPath(key, 'MT', 'en')}/${n}`;
    const submitted = await vt.request('POST', `${path}/submit`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);

    const ctx = serviceContext(vt.deps);
    const name = `${key}_mt_v${n}`;
    const outageEnds = now + OUTAGE_MS;
    const done = new Set<string>();
    const [first] = await waitingJobs(await versionIdOf(key, n), done);
    if (!first) throw new Error('the submission queued no job');
    let job: QueuedJob = first;
    const runs: Array<{ at: number; attempts: number; status: string; delayMs?: number }> = [];

    for (let run = 1; run <= 100; run++) {
      // The provider answers every call with 503 (lookups and creates alike) until the outage ends.
      meta.clearScript();
      if (now < outageEnds) meta.script({ kind: 'fail', status: 503, message: 'Service Unavailable' }, 2);
      const ranAt = now;
      await submitQueuedVersion(ctx, job.data);
      done.add(job.id);
      const version = (await vt.request('GET', path)).body;
      const attempts = version.submission.attempts as number;
      if (version.status !== 'queued') {
        runs.push({ at: ranAt, attempts, status: version.status });
        break;
      }
      const [retry, ...others] = await waitingJobs(job.data.versionId, done);
      if (!retry) throw new Error(`attempt ${attempts} left the version queued with no retry`);
      expect(others).toEqual([]);
      const delayMs = retry.startAfter - ranAt;
      runs.push({ at: ranAt, attempts, status: version.status, delayMs });
      // Never sooner than the backoff says: base × 2^(attempt-1), at most 10 minutes, at least half of it.
      const full = Math.min(600_000, BASE_MS * 2 ** (attempts - 1));
      expect(delayMs, `retry after attempt ${attempts}`).toBeGreaterThanOrEqual(full / 2);
      expect(delayMs, `retry after attempt ${attempts}`).toBeLessThanOrEqual(full);
      now = retry.startAfter;
      job = retry;
    }

    const trace = runs.map((r) => `${new Date(r.at).toISOString()} #${r.attempts} ${r.status}`).join(', ');
    const last = runs.at(-1);
    expect(last?.status, trace).toBe('pending');
    // The outage was sat out, not skipped: attempts ran during it, and the one that succeeded after it.
    expect(runs.filter((r) => r.at < outageEnds).length, trace).toBeGreaterThanOrEqual(5);
    expect(last?.at, trace).toBeGreaterThanOrEqual(outageEnds);
    expect(meta.creates(name, 'en')).toBe(1);
    const version = (await vt.request('GET', path)).body;
    expect(version.submission.providerTemplateId).toBe(meta.find(name, 'en', WABA)?.id);
    const events = (await vt.request('GET', `${path}/events`)).body.items as Array<{ toStatus: string }>;
    expect(events.map((e) => e.toStatus)).toEqual(['queued', 'pending']);
  });
});

/** The version's id, as its job carries it. */
async function versionIdOf(key: string, n: number): Promise<string> {
  const [row] = await vt.deps.database.db
    .select({ id: versions.id })
    .from(versions)
    .where(
      and(
        eq(versions.templateKey, key),
        eq(versions.market, 'MT'),
        eq(versions.language, 'en'),
        eq(versions.version, n),
      ),
    );
  if (!row) throw new Error(`no version ${key} v${n}`);
  return row.id;
}
