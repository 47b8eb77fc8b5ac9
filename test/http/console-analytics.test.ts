import { beforeAll, describe, expect, it } from 'vitest';
import { serviceContext } from '../../src/context.ts';
import { ingestProviderNote } from '../../src/modules/status-events/status-events.service.ts';
import { ConsoleClient } from '../support/console-client.ts';
import { createDraft, createTemplate, getStatus, versionsPath } from '../support/fixtures.ts';
import { ADMIN_KEY, useTestVetted, waitFor } from '../support/harness.ts';

// Reviews wait ten minutes, so every decision here is a forced one.
const vt = useTestVetted({ env: { SANDBOX_REVIEW_DELAY_MS: '600000' } });

const POLISH = 'Cześć {{student_name}}, lekcja została przeniesiona na {{lesson_at}}. Do zobaczenia.';

async function decided(market: string, language: string, body: string, status: string, reason?: string) {
  const key = await createTemplate(vt);
  await createDraft(vt, key, { body }, market, language);
  expect((await vt.request('POST', `${versionsPath(key, market, language)}/1/submit`)).status).toBe(202);
  await waitFor(async () => (await getStatus(vt, key, 1, market, language)) === 'pending');
  const res = await vt.request('POST', '/v1/sandbox/decisions', {
    body: {
      providerTemplateName: `${key}_${market.toLowerCase()}_v1`,
      status,
      ...(reason ? { reason } : {}),
    },
  });
  expect(res.status).toBe(200);
  return key;
}

async function login(key: string): Promise<ConsoleClient> {
  const browser = new ConsoleClient(vt);
  expect((await browser.login(key)).status).toBe(303);
  return browser;
}

let turkish: string[] = [];

beforeAll(async () => {
  // TR/tr rejected 5 of 6 (one reason tries to smuggle markup in), PL/pl 1 of 6.
  turkish = [];
  for (let i = 0; i < 6; i++) {
    const reason = i === 0 ? '<script>alert(1)</script>' : 'TAG_CONTENT_MISMATCH';
    turkish.push(
      await decided(
        'TR',
        'tr',
        'Merhaba {{student_name}}, dersiniz {{lesson_at}} tarihinde.',
        i < 5 ? 'rejected' : 'approved',
        i < 5 ? reason : undefined,
      ),
    );
    await decided(
      'PL',
      'pl',
      POLISH,
      i === 0 ? 'rejected' : 'approved',
      i === 0 ? 'INVALID_FORMAT' : undefined,
    );
  }
}, 120_000);

describe('console: rejections and approval times', () => {
  it('shows the rates as a chart and a table, the Turkish outlier marked, and links the same rows as CSV', async () => {
    const viewer = (await vt.request('POST', '/v1/api-keys', { body: { name: 'analyst', role: 'viewer' } }))
      .body.key;
    const browser = await login(viewer);
    const page = await browser.get('/ui/analytics');
    expect(page.status).toBe(200);
    expect(page.html).toContain('aria-current="page">Rejections and approval times</a>');
    const section = page.html.slice(
      page.html.indexOf('id="rates-by-variant"'),
      page.html.indexOf('id="rates-by-reason"'),
    );
    expect(section).toMatch(/<svg [^>]*role="img" aria-label="Rejection rate by market and language"/);
    expect(section.match(/<g class="row highlight">/g)).toHaveLength(1);
    expect(section).toContain('>TR · tr</text>');
    expect(section).toMatch(
      /<tr class="outlier"><td>TR<\/td><td>tr<\/td><td>6<\/td><td>5<\/td><td>83.3% <strong class="outlier">far above the rest<\/strong>/,
    );
    expect(section).toContain('<td>PL</td><td>pl</td><td>6</td><td>1</td><td>16.7%</td>');
    expect(section).toContain('6 of 12 decisions were rejections (50%).');
    expect(page.html).toContain('id="approval-times"');

    const link = /href="(\/ui\/analytics\/rejections\.csv\?[^"]+)"/
      .exec(section)?.[1]
      ?.replaceAll('&amp;', '&');
    expect(link).toBe('/ui/analytics/rejections.csv?groupBy=market%2Clanguage');
    const csv = await browser.get(link as string);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.html.split('\r\n')).toEqual([
      'market,language,decided,approved,rejected,rate,outlier',
      'PL,pl,6,5,1,0.1667,false',
      'TR,tr,6,1,5,0.8333,true',
      '',
    ]);
  });

  it('filters by market, keeps the filters in the CSV links, and escapes provider reasons', async () => {
    const browser = await login(ADMIN_KEY);
    const page = await browser.get('/ui/analytics?market=TR&language=&period=month');
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('<script>alert(1)</script>');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.html).toContain(
      'href="/ui/analytics/rejections.csv?market=TR&amp;groupBy=market&amp;period=month"',
    );
    expect(page.html).not.toContain('>PL · pl</text>');
    const bad = await browser.get('/ui/analytics?period=year');
    expect(bad.status).toBe(422);
  });

  it('is not for sender keys', async () => {
    const sender = (await vt.request('POST', '/v1/api-keys', { body: { name: 'sender', role: 'sender' } }))
      .body.key;
    expect((await new ConsoleClient(vt).login(sender)).status).toBe(403);
  });
});

