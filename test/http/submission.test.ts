import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedProvider } from '../fakes/scripted-provider.ts';
import { createDraft, createTemplate, getStatus, maltaMarket, versionsPath } from '../support/fixtures.ts';
import { startTestVetted, type TestVetted, waitFor } from '../support/harness.ts';

let vt: TestVetted;
const provider = new ScriptedProvider();
const MARKET = 'MT';
const english = { body: 'Hello {{student_name}}, your lesson moved to {{lesson_at}}. See you then.' };

beforeAll(async () => {
  vt = await startTestVetted({
    env: {
      SUBMIT_RETRY_BASE_MS: '100',
      SUBMIT_RETRY_LIMIT: '3',
      META_ACCESS_TOKEN: 'test-token',
      META_APP_SECRET: 'test-app-secret',
      META_VERIFY_TOKEN: 'test-verify-token',
    },
  });
  vt.deps.providers.register(provider);
  const market = maltaMarket({ kind: 'meta', account: 'waba-test' });
  expect((await vt.request('PUT', `/v1/markets/${MARKET}`, { body: market })).status).toBe(201);
});
afterAll(async () => {
  await vt?.stop();
});

async function submitScripted(script: ScriptedProvider['script'], until: string[]) {
  const key = await createTemplate(vt);
  const n = await createDraft(vt, key, english, MARKET, 'en');
  provider.script = script;
  provider.calls.length = 0;
  const creates = provider.creates;
  expect((await vt.request('POST', `${versionsPath(key, MARKET, 'en')}/${n}/submit`)).status).toBe(202);
  await waitFor(async () => until.includes(await getStatus(vt, key, n, MARKET, 'en')));
  const version = (await vt.request('GET', `${versionsPath(key, MARKET, 'en')}/${n}`)).body;
  return { key, n, version, created: provider.creates - creates };
}

describe('submission to a provider', () => {
  it('retries transient failures with backoff and creates the template once', async () => {
    const { version, created } = await submitScripted(
      [{ transient: true }, { transient: true }, 'ok'],
      ['pending'],
    );
    expect(version.status).toBe('pending');
    expect(version.submission).toMatchObject({
      provider: 'meta',
      account: 'waba-test',
      providerTemplateId: expect.stringMatching(/^fake-/),
      attempts: 3,
      parameterFormat: 'named',
    });
    expect(version.submission.lastError).toBeUndefined();
    expect(created).toBe(1);
  });

  it('adopts the template a timed-out attempt created instead of creating a second one', async () => {
    const { version, created } = await submitScripted(['create-then-timeout', 'ok'], ['pending']);
    expect(version.status).toBe('pending');
    expect(version.submission.attempts).toBe(2);
    expect(created).toBe(1);
    // The retry looked the template up by name and language before creating anything.
    expect(provider.calls).toHaveLength(1);
  });

  it('adopts a template the provider already holds when a create is refused as a duplicate', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key, english, MARKET, 'en');
    provider.templates.set(`waba-test/${key}_mt_v${n}/en`, {
      providerTemplateId: 'held-before',
      status: 'APPROVED',
      category: 'UTILITY',
    });
    expect((await vt.request('POST', `${versionsPath(key, MARKET, 'en')}/${n}/submit`)).status).toBe(202);
    await waitFor(async () => (await getStatus(vt, key, n, MARKET, 'en')) === 'approved');
    const version = (await vt.request('GET', `${versionsPath(key, MARKET, 'en')}/${n}`)).body;
    expect(version.submission).toMatchObject({ providerTemplateId: 'held-before', attempts: 1 });
  });

  it('records the category the provider assigned when it differs from the one asked', async () => {
    provider.assignCategory = 'MARKETING';
    try {
      const { key, n, version } = await submitScripted(['ok'], ['pending']);
      expect(version.submission.providerCategory).toBe('MARKETING');
      const events = (await vt.request('GET', `${versionsPath(key, MARKET, 'en')}/${n}/events`)).body.items;
      expect(events.at(-1)).toMatchObject({
        effect: 'noted',
        reason: 'CATEGORY_CHANGED',
        reasonText: expect.stringContaining('MARKETING instead of UTILITY'),
      });
    } finally {
      provider.assignCategory = undefined;
    }
  });

  it('ends in submit_failed with the provider’s error on a permanent failure, and may be submitted again', async () => {
    const { key, n, version } = await submitScripted([{ transient: false }], ['submit_failed']);
    expect(version.submission.lastError).toContain('HTTP 400');
    expect(version.submission.attempts).toBe(1);
    const events = (await vt.request('GET', `${versionsPath(key, MARKET, 'en')}/${n}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({
      fromStatus: 'queued',
      toStatus: 'submit_failed',
      reasonText: expect.stringContaining('HTTP 400'),
    });

    provider.script = ['ok'];
    expect((await vt.request('POST', `${versionsPath(key, MARKET, 'en')}/${n}/submit`)).status).toBe(202);
    await waitFor(async () => (await getStatus(vt, key, n, MARKET, 'en')) === 'pending');
  });

  it('gives up after the retry limit with submit_failed', async () => {
    const failing = Array.from({ length: 10 }, () => ({ transient: true }));
    const { version, created } = await submitScripted(failing, ['submit_failed']);
    expect(version.submission.attempts).toBe(4);
    expect(version.submission.lastError).toContain('503');
    expect(created).toBe(0);
  });

  it('waits at least as long as the provider’s Retry-After', async () => {
    await submitScripted([{ transient: true, retryAfterSeconds: 2 }, 'ok'], ['pending']);
    const [first, second] = provider.calls;
    expect(second).toBeDefined();
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(1900);
  });
});
