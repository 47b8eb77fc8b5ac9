import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, versions } from '../../db/schema/index.ts';
import { serviceContext } from '../../src/context.ts';
import { reconcile } from '../../src/jobs/status-check.ts';
import { FakeMetaServer, signedDelivery } from '../fakes/meta-server.ts';
import {
  bindMarket,
  createDraft,
  createTemplate,
  getStatus,
  maltaMarket,
  render,
  versionsPath,
} from '../support/fixtures.ts';
import { startTestVetted, type TestVetted, waitFor } from '../support/harness.ts';

const APP_SECRET = 'meta-app-secret-for-tests';
const VERIFY_TOKEN = 'meta-verify-token-for-tests';
const WABA = '102938475610';

let vt: TestVetted;
const meta = new FakeMetaServer();

beforeAll(async () => {
  await meta.start();
  vt = await startTestVetted({
    env: {
      META_GRAPH_URL: meta.url,
      META_ACCESS_TOKEN: FakeMetaServer.TOKEN,
      META_APP_SECRET: APP_SECRET,
      META_VERIFY_TOKEN: VERIFY_TOKEN,
      SUBMIT_RETRY_BASE_MS: '50',
      // Reconciliation runs when the tests say so, and looks at every pending submission.
      RECONCILE_INTERVAL_MS: '3600000',
      RECONCILE_PENDING_AFTER_MS: '0',
    },
  });
  const bound = await bindMarket(vt, 'TR', { kind: 'meta', account: WABA });
  expect(bound.status, JSON.stringify(bound.body)).toBe(200);
});
afterAll(async () => {
  await vt?.stop();
  await meta.stop();
});

/** A version submitted to the fake Meta and recorded as pending there. */
async function pendingAtMeta() {
  const key = await createTemplate(vt);
  const n = await createDraft(vt, key);
  expect((await vt.request('POST', `${versionsPath(key)}/${n}/submit`)).status).toBe(202);
  await waitFor(async () => (await getStatus(vt, key, n)) === 'pending');
  const version = (await vt.request('GET', `${versionsPath(key)}/${n}`)).body;
  const template = meta.find(`${key}_tr_v${n}`, 'tr', WABA);
  if (!template) throw new Error('the fake Meta holds no template');
  return { key, n, version, template };
}

function deliver(body: unknown, tamper?: (raw: string) => string) {
  const { rawBody, headers } = signedDelivery(body, APP_SECRET);
  return vt.request('POST', '/v1/webhooks/meta', {
    key: null,
    rawBody: tamper ? tamper(rawBody) : rawBody,
    headers,
  });
}

async function eventCount(key: string) {
  return (await vt.deps.database.db.select().from(events).where(eq(events.templateKey, key))).length;
}

