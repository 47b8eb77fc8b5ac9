import { afterAll, describe, expect, it } from 'vitest';
import { FakeMetaServer } from '../fakes/meta-server.ts';
import { maltaMarket } from '../support/fixtures.ts';
import { dbKind, uniqueKey } from '../support/harness.ts';
import {
  apiClient,
  type Call,
  jobStates,
  type ServerProcess,
  seededRandom,
  serverDatabase,
  startServerProcess,
  whenKeyWorks,
} from './server-process.ts';

/**
 * The chaos promise (reliability: "Submitting to a provider"): submissions with the service
 * killed (SIGKILL) 10 times → every one accounted for, no template created twice at the provider,
 * no job stuck past its lease. The fake Meta server lives in this process, so it survives the kills
 * and counts every create; the server is the real process, restarted on the same database.
 */

const ADMIN = 'vt_live_chaos_admin_key_000000000000000';
const WABA = '424242424242';
const KILLS = 10;
const META_VERSIONS = 200;
const SANDBOX_VERSIONS = 100;
/** Versions per template: the submissions spread over a few templates and variants. */
const PER_TEMPLATE = 50;
/** Everything must be settled this long after the last restart: a lease (heartbeat) lapse and a retry. */
const SETTLE_MS = 60_000;

const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
const random = seededRandom(seed);

const VARIABLES = [
  { name: 'customer_name', type: 'text', example: 'Anna' },
  { name: 'order_number', type: 'text', example: 'A-1042' },
];

interface Variant {
  key: string;
  market: string;
  language: string;
  versions: number;
}

interface VersionView {
  template: string;
  version: number;
  status: string;
  submission?: { providerTemplateName: string; providerTemplateId: string | null };
}

const versionsPath = (v: Variant) => `/v1/templates/${v.key}/variants/${v.market}/${v.language}/versions`;

/** Sandbox texts: every fifth one has promotional wording in a utility template, which the sandbox rejects. */
const sandboxBody = (n: number) =>
  n % 5 === 0
    ? `Merhaba {{customer_name}}, bugüne özel indirim kampanyası var: siparişiniz {{order_number}} için kaçırmayın.`
    : `Merhaba {{customer_name}}, siparişiniz {{order_number}} (güncelleme ${n}) kargoya verildi. İyi günler.`;
const metaBody = (n: number) =>
  `Hello {{customer_name}}, your order {{order_number}} (update ${n}) has shipped and is on its way to you.`;

async function createVariants(
  call: Call,
  market: string,
  language: string,
  count: number,
  body: (n: number) => string,
) {
  const variants: Variant[] = [];
  for (let made = 0; made < count; made += PER_TEMPLATE) {
    const key = uniqueKey('chaos');
    const created = await call('POST', '/v1/templates', { key, category: 'utility', variables: VARIABLES });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    variants.push({ key, market, language, versions: Math.min(PER_TEMPLATE, count - made) });
  }
  // Templates in parallel; the versions of one variant one after another (each takes the next number).
  await Promise.all(
    variants.map(async (variant) => {
      for (let n = 1; n <= variant.versions; n++) {
        const draft = await call('POST', versionsPath(variant), { body: body(n) });
        expect(draft.status, JSON.stringify(draft.body)).toBe(201);
      }
    }),
  );
  return variants;
}

async function listVersions(call: Call, variant: Variant): Promise<VersionView[]> {
  const page = await call('GET', `${versionsPath(variant)}?limit=200`);
  expect(page.status, JSON.stringify(page.body)).toBe(200);
  return page.body.items;
}

