import { beforeAll, describe, expect, it } from 'vitest';
import { createDraft, createTemplate, versionsPath } from '../support/fixtures.ts';
import { ADMIN_KEY, type TestResponse, useTestVetted, waitFor } from '../support/harness.ts';

// The clock stands still unless a test moves it, so submission and decision times are exact.
const T0 = Date.parse('2026-03-02T00:00:00Z'); // a Monday
const HOUR = 3_600_000;
let now = T0;
// Reviews wait ten minutes, so every decision here is a forced one.
const vt = useTestVetted({ clock: () => new Date(now), env: { SANDBOX_REVIEW_DELAY_MS: '600000' } });

const BODIES: Record<string, string> = {
  tr: 'Merhaba {{student_name}}, dersiniz {{lesson_at}} tarihine taşındı. Görüşmek üzere.',
  en: 'Hello {{student_name}}, your lesson moved to {{lesson_at}}. See you then.',
  pl: 'Cześć {{student_name}}, lekcja została przeniesiona na {{lesson_at}}. Do zobaczenia.',
  ru: 'Здравствуйте, {{student_name}}! Урок перенесён на {{lesson_at}}. До встречи.',
};

interface Planned {
  market: string;
  language: string;
  /** Hours from submission to the decision. */
  hours: (i: number) => number;
  /** The rejection reason of template i, or null when it is approved. */
  rejected: (i: number) => string | null;
}

/**
 * The story of product.md: Turkish templates in Turkey are rejected 6 times of 8, every other variant
 * once in 8. Russian decisions come a week later (171 h), the rest within a day.
 */
const PLAN: Planned[] = [
  {
    market: 'TR',
    language: 'tr',
    hours: (i) => i + 1,
    rejected: (i) => (i < 4 ? 'TAG_CONTENT_MISMATCH' : i < 6 ? 'INVALID_FORMAT' : null),
  },
  { market: 'TR', language: 'en', hours: (i) => i + 1, rejected: (i) => (i === 0 ? 'INVALID_FORMAT' : null) },
  {
    market: 'PL',
    language: 'pl',
    hours: (i) => 2 * (i + 1),
    rejected: (i) => (i === 0 ? 'INVALID_FORMAT' : null),
  },
  { market: 'RU', language: 'ru', hours: () => 171, rejected: (i) => (i === 0 ? 'PROMOTIONAL' : null) },
];
const TEMPLATES = 8;