describe('Meta: connecting a market', () => {
  it('refuses to bind a market to Meta while its settings are missing, naming them', async () => {
    const bare = await startTestVetted({ workers: false });
    try {
      const res = await bare.request('PUT', '/v1/markets/MT', {
        body: maltaMarket({ kind: 'meta', account: WABA }),
      });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].path).toBe('/provider');
      for (const name of ['META_ACCESS_TOKEN', 'META_APP_SECRET', 'META_VERIFY_TOKEN']) {
        expect(res.body.errors[0].message).toContain(name);
      }
    } finally {
      await bare.stop();
    }
  });

  it('answers the subscription handshake only with the verify token', async () => {
    const ok = await vt.request(
      'GET',
      `/v1/webhooks/meta?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
      { key: null },
    );
    expect(ok.status).toBe(200);
    expect(String(ok.body)).toBe('1158201444');
    const wrong = await vt.request(
      'GET',
      '/v1/webhooks/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444',
      { key: null },
    );
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('Meta: submission and decisions', () => {
  it('creates the template at Meta with its name, language, category and named examples', async () => {
    const { key, version, template } = await pendingAtMeta();
    expect(template).toMatchObject({
      name: `${key}_tr_v1`,
      language: 'tr',
      category: 'UTILITY',
      parameterFormat: 'NAMED',
    });
    expect(meta.creates(`${key}_tr_v1`, 'tr')).toBe(1);
    expect(version.submission).toMatchObject({
      provider: 'meta',
      account: WABA,
      providerTemplateId: template.id,
      providerCategory: 'UTILITY',
      parameterFormat: 'named',
    });
  });

  it('serves a version once a signed webhook reports its approval, with the Cloud API payload', async () => {
    const { key, template } = await pendingAtMeta();
    const res = await deliver(meta.statusWebhook(template.id, 'APPROVED'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ received: 1, outcomes: { applied: 1 } });
    expect(await getStatus(vt, key, 1)).toBe('approved');
    const rendered = await render(vt, key);
    expect(rendered.status).toBe(200);
    expect(rendered.body).toMatchObject({ provider: 'meta', category: 'utility', languageCode: 'tr' });
    expect(rendered.body.payload.template).toMatchObject({ name: `${key}_tr_v1`, language: { code: 'tr' } });
  });

  it('refuses a delivery with one flipped byte with 401 and writes nothing', async () => {
    const { key, template } = await pendingAtMeta();
    const before = await eventCount(key);
    const flipped = await deliver(meta.statusWebhook(template.id, 'APPROVED'), (raw) =>
      raw.replace('APPROVED', 'APPROVEE'),
    );
    expect(flipped.status).toBe(401);
    expect(flipped.headers.get('content-type')).toContain('application/problem+json');
    const unsigned = await vt.request('POST', '/v1/webhooks/meta', {
      key: null,
      body: meta.statusWebhook(template.id, 'APPROVED'),
    });
    expect(unsigned.status).toBe(401);
    expect(await eventCount(key)).toBe(before);
    expect(await getStatus(vt, key, 1)).toBe('pending');
  });

  it('makes one event of the same delivery sent ten times in a row and ten times at once', async () => {
    const { key, template } = await pendingAtMeta();
    const body = meta.statusWebhook(template.id, 'APPROVED');
    const before = await eventCount(key);
    for (let i = 0; i < 10; i++) expect((await deliver(body)).status).toBe(200);
    const together = await Promise.all(Array.from({ length: 10 }, () => deliver(body)));
    expect(together.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await eventCount(key)).toBe(before + 1);
    expect(await getStatus(vt, key, 1)).toBe('approved');
  });

  it('keeps a rejection with its reason and Meta’s recommendation', async () => {
    const { key, n, template } = await pendingAtMeta();
    const res = await deliver(
      meta.statusWebhook(template.id, 'REJECTED', {
        reason: 'INVALID_FORMAT',
        rejection_info: { reason: 'Variables at the start', recommendation: 'Start with text' },
      }),
    );
    expect(res.status).toBe(200);
    const history = (await vt.request('GET', `${versionsPath(key)}/${n}/events`)).body.items;
    expect(history.at(-1)).toMatchObject({
      toStatus: 'rejected',
      reason: 'INVALID_FORMAT',
      source: 'webhook',
      reasonText: expect.stringContaining('Start with text'),
    });
  });

  it('does not apply a transition the lifecycle forbids: it asks Meta and applies what Meta says', async () => {
    const { key, template } = await pendingAtMeta();
    // Pending cannot become paused; Meta, asked, says the template is still pending.
    const res = await deliver(meta.statusWebhook(template.id, 'PAUSED'));
    expect(res.body.outcomes).toEqual({ verify: 1 });
    // The status read is done once the version records when it was checked.
    await waitFor(async () => {
      const [row] = await vt.deps.database.db
        .select()
        .from(versions)
        .where(eq(versions.providerTemplateId, template.id));
      return row?.statusCheckedAt ?? undefined;
    });
    expect(await getStatus(vt, key, 1)).toBe('pending');
    const history = (await vt.request('GET', `${versionsPath(key)}/1/events`)).body.items;
    expect(history.find((e: { providerStatus?: string }) => e.providerStatus === 'PAUSED')).toMatchObject({
      effect: 'verify',
      toStatus: 'pending',
    });
    expect(meta.requests.some((r) => r.method === 'GET' && r.path.endsWith(`/${template.id}`))).toBe(true);
  });

  it('keeps a permanent refusal with Meta’s code and subcode and never retries it', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    meta.script({ on: 'create', kind: 'fail', status: 400, code: 100, subcode: 2388299 });
    expect((await vt.request('POST', `${versionsPath(key)}/${n}/submit`)).status).toBe(202);
    await waitFor(async () => (await getStatus(vt, key, n)) === 'submit_failed');
    const version = (await vt.request('GET', `${versionsPath(key)}/${n}`)).body;
    expect(version.submission.attempts).toBe(1);
    expect(version.submission.lastError).toMatch(/code 100, subcode 2388299/);
    expect(meta.creates(`${key}_tr_v${n}`, 'tr')).toBe(0);
  });
});

describe('Meta: reconciliation', () => {
  it('applies a decision that never came by webhook when pending submissions are polled', async () => {
    const { key, template } = await pendingAtMeta();
    template.status = 'APPROVED';
    await reconcile(serviceContext(vt.deps));
    await waitFor(async () => (await getStatus(vt, key, 1)) === 'approved');
    const history = (await vt.request('GET', `${versionsPath(key)}/1/events`)).body.items;
    expect(history.at(-1)).toMatchObject({ source: 'poll', toStatus: 'approved', effect: 'applied' });
    expect((await render(vt, key)).status).toBe(200);
  });

  it('stops serving a version Meta paused without a webhook, after the next sweep', async () => {
    const { key, template } = await pendingAtMeta();
    await deliver(meta.statusWebhook(template.id, 'APPROVED'));
    expect((await render(vt, key)).status).toBe(200);
    template.status = 'PAUSED';
    await reconcile(serviceContext(vt.deps));
    await waitFor(async () => (await getStatus(vt, key, 1)) === 'paused');
    const res = await render(vt, key);
    expect(res.status).toBe(404);
    expect(res.body.type).toBe('/problems/no-approved-variant');
  });
});

describe('Meta: category and quality', () => {
  function changeWebhook(
    field: string,
    template: { id: string; name: string; language: string },
    value: object,
  ) {
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA,
          time: Math.floor(Date.now() / 1000),
          changes: [
            {
              field,
              value: {
                message_template_id: Number(template.id),
                message_template_name: template.name,
                message_template_language: template.language,
                ...value,
              },
            },
          ],
        },
      ],
    };
  }

  it('flags a served utility template Meta recategorised as marketing, and render says so', async () => {
    const { key, template } = await pendingAtMeta();
    await deliver(meta.statusWebhook(template.id, 'APPROVED'));
    const announced = await deliver(
      changeWebhook('template_category_update', template, {
        new_category: 'UTILITY',
        correct_category: 'MARKETING',
        category_update_timestamp: Math.floor(Date.now() / 1000) + 86_400,
      }),
    );
    expect(announced.body.outcomes).toEqual({ noted: 1 });
    const pending = (await vt.request('GET', `${versionsPath(key)}/1`)).body.submission;
    expect(pending).toMatchObject({ providerCategory: 'UTILITY', pendingCategory: 'MARKETING' });

    const done = await deliver(
      changeWebhook('template_category_update', template, {
        previous_category: 'UTILITY',
        new_category: 'MARKETING',
      }),
    );
    expect(done.body.outcomes).toEqual({ noted: 1 });
    expect((await render(vt, key)).body.category).toBe('marketing');
    const matrix = (await vt.request('GET', `/v1/templates/${key}`)).body;
    expect(matrix.recategorized).toBe(true);
    expect(
      matrix.variants.find(
        (c: { market: string; language: string }) => c.market === 'TR' && c.language === 'tr',
      ),
    ).toMatchObject({ servedVersion: 1, recategorized: 'marketing' });
    expect(await getStatus(vt, key, 1)).toBe('approved');
  });

  it('keeps the quality rating Meta reports', async () => {
    const { key, template } = await pendingAtMeta();
    const res = await deliver(
      changeWebhook('message_template_quality_update', template, {
        previous_quality_score: 'GREEN',
        new_quality_score: 'YELLOW',
      }),
    );
    expect(res.body.outcomes).toEqual({ noted: 1 });
    expect((await vt.request('GET', `${versionsPath(key)}/1`)).body.submission.qualityScore).toBe('YELLOW');
  });

  it('answers 200 for a change about a template Vetted does not know, and keeps nothing', async () => {
    const res = await deliver(
      changeWebhook(
        'message_template_status_update',
        { id: '999', name: 'someone_elses', language: 'en_US' },
        {
          event: 'APPROVED',
        },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body.outcomes).toEqual({ 'unknown-version': 1 });
  });
});
