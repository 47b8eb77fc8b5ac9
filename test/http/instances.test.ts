import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDraft,
  createTemplate,
  decide,
  render,
  submitAndWait,
  versionsPath,
} from '../support/fixtures.ts';
import { dbKind, startTestVetted, type TestVetted, waitFor } from '../support/harness.ts';

describe.skipIf(dbKind !== 'postgres')('two instances on one PostgreSQL database', () => {
  let a: TestVetted;
  let b: TestVetted;
  beforeAll(async () => {
    a = await startTestVetted({ env: { SANDBOX_REVIEW_DELAY_MS: '600000' } });
    b = await startTestVetted({
      env: { SANDBOX_REVIEW_DELAY_MS: '600000' },
      sameDatabaseAs: a,
      workers: false,
    });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('serves an approval, a pause and an archive on the other instance within a second', async () => {
    const key = await createTemplate(a);
    const n = await createDraft(a, key);
    expect(await submitAndWait(a, key, n, ['pending'])).toBe('pending');
    expect((await render(b, key)).status).toBe(404);

    await decide(a, key, n, 'approved');
    await waitFor(async () => (await render(b, key)).status === 200, 1000);
    expect((await render(b, key)).body.version).toBe(1);

    await decide(a, key, n, 'paused');
    await waitFor(async () => (await render(b, key)).status === 404, 1000);

    await decide(a, key, n, 'reinstated');
    await waitFor(async () => (await render(b, key)).status === 200, 1000);
    const etag = (await a.request('GET', `/v1/templates/${key}`)).headers.get('etag') ?? '';
    expect(
      (await a.request('DELETE', `/v1/templates/${key}`, { headers: { 'if-match': etag } })).status,
    ).toBe(200);
    await waitFor(async () => (await render(b, key)).body.type === '/problems/unknown-template', 1000);
    // The history stayed: B reads it from the database.
    expect((await b.request('GET', `${versionsPath(key)}/1/events`)).body.items.length).toBeGreaterThan(2);
  });

  it('stops accepting a key revoked on the other instance within a second', async () => {
    const created = await a.request('POST', '/v1/api-keys', { body: { name: 'sender', role: 'sender' } });
    expect((await b.request('GET', '/v1/markets', { key: created.body.key })).status).toBe(200);
    expect((await a.request('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(204);
    await waitFor(
      async () => (await b.request('GET', '/v1/markets', { key: created.body.key })).status === 401,
      1000,
    );
  });

  it('applies a market changed on the other instance within a second', async () => {
    const key = await createTemplate(a);
    const en = { body: 'Hello {{student_name}}, your lesson moved to {{lesson_at}}. See you then.' };
    expect(
      await submitAndWait(a, key, await createDraft(a, key, en, 'PL', 'en'), ['pending'], 'PL', 'en'),
    ).toBe('pending');
    await decide(a, key, 1, 'approved', 'PL');
    const renderPolish = () =>
      b.request('POST', '/v1/render', {
        body: {
          template: key,
          market: 'PL',
          language: 'pl',
          allowFallback: true,
          variables: { student_name: 'Jan', lesson_at: '15:00' },
        },
      });
    await waitFor(async () => (await renderPolish()).body.fallback === true, 1000);

    const {
      code: _code,
      createdAt: _created,
      updatedAt: _updated,
      ...market
    } = (await a.request('GET', '/v1/markets/PL')).body;
    expect((await a.request('PUT', '/v1/markets/PL', { body: { ...market, fallbacks: {} } })).status).toBe(
      200,
    );
    await waitFor(async () => (await renderPolish()).status === 404, 1000);
    expect((await a.request('PUT', '/v1/markets/PL', { body: market })).status).toBe(200);
  });
});