async function decide(key: string, market: string, language: string, status: string, reason?: string | null) {
  const res = await vt.request('POST', '/v1/sandbox/decisions', {
    body: {
      providerTemplateName: `${key}_${market.toLowerCase()}_v1`,
      language,
      status,
      ...(reason ? { reason } : {}),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.outcome).toBe('applied');
}

let keys: string[] = [];

beforeAll(async () => {
  keys = [];
  for (let i = 0; i < TEMPLATES; i++) keys.push(await createTemplate(vt));
  const variants = keys.flatMap((key, i) => PLAN.map((plan) => ({ key, i, plan })));
  for (const { key, plan } of variants)
    await createDraft(vt, key, { body: BODIES[plan.language] }, plan.market, plan.language);
  for (const { key, plan } of variants) {
    const res = await vt.request('POST', `${versionsPath(key, plan.market, plan.language)}/1/submit`);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
  }
  await waitFor(async () => {
    const states = await Promise.all(
      variants.map(
        async ({ key, plan }) =>
          (await vt.request('GET', `${versionsPath(key, plan.market, plan.language)}/1`)).body.status,
      ),
    );
    return states.every((status) => status === 'pending');
  }, 60_000);
  for (const { key, i, plan } of variants) {
    now = T0 + plan.hours(i) * HOUR;
    const reason = plan.rejected(i);
    await decide(key, plan.market, plan.language, reason ? 'rejected' : 'approved', reason);
  }
  // A pause and its end are no review: approving a paused version again is not a decision.
  const reinstated = keys[7] as string;
  now = T0 + 20 * HOUR;
  await decide(reinstated, 'TR', 'tr', 'paused');
  now = T0 + 21 * HOUR;
  await decide(reinstated, 'TR', 'tr', 'approved');
}, 180_000);

const rowOf = (res: TestResponse, values: Record<string, string>) =>
  res.body.items.find((item: Record<string, unknown>) =>
    Object.entries(values).every(([name, value]) => item[name] === value),
  );

async function viewerKey(scope: { markets?: string[]; languages?: string[] }) {
  const res = await vt.request('POST', '/v1/api-keys', {
    body: { name: 'analyst', role: 'viewer', ...scope },
  });
  expect(res.status).toBe(201);
  return res.body.key as string;
}

describe('rejection rates', () => {
  it('shows the Turkish problem as a number: TR/tr rejected 6 of 8 and flagged, every other variant 1 of 8', async () => {
    const res = await vt.request('GET', '/v1/analytics/rejections');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ groupBy: ['market', 'language'], period: null, from: null, to: null });
    expect(res.body.totals).toEqual({ decided: 32, approved: 23, rejected: 9, rate: 0.2813 });
    expect(
      res.body.items.map((row: Record<string, unknown>) => [
        row.market,
        row.language,
        row.decided,
        row.rejected,
        row.rate,
        row.outlier,
      ]),
    ).toEqual([
      ['PL', 'pl', 8, 1, 0.125, false],
      ['RU', 'ru', 8, 1, 0.125, false],
      ['TR', 'en', 8, 1, 0.125, false],
      ['TR', 'tr', 8, 6, 0.75, true],
    ]);
  });

  it('groups by market, by reason and by week; filters by time, category and provider', async () => {
    const byMarket = await vt.request('GET', '/v1/analytics/rejections?groupBy=market');
    expect(rowOf(byMarket, { market: 'TR' })).toMatchObject({ decided: 16, rejected: 7, rate: 0.4375 });
    expect(rowOf(byMarket, { market: 'TR' })).not.toHaveProperty('language');

    const byReason = await vt.request('GET', '/v1/analytics/rejections?groupBy=market,language,reason');
    const turkish = byReason.body.items.filter(
      (row: { market: string; language: string }) => row.market === 'TR' && row.language === 'tr',
    );
    expect(
      turkish.map((row: { reason: string; rejected: number; rate: number }) => [
        row.reason,
        row.rejected,
        row.rate,
      ]),
    ).toEqual([
      ['INVALID_FORMAT', 2, 0.25],
      ['TAG_CONTENT_MISMATCH', 4, 0.5],
    ]);

    const weekly = await vt.request('GET', '/v1/analytics/rejections?groupBy=market&period=week');
    expect(
      weekly.body.items.map((row: Record<string, unknown>) => [row.market, row.period, row.decided]),
    ).toEqual([
      ['PL', '2026-03-02', 8],
      ['RU', '2026-03-09', 8],
      ['TR', '2026-03-02', 16],
    ]);

    const later = await vt.request('GET', '/v1/analytics/rejections?groupBy=market&from=2026-03-09');
    expect(later.body.items.map((row: { market: string }) => row.market)).toEqual(['RU']);
    expect(later.body.from).toBe('2026-03-09T00:00:00.000Z');
    const earlier = await vt.request(
      'GET',
      '/v1/analytics/rejections?groupBy=market&to=2026-03-09T00:00:00Z',
    );
    expect(earlier.body.totals.decided).toBe(24);

    expect((await vt.request('GET', '/v1/analytics/rejections?category=marketing')).body.totals.decided).toBe(
      0,
    );
    expect((await vt.request('GET', '/v1/analytics/rejections?provider=sandbox')).body.totals.decided).toBe(
      32,
    );
    expect((await vt.request('GET', '/v1/analytics/rejections?provider=meta')).body.totals.decided).toBe(0);
  });

  it('counts only what the key’s scope covers', async () => {
    const key = await viewerKey({ markets: ['TR'], languages: ['tr'] });
    const res = await vt.request('GET', '/v1/analytics/rejections?groupBy=market', { key });
    expect(res.body.items).toEqual([
      { market: 'TR', decided: 8, approved: 2, rejected: 6, rate: 0.75, outlier: false },
    ]);
    // Asking for what is outside the scope finds nothing rather than an error.
    const outside = await vt.request('GET', '/v1/analytics/rejections?market=PL', { key });
    expect(outside.body.totals.decided).toBe(0);
  });

  it('refuses an unknown dimension, period or date with a 422 naming the field', async () => {
    for (const query of [
      'groupBy=market,colour',
      'groupBy=market,market',
      'period=year',
      'from=2026-02-30',
      'groupBy=period',
    ]) {
      const res = await vt.request('GET', `/v1/analytics/rejections?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.errors[0].path).toBe(`/${query.split('=')[0]}`);
    }
  });
});

describe('approval times', () => {
  it('gives median and p90 hours from submission to the first decision, per provider and market', async () => {
    const res = await vt.request('GET', '/v1/analytics/approval-times');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.groupBy).toEqual(['provider', 'market']);
    expect(res.body.items).toEqual([
      {
        provider: 'sandbox',
        market: 'PL',
        decided: 8,
        approved: 7,
        rejected: 1,
        medianHours: 9,
        p90Hours: 14.6,
      },
      {
        provider: 'sandbox',
        market: 'RU',
        decided: 8,
        approved: 7,
        rejected: 1,
        medianHours: 171,
        p90Hours: 171,
      },
      {
        provider: 'sandbox',
        market: 'TR',
        decided: 16,
        approved: 9,
        rejected: 7,
        medianHours: 4.5,
        p90Hours: 7.5,
      },
    ]);
    expect(res.body.totals).toEqual({ decided: 32, medianHours: 7, p90Hours: 171 });
  });

  it('groups by language and filters by the decision’s time and the key’s scope', async () => {
    const byLanguage = await vt.request(
      'GET',
      '/v1/analytics/approval-times?groupBy=market,language&market=TR',
    );
    expect(
      byLanguage.body.items.map((row: Record<string, unknown>) => [
        row.language,
        row.medianHours,
        row.p90Hours,
      ]),
    ).toEqual([
      ['en', 4.5, 7.3],
      ['tr', 4.5, 7.3],
    ]);
    const early = await vt.request(
      'GET',
      '/v1/analytics/approval-times?groupBy=market&to=2026-03-02T04:30:00Z',
    );
    expect(early.body.items).toEqual([
      { market: 'PL', decided: 2, approved: 1, rejected: 1, medianHours: 3, p90Hours: 3.8 },
      { market: 'TR', decided: 8, approved: 3, rejected: 5, medianHours: 2.5, p90Hours: 4 },
    ]);
    const key = await viewerKey({ markets: ['TR'], languages: ['tr'] });
    const scoped = await vt.request('GET', '/v1/analytics/approval-times', { key });
    expect(scoped.body.items).toEqual([
      {
        provider: 'sandbox',
        market: 'TR',
        decided: 8,
        approved: 2,
        rejected: 6,
        medianHours: 4.5,
        p90Hours: 7.3,
      },
    ]);
    expect(scoped.body.totals).toEqual({ decided: 8, medianHours: 4.5, p90Hours: 7.3 });
  });
});

describe('CSV', () => {
  const csvLines = (res: TestResponse) => {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[\w-]+\.csv"$/);
    // Response.text() drops the byte order mark; the test below reads the bytes.
    const text = res.body as string;
    expect(text.endsWith('\r\n')).toBe(true);
    return text.split('\r\n').slice(0, -1);
  };

  it('answers the same rows as CSV to Accept: text/csv and to format=csv', async () => {
    const accepted = csvLines(
      await vt.request('GET', '/v1/analytics/rejections', { headers: { accept: 'text/csv' } }),
    );
    expect(accepted).toEqual([
      'market,language,decided,approved,rejected,rate,outlier',
      'PL,pl,8,7,1,0.125,false',
      'RU,ru,8,7,1,0.125,false',
      'TR,en,8,7,1,0.125,false',
      'TR,tr,8,2,6,0.75,true',
    ]);
    expect(csvLines(await vt.request('GET', '/v1/analytics/rejections?format=csv'))).toEqual(accepted);
    const times = csvLines(
      await vt.request('GET', '/v1/analytics/approval-times?format=csv&groupBy=market&period=month'),
    );
    expect(times).toEqual([
      'market,period,decided,approved,rejected,medianHours,p90Hours',
      'PL,2026-03-01,8,7,1,9,14.6',
      'RU,2026-03-01,8,7,1,171,171',
      'TR,2026-03-01,16,9,7,4.5,7.5',
    ]);
  });

  it('starts with a UTF-8 byte order mark, so spreadsheets read Turkish and Russian text right', async () => {
    const res = await vt.app.request('/v1/analytics/rejections?format=csv', {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect([...new Uint8Array(await res.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('leaves a reason a group has not as an empty field, and answers JSON when format=json or Accept says so', async () => {
    const lines = csvLines(
      await vt.request(
        'GET',
        '/v1/analytics/rejections?format=csv&groupBy=language,reason&market=TR&from=2026-03-02T01:30:00Z',
      ),
    );
    expect(lines).toEqual([
      'language,reason,decided,approved,rejected,rate,outlier',
      'en,,7,7,0,0,false',
      'tr,INVALID_FORMAT,7,2,2,0.2857,true',
      'tr,TAG_CONTENT_MISMATCH,7,2,3,0.4286,true',
    ]);
    const json = await vt.request('GET', '/v1/analytics/rejections?format=json', {
      headers: { accept: 'text/csv' },
    });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const refused = await vt.request('GET', '/v1/analytics/rejections', {
      headers: { accept: 'text/csv;q=0, application/json' },
    });
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('keeps errors problem+json when CSV was asked for', async () => {
    const res = await vt.request('GET', '/v1/analytics/approval-times?format=csv&groupBy=reason', {
      headers: { accept: 'text/csv' },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('GET /v1/rejections', () => {
  it('lists rejections newest first with reason, category and provider, filtered and paged', async () => {
    const all = await vt.request('GET', '/v1/rejections?limit=200');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(9);
    const ids = all.body.items.map((item: { id: string }) => Number(item.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(all.body.items[0]).toMatchObject({
      toStatus: 'rejected',
      category: 'utility',
      provider: 'sandbox',
    });

    const turkish = await vt.request(
      'GET',
      '/v1/rejections?market=TR&language=tr&reason=TAG_CONTENT_MISMATCH&limit=3',
    );
    expect(turkish.body.items).toHaveLength(3);
    expect(
      turkish.body.items.every((item: { reason: string }) => item.reason === 'TAG_CONTENT_MISMATCH'),
    ).toBe(true);
    const rest = await vt.request(
      'GET',
      `/v1/rejections?market=TR&language=tr&reason=TAG_CONTENT_MISMATCH&limit=3&cursor=${turkish.body.nextCursor}`,
    );
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();

    const late = await vt.request('GET', '/v1/rejections?from=2026-03-09');
    expect(
      late.body.items.map((item: { market: string; reason: string }) => [item.market, item.reason]),
    ).toEqual([['RU', 'PROMOTIONAL']]);
  });

  it('shows a scoped key only its own', async () => {
    const key = await viewerKey({ languages: ['pl'] });
    const res = await vt.request('GET', '/v1/rejections', { key });
    expect(
      res.body.items.map((item: { market: string; language: string }) => `${item.market}/${item.language}`),
    ).toEqual(['PL/pl']);
  });
});
