import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, createTemplate, decide, render, submitAndWait } from '../support/fixtures.ts';
import { startTestVetted, type TestVetted } from '../support/harness.ts';

let vt: TestVetted;
let payment: string;
beforeAll(async () => {
  vt = await startTestVetted();
  payment = await createTemplate(vt, {
    variables: [
      { name: 'student_name', type: 'text', example: 'Ayşe' },
      { name: 'amount', type: 'currency', example: '1250.50' },
      { name: 'due_date', type: 'date', example: '2026-05-12' },
      { name: 'lesson_at', type: 'datetime', example: '2026-05-12T12:00:00Z' },
      { name: 'invoice', type: 'url_suffix', example: 'A-1042' },
    ],
  });
  const n = await createDraft(vt, payment, {
    body: 'Merhaba {{student_name}}, ödemeniz {{amount}} tutarında ve son günü {{due_date}}; dersiniz {{lesson_at}} saatinde. Teşekkürler.',
    buttons: [{ type: 'url', text: 'Öde', url: 'https://pay.example.com/i/{{invoice}}' }],
  });
  expect(await submitAndWait(vt, payment, n)).toBe('approved');
});
afterAll(async () => {
  await vt?.stop();
});

const paymentValues = {
  student_name: 'Ayşe',
  amount: 1250.5,
  due_date: '2026-05-12',
  lesson_at: '2026-05-12T12:00:00Z',
  invoice: 'A 1042/ü',
};

describe('typed variables at render time', () => {
  it('formats currency, dates and times for Turkish in the market’s time zone and encodes URL suffixes', async () => {
    const res = await render(vt, payment, { variables: paymentValues });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.components.body).toBe(
      'Merhaba Ayşe, ödemeniz ₺1.250,50 tutarında ve son günü 12 Mayıs 2026; dersiniz 12 Mayıs 2026 15:00 saatinde. Teşekkürler.',
    );
    expect(res.body.components.buttons).toEqual([
      { type: 'url', text: 'Öde', url: 'https://pay.example.com/i/A%201042/%C3%BC' },
    ]);
    const button = res.body.payload.template.components.find((c: { type: string }) => c.type === 'button');
    expect(button).toEqual({
      type: 'button',
      sub_type: 'url',
      index: '0',
      parameters: [{ type: 'text', text: 'A%201042/%C3%BC' }],
    });
  });

  it('accepts numeric strings for currency and names each value that does not parse', async () => {
    expect((await render(vt, payment, { variables: { ...paymentValues, amount: '1250.50' } })).status).toBe(
      200,
    );
    const res = await render(vt, payment, {
      variables: { ...paymentValues, amount: 'lots', due_date: '12/05/2026', lesson_at: 'tomorrow' },
    });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('/problems/invalid-variables');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      '/variables/amount',
      '/variables/due_date',
      '/variables/lesson_at',
    ]);
  });

  it('refuses values WhatsApp would refuse at send time: newline, tab, five spaces, and a body over 1024 characters', async () => {
    for (const bad of ['Ay\nşe', 'Ay\tşe', 'Ay     şe']) {
      const res = await render(vt, payment, { variables: { ...paymentValues, student_name: bad } });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].path).toBe('/variables/student_name');
    }
    const long = await render(vt, payment, {
      variables: { ...paymentValues, student_name: 'x'.repeat(1000) },
    });
    expect(long.status).toBe(422);
    expect(long.body.errors[0].message).toContain('1024');
  });
});