/** Submission and sandbox-review jobs not yet completed, as the running server's /metrics counts them. */
async function unfinishedJobs(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  let jobs = 0;
  for (const match of text.matchAll(
    /^vetted_jobs\{queue="(submit-version|sandbox-review)",state="\w+"\} (\d+)$/gm,
  ))
    jobs += Number(match[2]);
  return jobs;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`submission under SIGKILL (${dbKind})`, () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it(`${META_VERSIONS} Meta and ${SANDBOX_VERSIONS} sandbox submissions, ${KILLS} kills: all accounted for, none created twice, none stuck`, async () => {
    const meta = await new FakeMetaServer({ pageSize: 100 }).start();
    cleanups.push(() => meta.stop());
    // Creates are slow enough that kills land before, during and after the provider's write.
    meta.createLatencyMs = 200;

    const { env: databaseEnv, database, drop } = await serverDatabase(dbKind);
    cleanups.push(drop);
    const env = {
      ...databaseEnv,
      ADMIN_API_KEY: ADMIN,
      META_GRAPH_URL: meta.url,
      META_ACCESS_TOKEN: FakeMetaServer.TOKEN,
      META_APP_SECRET: 'chaos-app-secret',
      META_VERIFY_TOKEN: 'chaos-verify-token',
      SUBMIT_RETRY_BASE_MS: '100',
      JOB_POLL_INTERVAL_MS: '500',
      SANDBOX_REVIEW_DELAY_MS: '0',
      RATE_LIMIT_PER_SECOND: '1000000',
      PROVIDER_TIMEOUT_MS: '5000',
    };
    const log: string[] = [];
    const startedAt = Date.now();
    const start = async () => {
      const started = await startServerProcess(env, log);
      await whenKeyWorks(started, ADMIN);
      return started;
    };
    let server = await start();
    cleanups.push(() => server.kill());
    const call = apiClient(() => server, ADMIN);

    try {
      const market = await call('PUT', '/v1/markets/MT', maltaMarket({ kind: 'meta', account: WABA }));
      expect(market.status, JSON.stringify(market.body)).toBe(201);
      const metaVariants = await createVariants(call, 'MT', 'en', META_VERSIONS, metaBody);
      const sandboxVariants = await createVariants(call, 'TR', 'tr', SANDBOX_VERSIONS, sandboxBody);

      // Interleaved, so Meta creates and sandbox reviews are in flight together when the kills come.
      const submissions: Array<[Variant, number]> = [];
      for (let n = 1; n <= PER_TEMPLATE; n++) {
        for (const variant of [...metaVariants, ...sandboxVariants]) {
          if (n <= variant.versions) submissions.push([variant, n]);
        }
      }
      const phases = [`drafts ${Date.now() - startedAt} ms`];
      // Each kill comes while the worker is busy with the submissions just made: half of them at a
      // random moment, half the moment Meta has written a template and not yet answered (the
      // ambiguous window: the provider holds a template the service never heard of).
      const kills: string[] = [];
      const chunk = Math.ceil(submissions.length / KILLS);
      for (let i = 0; i < KILLS; i++) {
        for (const [variant, n] of submissions.slice(i * chunk, (i + 1) * chunk)) {
          const submitted = await call('POST', `${versionsPath(variant)}/${n}/submit`);
          expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
        }
        const upSince = Date.now();
        let moment: string;
        if (i % 2 === 1) {
          const created = new Promise<string>((resolve) => {
            meta.onCreate = (template) => resolve(`as Meta created ${template.name}`);
          });
          moment = await Promise.race([created, sleep(5000).then(() => 'with no create in 5 s')]);
          meta.onCreate = undefined;
        } else {
          await sleep(100 + random() * 1500);
          moment = 'at random';
        }
        const createdAtMeta = meta.templates.size;
        await server.kill();
        kills.push(
          `kill ${i + 1} ${moment} ${Date.now() - upSince} ms after its submissions (${createdAtMeta} at Meta)`,
        );
        server = await start();
      }
      const restartedAt = Date.now();

      const settled = async () => {
        const meta = await Promise.all(metaVariants.map((v) => listVersions(call, v)));
        const sandbox = await Promise.all(sandboxVariants.map((v) => listVersions(call, v)));
        return { meta: meta.flat(), sandbox: sandbox.flat() };
      };
      let final = await settled();
      while (
        Date.now() - restartedAt < SETTLE_MS &&
        !(
          final.meta.every((v) => v.status === 'pending') &&
          final.sandbox.every((v) => v.status === 'approved' || v.status === 'rejected')
        )
      ) {
        await sleep(500);
        final = await settled();
      }
      // A kill between a submission's commit and its job's completion leaves a job that runs again,
      // as a no-op, once its lease lapses: wait for the queue to empty too, read from /metrics.
      while (Date.now() - restartedAt < SETTLE_MS && (await unfinishedJobs(server)) > 0) await sleep(500);
      const settleMs = Date.now() - restartedAt;
      const context = `seed ${seed}; ${phases.join('; ')}; ${kills.join('; ')}; settled ${settleMs} ms after the last restart`;

      // Every Meta submission is pending at Meta under the one template created for it.
      expect(final.meta.length).toBe(META_VERSIONS);
      const metaStatuses = final.meta.map((v) => `${v.template} v${v.version}: ${v.status}`);
      expect(
        metaStatuses.filter((s) => !s.endsWith(': pending')),
        context,
      ).toEqual([]);
      for (const version of final.meta) {
        const name = `${version.template}_mt_v${version.version}`;
        expect(meta.creates(name, 'en'), `${name} creates; ${context}`).toBe(1);
        expect(version.submission?.providerTemplateId, name).toBe(meta.find(name, 'en', WABA)?.id);
      }
      expect([...meta.templates.values()].filter((t) => t.waba === WABA).length).toBe(META_VERSIONS);

      // Every sandbox submission decided, as its text deserves.
      expect(final.sandbox.length).toBe(SANDBOX_VERSIONS);
      const sandboxStatuses = final.sandbox.map((v) => `${v.template} v${v.version}: ${v.status}`);
      expect(
        sandboxStatuses.filter((s) => !/: (approved|rejected)$/.test(s)),
        context,
      ).toEqual([]);
      for (const version of final.sandbox) {
        expect(version.status, `${version.template} v${version.version}`).toBe(
          version.version % 5 === 0 ? 'rejected' : 'approved',
        );
      }

      // Each history reads queued → pending → decision, with no stale or repeated event.
      const histories = await Promise.all(
        [...metaVariants, ...sandboxVariants].flatMap((variant) =>
          Array.from({ length: variant.versions }, async (_, i) => {
            const events = await call('GET', `${versionsPath(variant)}/${i + 1}/events?limit=200`);
            const items = events.body.items as Array<{
              effect: string;
              toStatus: string;
              raw?: { adopted?: boolean };
            }>;
            const steps = items.map((e) => `${e.effect}:${e.toStatus}`);
            const adopted = items.some((e) => e.toStatus === 'pending' && e.raw?.adopted === true);
            const decision =
              variant.market === 'MT' ? [] : [(i + 1) % 5 === 0 ? 'applied:rejected' : 'applied:approved'];
            return {
              name: `${variant.key} v${i + 1}`,
              adopted,
              steps,
              expected: ['applied:queued', 'applied:pending', ...decision],
            };
          }),
        ),
      );
      for (const { name, steps, expected } of histories)
        expect(steps, `${name}; ${context}`).toEqual(expected);
      // A kill as Meta wrote a template leaves one the service never heard of: its retry adopted it.
      const adopted = histories.filter((h) => h.adopted).length;
      const killedMidCreate = kills.filter((k) => k.includes('as Meta created')).length;
      expect(adopted, context).toBeGreaterThanOrEqual(killedMidCreate);

      // No job left behind: after a clean stop nothing is active, waiting or given up on.
      expect(await server.stop()).toBe(0);
      const jobs = await jobStates(database);
      const unfinished = Object.entries(jobs).filter(([k]) => !k.endsWith(':completed'));
      expect(unfinished, `${JSON.stringify(jobs)}; ${context}`).toEqual([]);
      console.info(`chaos (${dbKind}): ${context}; ${adopted} adopted; jobs ${JSON.stringify(jobs)}`);
    } catch (error) {
      console.error(`server output (tail):\n${log.join('').slice(-6000)}`);
      throw error;
    }
  }, 300_000);
});
