import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiKeys } from '../../db/schema/index.ts';
import { loadConfig } from '../../src/config.ts';
import { RateLimits } from '../../src/http/rate-limit.ts';
import { ApiKeyStore, generateKey } from '../../src/modules/api-keys/api-key-store.ts';
import { dbKind, startTestVetted, type TestResponse, useTestVetted, waitFor } from '../support/harness.ts';

const env = {
  RATE_LIMIT_PER_SECOND: '10',
  RATE_LIMIT_SENDER_PER_SECOND: '40',
  RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '120',
  TRUST_PROXY: 'true',
};
const vt = useTestVetted({ env });

/** Each test calls from an address of its own, so their failure counts never meet. */
const address = () => `10.${[1, 2, 3].map(() => Math.floor(Math.random() * 250)).join('.')}`;

const get = (path: string, key: string | null, from: string) =>
  vt.request('GET', path, { key, headers: { 'x-forwarded-for': from } });

async function newKey(body: Record<string, unknown>): Promise<string> {
  const res = await vt.request('POST', '/v1/api-keys', { body: { name: `rl ${randomUUID()}`, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.key as string;
}

const count = (answers: TestResponse[], status: number) => answers.filter((a) => a.status === status).length;

describe('failed authentications per client address', () => {
  it('answers 300 requests with a bad key 401 up to the limit, then 429 with Retry-After', async () => {
    const from = address();
    const answers: TestResponse[] = [];
    for (let i = 0; i < 300; i++)
      answers.push(await get('/v1/markets', 'vt_live_not_a_key_at_all_000000', from));
    expect(count(answers, 401)).toBe(120);
    expect(count(answers, 429)).toBe(180);
    const refused = answers[299] as TestResponse;
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.type).toBe('/problems/rate-limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit-policy')).toBe('"failed-auth";q=120;w=60');
    expect(refused.headers.get('ratelimit')).toBe(`"failed-auth";r=0;t=${retryAfter}`);
  });

  it('still serves a valid key from an address out of failures, and other addresses', async () => {
    const viewer = await newKey({ role: 'viewer' });
    const from = address();
    for (let i = 0; i < 125; i++) await get('/v1/markets', null, from);
    expect((await get('/v1/markets', null, from)).status).toBe(429);
    expect((await get('/v1/markets', viewer, from)).status).toBe(200);
    expect((await get('/v1/markets', 'vt_live_wrong', address())).status).toBe(401);
  });

  it('counts the address our proxy saw (the last X-Forwarded-For entry), not one the client claims', async () => {
    const from = address();
    for (let i = 0; i < 120; i++) await get('/v1/markets', null, `${address()}, ${from}`);
    expect((await get('/v1/markets', null, `192.0.2.1, ${from}`)).status).toBe(429);
  });
});

describe('requests per key', () => {
  it('refuses a key over its limit and leaves another key alone', async () => {
    const [first, second] = [await newKey({ role: 'viewer' }), await newKey({ role: 'viewer' })];
    const from = address();
    const answers = await Promise.all(Array.from({ length: 15 }, () => get('/v1/markets', first, from)));
    expect(count(answers, 200)).toBe(10);
    expect(count(answers, 429)).toBe(5);
    const refused = answers.find((a) => a.status === 429) as TestResponse;
    expect(refused.body.type).toBe('/problems/rate-limited');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('ratelimit-policy')).toBe('"key";q=10;w=1');
    expect((await get('/v1/markets', second, from)).status).toBe(200);
  });

  it('gives senders their own default and a key its own rateLimitPerSecond', async () => {
    const sender = await newKey({ role: 'sender' });
    const slow = await newKey({ role: 'viewer', rateLimitPerSecond: 3 });
    const from = address();
    const sent = await Promise.all(Array.from({ length: 45 }, () => get('/v1/bundles/TR', sender, from)));
    expect(count(sent, 200)).toBe(40);
    expect(count(sent, 429)).toBe(5);
    const read = await Promise.all(Array.from({ length: 5 }, () => get('/v1/markets', slow, from)));
    expect(count(read, 200)).toBe(3);
  });
});

describe('unknown keys', () => {
  it('are answered from memory: one lookup for 300 tries of the same key, none for known keys', async () => {
    let queries = 0;
    const db = vt.deps.database.db;
    const counting = new Proxy(db, {
      get(target, property, receiver) {
        if (property === 'select') queries += 1;
        return Reflect.get(target, property, receiver);
      },
    });
    const store = new ApiKeyStore(counting, new RateLimits(loadConfig(env)));
    await store.load();
    queries = 0;
    const unknown = generateKey().key;
    await Promise.all(Array.from({ length: 150 }, () => store.authenticate(unknown)));
    for (let i = 0; i < 150; i++) expect(await store.authenticate(unknown)).toBeUndefined();
    expect(queries).toBe(1);

    const known = await newKey({ role: 'viewer' });
    await store.load();
    queries = 0;
    for (let i = 0; i < 10; i++) expect(await store.authenticate(known)).toBeDefined();
    expect(queries).toBe(0);
  });

  it.skipIf(dbKind !== 'postgres')(
    'do not stay refused once another instance creates them',
    async () => {
      const other = await startTestVetted({ env, sameDatabaseAs: vt });
      try {
        const { key, hash, prefix } = generateKey();
        const from = address();
        const onOther = () =>
          other.request('GET', '/v1/markets', { key, headers: { 'x-forwarded-for': from } });
        expect((await onOther()).status).toBe(401);
        // What creating a key does on this instance: store it, then remember it.
        const [row] = await vt.deps.database.db
          .insert(apiKeys)
          .values({ name: 'made elsewhere', role: 'viewer', prefix, hash })
          .returning();
        if (!row) throw new Error('no row');
        vt.deps.apiKeys.remember(row);
        await waitFor(async () => (await onOther()).status === 200, 3000);
      } finally {
        await other.stop();
      }
    },
    30_000,
  );
});
