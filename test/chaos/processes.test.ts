import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMetaServer, postWebhook } from '../fakes/meta-server.ts';
import { maltaMarket } from '../support/fixtures.ts';
import { dbKind, uniqueKey, waitFor } from '../support/harness.ts';
import {
  apiClient,
  type Call,
  type ServerProcess,
  serverDatabase,
  startServerProcess,
  whenKeyWorks,
} from './server-process.ts';

const ADMIN = 'vt_live_processes_admin_key_00000000000';
const APP_SECRET = 'processes-app-secret';
const WABA = '616161616161';
const SUBMISSIONS = 100;
const START_MS = 180_000;

/**
 * Several processes on one PostgreSQL database, as production runs them: `a` serves the API
 * without workers (WORKERS=0), `b` serves the API with workers, `w` is `npm run worker`. Two
 * processes work the same queues: each submission must still reach the provider once.
 */
describe.skipIf(dbKind !== 'postgres')('API and worker processes on one PostgreSQL', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const log: string[] = [];
  const meta = new FakeMetaServer({ pageSize: 100 });
  let a: ServerProcess;
  let b: ServerProcess;
  let w: ServerProcess;
  let callA: Call;
  let callB: Call;

  beforeAll(async () => {
    await meta.start();
    cleanups.push(() => meta.stop());
    const { env: databaseEnv, drop } = await serverDatabase('postgres');
    cleanups.push(drop);
    const env = {
      ...databaseEnv,
      ADMIN_API_KEY: ADMIN,
      META_GRAPH_URL: meta.url,
      META_ACCESS_TOKEN: FakeMetaServer.TOKEN,
      META_APP_SECRET: APP_SECRET,
      META_VERIFY_TOKEN: 'processes-verify-token',
      JOB_POLL_INTERVAL_MS: '500',
      RATE_LIMIT_PER_SECOND: '1000000',
    };
    // One first, so the others start on a migrated database (they would wait on its lock anyway).
    a = await startServerProcess({ ...env, WORKERS: '0' }, log, START_MS);
    cleanups.push(() => a.kill());
    [b, w] = await Promise.all([
      startServerProcess(env, log, START_MS),
      startServerProcess(env, log, START_MS, ['--worker']),
    ]);
    cleanups.push(
      () => b.kill(),
      () => w.kill(),
    );
    await Promise.all([whenKeyWorks(a, ADMIN), whenKeyWorks(b, ADMIN)]);
    callA = apiClient(() => a, ADMIN);
    callB = apiClient(() => b, ADMIN);
    const market = await callA('PUT', '/v1/markets/MT', maltaMarket({ kind: 'meta', account: WABA }));
    expect(market.status, JSON.stringify(market.body)).toBe(201);
  }, 600_000);
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const variables = [{ name: 'customer_name', type: 'text', example: 'Anna' }];
  const body = (n: number) =>
    `Hello {{customer_name}}, your order (update ${n}) has shipped and is on its way to you.`;

  async function status(call: Call, key: string, n: number): Promise<string> {
    return (await call('GET', `/v1/templates/${key}/variants/MT/en/versions/${n}`)).body.status;
  }

  it(`creates each of ${SUBMISSIONS} submissions made on either API once at the provider`, async () => {
    const keys = Array.from({ length: 4 }, () => uniqueKey('spread'));
    for (const key of keys)
      expect((await callA('POST', '/v1/templates', { key, category: 'utility', variables })).status).toBe(
        201,
      );
    const perTemplate = SUBMISSIONS / keys.length;
    await Promise.all(
      keys.map(async (key) => {
        for (let n = 1; n <= perTemplate; n++) {
          const draft = await callA('POST', `/v1/templates/${key}/variants/MT/en/versions`, {
            body: body(n),
          });
          expect(draft.status, JSON.stringify(draft.body)).toBe(201);
        }
      }),
    );
    let i = 0;
    for (const key of keys)
      for (let n = 1; n <= perTemplate; n++) {
        const call = i++ % 2 === 0 ? callA : callB;
        expect((await call('POST', `/v1/templates/${key}/variants/MT/en/versions/${n}/submit`)).status).toBe(
          202,
        );
      }
    await waitFor(async () => {
      for (const key of keys) {
        const page = await callB('GET', `/v1/templates/${key}/variants/MT/en/versions?limit=100`);
        if (page.body.items.some((v: { status: string }) => v.status !== 'pending')) return false;
      }
      return true;
    }, 120_000);
    for (const key of keys)
      for (let n = 1; n <= perTemplate; n++)
        expect(meta.creates(`${key}_mt_v${n}`, 'en'), `${key} v${n}`).toBe(1);

    // The worker process and b did the work; a, with WORKERS=0, none.
    const created = async (server: ServerProcess) => {
      const text = await (await fetch(`${server.base}/metrics`)).text();
      return Number(
        /^vetted_submissions_total\{provider="meta",outcome="created"\} (\d+)$/m.exec(text)?.[1] ?? 0,
      );
    };
    const [byA, byB, byW] = await Promise.all([created(a), created(b), created(w)]);
    expect(byA).toBe(0);
    expect(byB + byW).toBe(SUBMISSIONS);
    expect(byW).toBeGreaterThan(0);
    // The worker process answers only operational routes.
    expect((await fetch(`${w.base}/readyz`)).status).toBe(200);
    expect(
      (await fetch(`${w.base}/v1/markets`, { headers: { authorization: `Bearer ${ADMIN}` } })).status,
    ).toBe(404);
  }, 300_000);

  it('serves on b an approval that came through a’s webhook within a second', async () => {
    const key = uniqueKey('webhook');
    expect((await callA('POST', '/v1/templates', { key, category: 'utility', variables })).status).toBe(201);
    expect(
      (await callA('POST', `/v1/templates/${key}/variants/MT/en/versions`, { body: body(0) })).status,
    ).toBe(201);
    expect((await callA('POST', `/v1/templates/${key}/variants/MT/en/versions/1/submit`)).status).toBe(202);
    await waitFor(async () => (await status(callB, key, 1)) === 'pending', 30_000);
    const template = meta.find(`${key}_mt_v1`, 'en', WABA);
    if (!template) throw new Error('not created at Meta');
    meta.setStatus(template.id, 'APPROVED');
    const renderOnB = () =>
      callB('POST', '/v1/render', {
        template: key,
        market: 'MT',
        language: 'en',
        variables: { customer_name: 'Anna' },
      });
    expect((await renderOnB()).status).toBe(404);

    const delivered = await postWebhook(
      `${a.base}/v1/webhooks/meta`,
      meta.statusWebhook(template.id, 'APPROVED'),
      APP_SECRET,
    );
    expect(delivered.status, await delivered.text()).toBe(200);
    const answered = Date.now();
    await waitFor(async () => (await renderOnB()).status === 200, 1000);
    expect(Date.now() - answered).toBeLessThan(1000);
  });
});
