import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeMetaServer } from '../fakes/meta-server.ts';
import { maltaMarket } from '../support/fixtures.ts';
import { dbKind, uniqueKey, waitFor } from '../support/harness.ts';
import { apiClient, jobStates, serverDatabase, startServerProcess, whenKeyWorks } from './server-process.ts';

const ADMIN = 'vt_live_drain_admin_key_000000000000000';
const WABA = '515151515151';
/** A first start migrates an empty database: slow on a busy machine. */
const START_MS = 180_000;

/** A POST whose body arrives in two parts, `send()` sending the rest: a slow upload in flight. */
function slowUpload(base: string, path: string, body: unknown) {
  const bytes = Buffer.from(JSON.stringify(body));
  const url = new URL(path, base);
  const req = request(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${ADMIN}`,
      'content-type': 'application/json',
      'content-length': String(bytes.length),
    },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      response.on('error', reject);
    });
    req.on('error', reject);
  });
  req.write(bytes.subarray(0, 10));
  return { answer, send: () => req.end(bytes.subarray(10)) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SIGTERM stops accepting, lets the requests and jobs under way finish, then closes the database.
 * A request is in flight (its body still arriving) and a submission is at the provider (a slow
 * create) when the signal comes: both must complete before the process exits, and a new
 * connection must be refused meanwhile.
 */
describe(`SIGTERM drains requests and jobs (${dbKind})`, () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('finishes a request in flight and a provider call in flight, refuses new connections, exits 0', async () => {
    const meta = await new FakeMetaServer().start();
    cleanups.push(() => meta.stop());
    const { env: databaseEnv, database, drop } = await serverDatabase(dbKind);
    cleanups.push(drop);
    const log: string[] = [];
    const server = await startServerProcess(
      {
        ...databaseEnv,
        ADMIN_API_KEY: ADMIN,
        META_GRAPH_URL: meta.url,
        META_ACCESS_TOKEN: FakeMetaServer.TOKEN,
        META_APP_SECRET: 'drain-app-secret',
        META_VERIFY_TOKEN: 'drain-verify-token',
        JOB_POLL_INTERVAL_MS: '500',
        PROVIDER_TIMEOUT_MS: '60000',
        SHUTDOWN_TIMEOUT_MS: '60000',
      },
      log,
      START_MS,
    );
    cleanups.push(() => server.kill());
    await whenKeyWorks(server, ADMIN);
    const call = apiClient(() => server, ADMIN);

    const market = await call('PUT', '/v1/markets/MT', maltaMarket({ kind: 'meta', account: WABA }));
    expect(market.status, JSON.stringify(market.body)).toBe(201);
    const key = uniqueKey('drain');
    const variables = [{ name: 'customer_name', type: 'text', example: 'Anna' }];
    expect((await call('POST', '/v1/templates', { key, category: 'utility', variables })).status).toBe(201);
    const versions = `/v1/templates/${key}/variants/MT/en/versions`;
    const draft = await call('POST', versions, {
      body: 'Hello {{customer_name}}, your order has shipped and is on its way to you today.',
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);

    // The provider takes 16 s to answer a create: the job is at Meta when the signal comes, and
    // still there after the request has been answered and its idle connection has timed out.
    meta.createLatencyMs = 16_000;
    const creating = new Promise<void>((resolve) => {
      meta.onCreate = () => resolve();
    });
    expect((await call('POST', `${versions}/1/submit`)).status).toBe(202);
    const upload = slowUpload(server.base, '/v1/templates', {
      key: uniqueKey('upload'),
      category: 'utility',
      variables,
    });
    await creating;
    await sleep(100);

    const exited = server.stop();
    await waitFor(async () => log.join('').includes('shutting down'), 10_000);
    await expect(fetch(`${server.base}/healthz`)).rejects.toThrow();
    upload.send();
    const uploaded = await upload.answer;
    expect(uploaded.status, uploaded.body).toBe(201);
    expect(await exited, log.join('')).toBe(0);

    // The create was answered and recorded before the database closed: pending, its job completed.
    expect(meta.creates(`${key}_mt_v1`, 'en')).toBe(1);
    expect(await jobStates(database)).toEqual({ 'submit-version:completed': 1 });
    const after = await startServerProcess({ ...databaseEnv, ADMIN_API_KEY: ADMIN }, log, START_MS);
    cleanups.push(() => after.kill());
    await whenKeyWorks(after, ADMIN);
    const version = await apiClient(() => after, ADMIN)('GET', `${versions}/1`);
    expect(version.body.status).toBe('pending');
    expect(version.body.submission?.providerTemplateId).toBe(meta.find(`${key}_mt_v1`, 'en', WABA)?.id);
    expect(await after.stop()).toBe(0);
  }, 600_000);
});