describe('batch render', () => {
  it('renders each recipient in order with its own language and variables, and one bad recipient fails only itself', async () => {
    const key = await createTemplate(vt);
    expect(await submitAndWait(vt, key, await createDraft(vt, key))).toBe('approved');
    const enBody = { body: 'Hello {{student_name}}, your lesson moved to {{lesson_at}}. See you then.' };
    expect(
      await submitAndWait(vt, key, await createDraft(vt, key, enBody, 'TR', 'en'), undefined, 'TR', 'en'),
    ).toBe('approved');
    const recipients = [
      { to: '905550000001', variables: { student_name: 'Ayşe', lesson_at: '15:00' } },
      { to: '905550000002', language: 'en', variables: { student_name: 'John', lesson_at: '16:00' } },
      { to: '905550000003', variables: { student_name: 'Ali' } },
      { to: 'not-a-number', variables: { student_name: 'Can', lesson_at: '17:00' } },
      { to: '905550000005', language: 'de', variables: { student_name: 'Jan', lesson_at: '18:00' } },
    ];
    const res = await vt.request('POST', '/v1/render/batch', {
      body: { template: key, market: 'TR', recipients },
    });
    expect(res.status).toBe(200);
    expect(
      res.body.items.map((item: { index: number; status: number }) => [item.index, item.status]),
    ).toEqual([
      [0, 200],
      [1, 200],
      [2, 422],
      [3, 422],
      [4, 404],
    ]);
    expect(res.body.items[0].result.text).toBe(
      'Merhaba Ayşe, dersiniz 15:00 tarihine taşındı. Görüşmek üzere.',
    );
    expect(res.body.items[0].result.payload.to).toBe('905550000001');
    expect(res.body.items[1].result.language).toBe('en');
    expect(res.body.items[2].problem.type).toBe('/problems/invalid-variables');
    expect(res.body.items[3].problem.errors[0].path).toBe('/to');
    expect(res.body.items[4].problem.type).toBe('/problems/no-approved-variant');
  });

  it('handles 10,000 recipients and refuses more', async () => {
    const key = await createTemplate(vt);
    expect(await submitAndWait(vt, key, await createDraft(vt, key))).toBe('approved');
    const recipients = Array.from({ length: 10_000 }, (_, i) => ({
      to: `9055${String(i).padStart(8, '0')}`,
      variables: { student_name: `Öğrenci ${i}`, lesson_at: '15:00' },
    }));
    const res = await vt.request('POST', '/v1/render/batch', {
      body: { template: key, market: 'TR', recipients },
    });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(10_000);
    expect(res.body.items[9_999].result.components.body).toContain('Öğrenci 9999');
    const tooMany = await vt.request('POST', '/v1/render/batch', {
      body: { template: key, market: 'TR', recipients: [...recipients, recipients[0]] },
    });
    expect(tooMany.status).toBe(422);
  });
});

describe('bundles', () => {
  it('lists every served version of a market with a strong ETag that changes exactly when something served changes', async () => {
    const first = await vt.request('GET', '/v1/bundles/PL');
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(
      (await vt.request('GET', '/v1/bundles/PL', { headers: { 'if-none-match': etag ?? '' } })).status,
    ).toBe(304);

    const key = await createTemplate(vt);
    const body = { body: 'Cześć {{student_name}}, lekcja przeniesiona na {{lesson_at}}. Do zobaczenia.' };
    const n = await createDraft(vt, key, body, 'PL', 'pl');
    // A draft and a pending version change nothing served.
    expect((await vt.request('GET', '/v1/bundles/PL')).headers.get('etag')).toBe(etag);
    expect(await submitAndWait(vt, key, n, undefined, 'PL', 'pl')).toBe('approved');

    const second = await vt.request('GET', '/v1/bundles/PL', { headers: { 'if-none-match': etag ?? '' } });
    expect(second.status).toBe(200);
    expect(second.headers.get('etag')).not.toBe(etag);
    const item = second.body.items.find((i: { template: string }) => i.template === key);
    expect(item).toMatchObject({
      language: 'pl',
      version: 1,
      providerTemplateName: `${key}_pl_v1`,
      languageCode: 'pl',
      body: body.body,
    });
    expect(item.variables.map((v: { name: string }) => v.name)).toEqual(['student_name', 'lesson_at']);

    await decide(vt, key, 1, 'paused', 'PL');
    const third = await vt.request('GET', '/v1/bundles/PL');
    expect(third.body.items.find((i: { template: string }) => i.template === key)).toBeUndefined();
    expect(third.headers.get('etag')).toBe(etag);
  });

  it('is refused to roles that do not send and to unknown markets', async () => {
    expect((await vt.request('GET', '/v1/bundles/XX')).status).toBe(404);
  });
});

describe('render', () => {
  it('serves a configured fallback language only when the request allows it, and says so', async () => {
    const key = await createTemplate(vt);
    const enBody = { body: 'Hello {{student_name}}, your lesson moved to {{lesson_at}}. See you then.' };
    expect(
      await submitAndWait(vt, key, await createDraft(vt, key, enBody, 'TR', 'en'), undefined, 'TR', 'en'),
    ).toBe('approved');
    const strict = await render(vt, key);
    expect(strict.status).toBe(404);
    expect(strict.body.variants).toEqual([{ language: 'tr', status: 'missing', newestVersion: null }]);
    const withFallback = await render(vt, key, { allowFallback: true });
    expect(withFallback.status).toBe(200);
    expect(withFallback.body).toMatchObject({ language: 'en', requestedLanguage: 'tr', fallback: true });
  });

  it('answers JSON carrying the request id, as every answer does', async () => {
    const key = await createTemplate(vt);
    expect(await submitAndWait(vt, key, await createDraft(vt, key))).toBe('approved');
    const own = await vt.request('POST', '/v1/render', {
      body: { template: key, market: 'TR', variables: { student_name: 'Ayşe', lesson_at: '15:00' } },
      headers: { 'x-request-id': 'sender-trace-9' },
    });
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('application/json');
    expect(own.headers.get('x-request-id')).toBe('sender-trace-9');
    expect((await render(vt, key)).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