describe('console: cost impact', () => {
  it('lists prices, shows a re-categorised variant’s change per 1,000 sends, and lets only an admin change a price', async () => {
    // The served Turkish variant moves from utility to marketing, as Meta's category update would do.
    const key = turkish[5] as string;
    const note = await ingestProviderNote(serviceContext(vt.deps), {
      provider: 'sandbox',
      providerAccount: 'sandbox-tr',
      providerTemplateName: `${key}_tr_v1`,
      providerLanguageCode: 'tr',
      source: 'webhook',
      occurredAt: new Date(),
      dedupeKey: `test-category:${key}`,
      reason: 'CATEGORY_CHANGED',
      reasonText: 'UTILITY → MARKETING',
      set: { providerCategory: 'MARKETING' },
    });
    expect(note.outcome).toBe('noted');

    const viewer = (await vt.request('POST', '/v1/api-keys', { body: { name: 'viewer', role: 'viewer' } }))
      .body.key;
    const page = await (await login(viewer)).get('/ui/cost');
    expect(page.status).toBe(200);
    const moved = page.html.slice(
      page.html.indexOf('id="recategorized"'),
      page.html.indexOf('id="served-prices"'),
    );
    expect(moved).toContain(`${key} · TR · tr</a> v1`);
    expect(moved).toContain('utility → marketing');
    expect(moved).toContain('0.0053 → 0.0109');
    expect(moved).toContain('<strong>0.0056 USD</strong>');
    expect(moved).toContain('<strong>5.6 USD</strong>');
    expect(page.html).toContain('id="price-TR-marketing"');
    expect(page.html).not.toContain('action="/ui/pricing"');

    const admin = await login(ADMIN_KEY);
    expect((await admin.get('/ui/cost')).html).toContain('action="/ui/pricing"');
    const saved = await admin.post('/ui/pricing', {
      market: 'TR',
      category: 'marketing',
      currency: 'usd',
      pricePerMessage: '0.0120',
      validFrom: '2026-07-01',
      source: 'Meta rate card, July 2026',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/ui/cost#price-TR-marketing');
    const after = (await admin.get('/ui/cost')).html;
    expect(after).toContain('<strong>6.7 USD</strong>');
    const refused = await admin.post('/ui/pricing', {
      market: 'TR',
      category: 'marketing',
      currency: 'USD',
      pricePerMessage: '0,012',
      validFrom: '2026-07-01',
      source: 'x',
    });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('/items/0/pricePerMessage');

    const editor = (await vt.request('POST', '/v1/api-keys', { body: { name: 'editor', role: 'editor' } }))
      .body.key;
    const editorBrowser = await login(editor);
    const forbidden = await editorBrowser.post('/ui/pricing', {
      market: 'TR',
      category: 'marketing',
      currency: 'USD',
      pricePerMessage: '1',
      validFrom: '2026-07-01',
      source: 'x',
    });
    expect(forbidden.status).toBe(403);
  });
});
