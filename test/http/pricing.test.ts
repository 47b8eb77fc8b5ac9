import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMetaServer, signedDelivery } from '../fakes/meta-server.ts';
import {
  bindMarket,
  createDraft,
  createTemplate,
  getStatus,
  submitAndWait,
  versionsPath,
} from '../support/fixtures.ts';
import { startTestVetted, type TestVetted, waitFor } from '../support/harness.ts';

const APP_SECRET = 'meta-app-secret-for-tests';
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
      META_VERIFY_TOKEN: 'meta-verify-token-for-tests',
    },
  });
});
afterAll(async () => {
  await vt?.stop();
  await meta.stop();
});

const entry = (market: string, category: string, pricePerMessage: unknown, extra: object = {}) => ({
  market,
  category,
  currency: 'USD',
  pricePerMessage,
  validFrom: '2026-06-01',
  source: 'Our contract with the provider, 2026',
  ...extra,
});

async function keyOf(role: string, scope: { markets?: string[]; languages?: string[] } = {}) {
  const res = await vt.request('POST', '/v1/api-keys', { body: { name: `${role} key`, role, ...scope } });
  expect(res.status).toBe(201);
  return res.body.key as string;
}

const priceOf = (
  body: { items: Array<{ market: string; category: string }> },
  market: string,
  category: string,
) => body.items.find((item) => item.market === market && item.category === category);

