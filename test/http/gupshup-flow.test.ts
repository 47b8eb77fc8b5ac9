import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../db/schema/index.ts';
import { FakeGupshupServer } from '../fakes/gupshup-server.ts';
import {
  bindMarket,
  createDraft,
  createTemplate,
  getStatus,
  maltaMarket,
  versionsPath,
} from '../support/fixtures.ts';
import { startTestVetted, type TestVetted, waitFor } from '../support/harness.ts';

const APP = 'f1e2d3c4-app-pl';
const WEBHOOK_TOKEN = 'gupshup-webhook-token-0123456789';
const MARKET = 'PL';
const POLISH = {
  header: 'Lekcja {{student_name}}',
  body: 'Dzień dobry {{student_name}}, lekcja została przeniesiona na {{lesson_at}}. Do zobaczenia!',
};

let vt: TestVetted;
const gupshup = new FakeGupshupServer({ apps: { [APP]: { token: 'gupshup-app-token', name: 'shop-pl' } } });

beforeAll(async () => {
  await gupshup.start();
  vt = await startTestVetted({
    env: {
      GUPSHUP_API_URL: gupshup.url,
      GUPSHUP_APP_ID: APP,
      GUPSHUP_APP_TOKEN: 'gupshup-app-token',
      GUPSHUP_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
      GUPSHUP_APP_NAME: 'shop-pl',
      GUPSHUP_SOURCE_NUMBER: '48221234567',
      SUBMIT_RETRY_BASE_MS: '50',
    },
  });
  const bound = await bindMarket(vt, MARKET, { kind: 'gupshup', account: APP });
  expect(bound.status, JSON.stringify(bound.body)).toBe(200);
});
afterAll(async () => {
  await vt?.stop();
  await gupshup.stop();
});

async function pendingAtGupshup() {
  const key = await createTemplate(vt);
  const n = await createDraft(vt, key, POLISH, MARKET, 'pl');
  expect((await vt.request('POST', `${versionsPath(key, MARKET, 'pl')}/${n}/submit`)).status).toBe(202);
  await waitFor(async () => (await getStatus(vt, key, n, MARKET, 'pl')) === 'pending');
  const template = gupshup.find(`${key}_pl_v${n}`, 'pl');
  if (!template) throw new Error('the fake Gupshup holds no template');
  return { key, n, template };
}

function deliver(body: unknown, token = WEBHOOK_TOKEN) {
  return vt.request('POST', `/v1/webhooks/gupshup/${token}`, { key: null, body });
}

describe('Gupshup', () => {
  it('refuses to bind a market to a Gupshup app it has no token for, naming what to set', async () => {
    const res = await vt.request('PUT', '/v1/markets/MT', {
      body: maltaMarket({ kind: 'gupshup', account: 'another-app' }),
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].message).toContain('GUPSHUP_APP_TOKEN');
  });

  it('applies positional content with the variables mapped, and keeps the mapping on the submission', async () => {
    const { key, template } = await pendingAtGupshup();
    const apply = gupshup.requests.find(
      (r) => r.operation === 'apply' && r.form.elementName === `${key}_pl_v1`,
    );
    expect(apply?.form).toMatchObject({
      languageCode: 'pl',
      category: 'UTILITY',
      content: 'Dzień dobry {{1}}, lekcja została przeniesiona na {{2}}. Do zobaczenia!',
    });
    const version = (await vt.request('GET', `${versionsPath(key, MARKET, 'pl')}/1`)).body;
    expect(version.submission).toMatchObject({
      provider: 'gupshup',
      account: APP,
      providerTemplateId: template.id,
      parameterFormat: 'positional',
      parameterMapping: { header: ['student_name'], body: ['student_name', 'lesson_at'], buttons: [] },
    });
  });

  it('applies a callback only as Gupshup confirms it when the template is read back', async () => {
    const { key, template } = await pendingAtGupshup();
    // The callback says approved, but Gupshup still reports the template as pending.
    const early = await deliver(gupshup.templateEvent(template.id, { status: 'approved' }));
    expect(early.status).toBe(200);
    expect(await getStatus(vt, key, 1, MARKET, 'pl')).toBe('pending');

    gupshup.setStatus(template.id, 'APPROVED');
    const confirmed = await deliver(gupshup.templateEvent(template.id));
    expect(confirmed.body.outcomes).toEqual({ applied: 1 });
    expect(await getStatus(vt, key, 1, MARKET, 'pl')).toBe('approved');

    const rendered = await vt.request('POST', '/v1/render', {
      body: {
        template: key,
        market: MARKET,
        language: 'pl',
        variables: { student_name: 'Anna', lesson_at: '12 maja, 15:00' },
      },
    });
    expect(rendered.status).toBe(200);
    expect(rendered.body.provider).toBe('gupshup');
    expect(rendered.body.payload).toMatchObject({
      channel: 'whatsapp',
      source: '48221234567',
      'src.name': 'shop-pl',
    });
    expect(JSON.parse(rendered.body.payload.template)).toEqual({
      id: template.id,
      params: ['Anna', 'Anna', '12 maja, 15:00'],
    });
  });

  it('treats FAILED as a rejection, with its reason', async () => {
    const { key, template } = await pendingAtGupshup();
    gupshup.setStatus(template.id, 'FAILED', 'INVALID_FORMAT');
    const res = await deliver(gupshup.templateEvent(template.id));
    expect(res.body.outcomes).toEqual({ applied: 1 });
    expect(await getStatus(vt, key, 1, MARKET, 'pl')).toBe('rejected');
    const history = (await vt.request('GET', `${versionsPath(key, MARKET, 'pl')}/1/events`)).body.items;
    expect(history.at(-1)).toMatchObject({
      toStatus: 'rejected',
      providerStatus: 'FAILED',
      reason: 'INVALID_FORMAT',
    });
  });

  it('refuses a callback with the wrong path token and writes nothing', async () => {
    const { key, template } = await pendingAtGupshup();
    gupshup.setStatus(template.id, 'APPROVED');
    const before = await vt.deps.database.db.select().from(events).where(eq(events.templateKey, key));
    const res = await deliver(gupshup.templateEvent(template.id), 'not-the-token-at-all-000000');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const after = await vt.deps.database.db.select().from(events).where(eq(events.templateKey, key));
    expect(after).toHaveLength(before.length);
    expect(await getStatus(vt, key, 1, MARKET, 'pl')).toBe('pending');
  });

  it('makes one event of a callback delivered twice', async () => {
    const { key, template } = await pendingAtGupshup();
    gupshup.setStatus(template.id, 'APPROVED');
    const body = gupshup.templateEvent(template.id);
    expect((await deliver(body)).body.outcomes).toEqual({ applied: 1 });
    expect((await deliver(body)).body.outcomes).toEqual({ duplicate: 1 });
    const approvals = (
      await vt.request('GET', `${versionsPath(key, MARKET, 'pl')}/1/events`)
    ).body.items.filter((e: { toStatus: string }) => e.toStatus === 'approved');
    expect(approvals).toHaveLength(1);
  });
});