describe('the price table', () => {
  it('comes with dated example prices that name their source', async () => {
    const res = await vt.request('GET', '/v1/pricing');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^"pricing\.[\w-]+"$/);
    const markets = new Set(res.body.items.map((item: { market: string }) => item.market));
    expect([...markets].sort()).toEqual(['DE', 'ES', 'FR', 'ID', 'IT', 'PL', 'RU', 'TR']);
    expect(res.body.items).toHaveLength(24);
    expect(priceOf(res.body, 'TR', 'utility')).toMatchObject({
      currency: 'USD',
      pricePerMessage: '0.0053',
      validFrom: '2026-01-01',
      source: expect.stringMatching(/^EXAMPLE .*effective 2026-01-01.*https:\/\/developers\.facebook\.com\//),
    });
    expect(priceOf(res.body, 'TR', 'marketing')).toMatchObject({ pricePerMessage: '0.0109' });
    const filtered = await vt.request('GET', '/v1/pricing?market=PL&category=marketing');
    expect(filtered.body.items).toEqual([
      expect.objectContaining({ market: 'PL', pricePerMessage: '0.086' }),
    ]);
  });

  it('lets an admin set prices as decimal strings, with If-Match, audited; a stale ETag is 412', async () => {
    const before = await vt.request('GET', '/v1/pricing');
    const etag = before.headers.get('etag') ?? '';
    const put = await vt.request('PUT', '/v1/pricing', {
      headers: { 'if-match': etag },
      body: { items: [entry('ES', 'marketing', '0.0700')] },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.headers.get('etag')).not.toBe(etag);
    expect(priceOf(put.body, 'ES', 'marketing')).toMatchObject({
      pricePerMessage: '0.07',
      validFrom: '2026-06-01',
      source: 'Our contract with the provider, 2026',
    });

    const stale = await vt.request('PUT', '/v1/pricing', {
      headers: { 'if-match': etag },
      body: { items: [entry('ES', 'marketing', '0.08')] },
    });
    expect(stale.status).toBe(412);
    expect(priceOf((await vt.request('GET', '/v1/pricing')).body, 'ES', 'marketing')).toMatchObject({
      pricePerMessage: '0.07',
    });

    const audit = await vt.request('GET', '/v1/audit?objectType=price');
    const marketing = audit.body.items.find(
      (item: { object: { id: string } }) => item.object.id === 'ES/marketing',
    );
    expect(marketing.action).toBe('pricing.put');
    expect(marketing.markets).toEqual(['ES']);
    expect(marketing.before.pricePerMessage).toBe('0.0615');
    expect(marketing.after.pricePerMessage).toBe('0.07');
  });

  it('takes back what GET returned, and changes nothing nor logs anything for an unchanged entry', async () => {
    const table = await vt.request('GET', '/v1/pricing?market=IT');
    const auditBefore = (await vt.request('GET', '/v1/audit?objectType=price&limit=200')).body.items.length;
    const put = await vt.request('PUT', '/v1/pricing', { body: { items: table.body.items } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await vt.request('GET', '/v1/audit?objectType=price&limit=200')).body.items).toHaveLength(
      auditBefore,
    );
  });

  it('refuses money as a JSON number, impossible dates, an empty source, duplicates and unknown markets', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ items: [entry('TR', 'utility', 0.0053)] }, 422, '/items/0/pricePerMessage'],
      [{ items: [entry('TR', 'utility', '0.0053001')] }, 422, '/items/0/pricePerMessage'],
      [{ items: [entry('TR', 'utility', '-1')] }, 422, '/items/0/pricePerMessage'],
      [{ items: [entry('TR', 'utility', '1', { validFrom: '2026-02-30' })] }, 422, '/items/0/validFrom'],
      [{ items: [entry('TR', 'utility', '1', { source: ' ' })] }, 422, '/items/0/source'],
      [{ items: [entry('TR', 'service', '1')] }, 422, '/items/0/category'],
      [{ items: [entry('TR', 'utility', '1'), entry('TR', 'utility', '2')] }, 422, '/items'],
      [{ items: [] }, 422, '/items'],
    ];
    for (const [body, status, path] of cases) {
      const res = await vt.request('PUT', '/v1/pricing', { body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    }
    const unknown = await vt.request('PUT', '/v1/pricing', {
      body: { items: [entry('ZZ', 'utility', '1')] },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toBe('/problems/unknown-market');
  });

  it('scopes prices like markets: a TR admin sets only TR and sees only TR', async () => {
    const trAdmin = await keyOf('admin', { markets: ['TR'] });
    const seen = await vt.request('GET', '/v1/pricing', { key: trAdmin });
    expect(new Set(seen.body.items.map((item: { market: string }) => item.market))).toEqual(new Set(['TR']));
    const other = await vt.request('PUT', '/v1/pricing', {
      key: trAdmin,
      body: { items: [entry('TR', 'utility', '0.0053'), entry('PL', 'utility', '0.01')] },
    });
    expect(other.status).toBe(404);
    expect(priceOf((await vt.request('GET', '/v1/pricing')).body, 'PL', 'utility')).toMatchObject({
      pricePerMessage: '0.0212',
    });
    const languageAdmin = await keyOf('admin', { languages: ['tr'] });
    const partial = await vt.request('PUT', '/v1/pricing', {
      key: languageAdmin,
      body: { items: [entry('TR', 'utility', '0.01')] },
    });
    expect(partial.status).toBe(403);
    const editor = await keyOf('editor');
    expect(
      (
        await vt.request('PUT', '/v1/pricing', {
          key: editor,
          body: { items: [entry('TR', 'utility', '1')] },
        })
      ).status,
    ).toBe(403);
    expect((await vt.request('GET', '/v1/pricing', { key: editor })).status).toBe(200);
  });
});

describe('cost impact', () => {
  function deliver(body: unknown) {
    const { rawBody, headers } = signedDelivery(body, APP_SECRET);
    return vt.request('POST', '/v1/webhooks/meta', { key: null, rawBody, headers });
  }

  it('prices each served variant and shows what Meta’s utility → marketing move costs per message and per 1,000', async () => {
    // PL stays on the sandbox: its variant is served under the category it was submitted with.
    const key = await createTemplate(vt);
    await submitAndWait(
      vt,
      key,
      await createDraft(
        vt,
        key,
        { body: 'Cześć {{student_name}}, lekcja przeniesiona na {{lesson_at}}.' },
        'PL',
        'pl',
      ),
      ['approved'],
      'PL',
      'pl',
    );
    expect((await bindMarket(vt, 'TR', { kind: 'meta', account: WABA })).status).toBe(200);
    const n = await createDraft(vt, key);
    expect((await vt.request('POST', `${versionsPath(key)}/${n}/submit`)).status).toBe(202);
    await waitFor(async () => (await getStatus(vt, key, n)) === 'pending');
    const template = meta.find(`${key}_tr_v${n}`, 'tr', WABA);
    if (!template) throw new Error('the fake Meta holds no template');
    await deliver(meta.statusWebhook(template.id, 'APPROVED'));
    await waitFor(async () => (await getStatus(vt, key, n)) === 'approved');

    const plain = await vt.request('GET', `/v1/analytics/cost?recategorized=false`);
    expect(plain.status).toBe(200);
    expect(plain.body.items.filter((item: { template: string }) => item.template === key)).toEqual([
      expect.objectContaining({ market: 'PL', category: 'utility', recategorized: null }),
      expect.objectContaining({
        market: 'TR',
        language: 'tr',
        version: n,
        provider: 'meta',
        templateCategory: 'utility',
        category: 'utility',
        price: expect.objectContaining({
          currency: 'USD',
          pricePerMessage: '0.0053',
          validFrom: '2026-01-01',
        }),
        recategorized: null,
      }),
    ]);

    const moved = await deliver({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA,
          time: Math.floor(Date.now() / 1000),
          changes: [
            {
              field: 'template_category_update',
              value: {
                message_template_id: Number(template.id),
                message_template_name: template.name,
                message_template_language: template.language,
                previous_category: 'UTILITY',
                new_category: 'MARKETING',
              },
            },
          ],
        },
      ],
    });
    expect(moved.body.outcomes).toEqual({ noted: 1 });

    const cost = await vt.request('GET', '/v1/analytics/cost?recategorized=true');
    const turkish = cost.body.items.find((item: { template: string }) => item.template === key);
    expect(turkish).toMatchObject({
      market: 'TR',
      templateCategory: 'utility',
      category: 'marketing',
      price: { pricePerMessage: '0.0109' },
      recategorized: {
        from: 'utility',
        to: 'marketing',
        priceBefore: '0.0053',
        priceAfter: '0.0109',
        currency: 'USD',
        changePerMessage: '0.0056',
        changePer1000: '5.6',
      },
    });
    expect(cost.body.items.some((item: { market: string }) => item.market === 'PL')).toBe(false);

    // A new price shows at once; a price in another currency cannot be subtracted, so no change is claimed.
    await vt.request('PUT', '/v1/pricing', { body: { items: [entry('TR', 'marketing', '0.0250')] } });
    const repriced = await vt.request('GET', '/v1/analytics/cost?market=TR&recategorized=true');
    expect(
      repriced.body.items.find((item: { template: string }) => item.template === key).recategorized,
    ).toMatchObject({
      priceAfter: '0.025',
      changePerMessage: '0.0197',
      changePer1000: '19.7',
    });
    await vt.request('PUT', '/v1/pricing', {
      body: { items: [entry('TR', 'marketing', '0.9', { currency: 'TRY' })] },
    });
    const mixed = await vt.request('GET', '/v1/analytics/cost?market=TR&recategorized=true');
    expect(
      mixed.body.items.find((item: { template: string }) => item.template === key).recategorized,
    ).toMatchObject({
      priceBefore: '0.0053',
      priceAfter: '0.9',
      currency: null,
      changePerMessage: null,
      changePer1000: null,
    });

    // A key limited to PL does not see the Turkish variant.
    const polish = await keyOf('viewer', { markets: ['PL'] });
    const scoped = await vt.request('GET', '/v1/analytics/cost', { key: polish });
    expect(scoped.body.items.every((item: { market: string }) => item.market === 'PL')).toBe(true);
    expect(scoped.body.items.some((item: { template: string }) => item.template === key)).toBe(true);
  });

  it('pages through served variants by template, market and language', async () => {
    const first = await vt.request('GET', '/v1/analytics/cost?limit=1');
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await vt.request('GET', `/v1/analytics/cost?limit=200&cursor=${first.body.nextCursor}`);
    const all = await vt.request('GET', '/v1/analytics/cost?limit=200');
    expect([...first.body.items, ...second.body.items]).toEqual(all.body.items);
    expect(second.body.nextCursor).toBeNull();
  });
});
