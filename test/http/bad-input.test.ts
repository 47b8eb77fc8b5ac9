import { beforeAll, describe, expect, it } from 'vitest';
import { createDraft, createTemplate, render, submitAndWait, versionsPath } from '../support/fixtures.ts';
import { type RequestOptions, type TestResponse, uniqueKey, useTestVetted } from '../support/harness.ts';

const vt = useTestVetted();

const cursorOf = (value: string) => Buffer.from(value, 'utf8').toString('base64url');

let draftKey: string;
let payment: string;
beforeAll(async () => {
  draftKey = await createTemplate(vt);
  await createDraft(vt, draftKey);
  await createDraft(vt, draftKey);
  payment = await createTemplate(vt, {
    variables: [
      { name: 'student_name', type: 'text', example: 'Ayşe' },
      { name: 'amount', type: 'currency', example: '1250.50' },
      { name: 'invoice', type: 'url_suffix', example: 'A-1042' },
    ],
  });
  const n = await createDraft(vt, payment, {
    body: 'Merhaba {{student_name}}, ödemeniz {{amount}} tutarında. Teşekkürler, iyi dersler.',
    buttons: [{ type: 'url', text: 'Öde', url: 'https://pay.example.com/p/{{invoice}}' }],
  });
  expect(await submitAndWait(vt, payment, n)).toBe('approved');
});

const paymentValues = { student_name: 'Ayşe', amount: 1250.5, invoice: 'A-1042' };

function expectFieldProblem(res: TestResponse, status: number, type: string, path: string) {
  const context = JSON.stringify(res.body);
  expect(res.status, context).toBe(status);
  expect(res.headers.get('content-type'), context).toMatch(/^application\/problem\+json/);
  expect(res.body.type, context).toBe(`/problems/${type}`);
  expect(res.body.status, context).toBe(status);
  expect(
    res.body.errors.map((e: { path: string }) => e.path),
    context,
  ).toContain(path);
}

const MARKET = {
  name: 'Iceland',
  status: 'upcoming',
  languages: ['is', 'en'],
  defaultLanguage: 'is',
  timezone: 'Atlantic/Reykjavik',
  currency: 'ISK',
  provider: { kind: 'sandbox', account: 'sandbox-is' },
};

type Case = [what: string, method: string, path: () => string, options: () => RequestOptions, field: string];

/** Finding 6 of issue 8, each of which answered 500 before. */
const STORED_TEXT_CASES: Case[] = [
  [
    'a NUL in a template description',
    'POST',
    () => '/v1/templates',
    () => ({ body: { key: uniqueKey(), category: 'utility', description: 'Lesson\u0000moved' } }),
    '/description',
  ],
  [
    'a NUL in a variable example',
    'POST',
    () => '/v1/templates',
    () => ({
      body: {
        key: uniqueKey(),
        category: 'utility',
        variables: [{ name: 'student_name', type: 'text', example: 'An\u0000na' }],
      },
    }),
    '/variables/0/example',
  ],
  [
    'a NUL in a version body',
    'POST',
    () => versionsPath(draftKey),
    () => ({ body: { body: 'Merhaba\u0000 dünya' } }),
    '/body',
  ],
  [
    'an escape character in a version header',
    'POST',
    () => versionsPath(draftKey),
    () => ({ body: { header: 'Ders\u001b[2J', body: 'Merhaba, dersiniz taşındı.' } }),
    '/header',
  ],
  [
    'a line break in a button label',
    'POST',
    () => versionsPath(draftKey),
    () => ({
      body: { body: 'Merhaba, dersiniz taşındı.', buttons: [{ type: 'quick_reply', text: 'Ta\ntam' }] },
    }),
    '/buttons/0/text',
  ],
  [
    'a lone surrogate in a version body',
    'POST',
    () => versionsPath(draftKey),
    () => ({ rawBody: '{"body": "Merhaba \\ud800 dünya"}' }),
    '/body',
  ],
  [
    'a NUL in an API key name',
    'POST',
    () => '/v1/api-keys',
    () => ({ body: { name: 'ci\u0000', role: 'viewer' } }),
    '/name',
  ],
  [
    'a NUL in a market name',
    'PUT',
    () => '/v1/markets/IS',
    () => ({ body: { ...MARKET, name: 'Ice\u0000land' } }),
    '/name',
  ],
  [
    'a NUL in a sandbox decision reason',
    'POST',
    () => '/v1/sandbox/decisions',
    () => ({ body: { providerTemplateName: 'x_tr_v1', status: 'rejected', reasonText: 'no\u0000' } }),
    '/reasonText',
  ],
  ['?q=%00', 'GET', () => '/v1/templates?q=%00', () => ({}), '/q'],
  ['an audit filter of %00', 'GET', () => '/v1/audit?objectId=%00', () => ({}), '/objectId'],
  [
    'a NUL in the path of an idempotent submit (its answer is stored)',
    'POST',
    () => `${versionsPath(draftKey, 'TR', '%00')}/1/submit`,
    () => ({ headers: { 'idempotency-key': 'nul-in-path' } }),
    '/language',
  ],
  [
    'a cursor decoding to a NUL byte',
    'GET',
    () => `/v1/templates?cursor=${cursorOf('\u0000')}`,
    () => ({}),
    '/cursor',
  ],
  ['a cursor that is not base64url', 'GET', () => '/v1/templates?cursor=%00', () => ({}), '/cursor'],
  ['a cursor decoding to invalid UTF-8', 'GET', () => '/v1/templates?cursor=_w', () => ({}), '/cursor'],
  [
    'a version cursor of 99999999999',
    'GET',
    () => `${versionsPath(draftKey)}?cursor=${cursorOf('99999999999')}`,
    () => ({}),
    '/cursor',
  ],
  [
    'a version cursor of -1',
    'GET',
    () => `${versionsPath(draftKey)}?cursor=${cursorOf('-1')}`,
    () => ({}),
    '/cursor',
  ],
  [
    'fromVersion 2147483648',
    'POST',
    () => versionsPath(draftKey),
    () => ({ body: { fromVersion: 2147483648 } }),
    '/fromVersion',
  ],
  [
    'an API-key cursor of a date past year 9999',
    'GET',
    () => `/v1/api-keys?cursor=${cursorOf('+010000-01-01T00:00:00.000Z')}`,
    () => ({}),
    '/cursor',
  ],
  [
    'an API-key cursor of year 10000 without a sign',
    'GET',
    () => `/v1/api-keys?cursor=${cursorOf('10000-01-01')}`,
    () => ({}),
    '/cursor',
  ],
  [
    'an API-key cursor of year 0',
    'GET',
    () => `/v1/api-keys?cursor=${cursorOf('0000-01-01T00:00:00.000Z')}`,
    () => ({}),
    '/cursor',
  ],
];

/** Bidi controls and zero-width characters let two names look alike. */
const HIDDEN_IN_NAMES: Case[] = [
  [
    'a right-to-left override in an API key name',
    'POST',
    () => '/v1/api-keys',
    () => ({ body: { name: 'deploy\u202Etxt.exe', role: 'viewer' } }),
    '/name',
  ],
  [
    'a zero-width space in a market name',
    'PUT',
    () => '/v1/markets/IS',
    () => ({ body: { ...MARKET, name: 'Ice\u200Bland' } }),
    '/name',
  ],
  [
    'a byte-order mark in a provider account',
    'PUT',
    () => '/v1/markets/IS',
    () => ({ body: { ...MARKET, provider: { kind: 'sandbox', account: '\uFEFFsandbox-is' } } }),
    '/provider/account',
  ],
  [
    'a left-to-right isolate in a template key',
    'POST',
    () => '/v1/templates',
    () => ({ body: { key: `\u2066${uniqueKey()}`, category: 'utility' } }),
    '/key',
  ],
  [
    'a zero-width joiner in a variable name',
    'POST',
    () => '/v1/templates',
    () => ({
      body: {
        key: uniqueKey(),
        category: 'utility',
        variables: [{ name: 'na\u200Dme', type: 'text', example: 'A' }],
      },
    }),
    '/variables/0/name',
  ],
];

describe('bad input is a 422 naming the field, never a 500', () => {
  it.each([...STORED_TEXT_CASES, ...HIDDEN_IN_NAMES])('%s', async (_what, method, path, options, field) => {
    expectFieldProblem(await vt.request(method, path(), options()), 422, 'validation-failed', field);
  });

  it('still accepts a body with line breaks and tabs, and the same fields without the bad characters', async () => {
    const res = await vt.request('POST', versionsPath(draftKey), {
      body: { body: 'Merhaba,\n\tdersiniz taşındı.\r\nGörüşmek üzere.' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const market = await vt.request('PUT', '/v1/markets/IS', { body: MARKET });
    expect(market.status, JSON.stringify(market.body)).toBe(201);
  });

  it('pages through versions with the cursor each page hands out', async () => {
    const first = await vt.request('GET', `${versionsPath(draftKey)}?limit=1`);
    expect(first.status).toBe(200);
    const second = await vt.request(
      'GET',
      `${versionsPath(draftKey)}?limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(second.status).toBe(200);
    expect(second.body.items[0].version).toBe(first.body.items[0].version - 1);
  });

  it('warns about bidi controls and zero-width characters in template text, naming them', async () => {
    const res = await vt.request('POST', versionsPath(draftKey), {
      body: { body: 'Merhaba, ödeme linkiniz: \u202Egnp.exe\u202C ve kod 12\u200B34. Görüşmek üzere.' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.lint).toContainEqual(
      expect.objectContaining({
        rule: 'invisible-characters',
        severity: 'warning',
        component: 'body',
        message: expect.stringContaining('U+202E, U+202C, U+200B'),
      }),
    );
  });
});

describe('variable values that rendered wrongly', () => {
  it.each([
    ['1e999 as a currency string', { amount: '1e999' }, '/variables/amount'],
    ['a value past 1e308 as a currency string', { amount: '2e308' }, '/variables/amount'],
    ['NaN as a currency string', { amount: 'NaN' }, '/variables/amount'],
    ['a URL suffix climbing out of the approved path', { invoice: 'a/../../b' }, '/variables/invoice'],
    ['a URL suffix with encoded dot segments', { invoice: '%2e%2e/%2E./admin' }, '/variables/invoice'],
    ['a URL suffix with a backslash', { invoice: '..\\admin' }, '/variables/invoice'],
    [
      'five no-break spaces in a text value',
      { student_name: 'Ay\u00a0\u00a0\u00a0\u00a0\u00a0şe' },
      '/variables/student_name',
    ],
    [
      'ideographic spaces in a text value',
      { student_name: 'Ay \u3000\u2003\u202f\u205fşe' },
      '/variables/student_name',
    ],
    ['a line separator in a text value', { student_name: 'Ay\u2028şe' }, '/variables/student_name'],
    ['a NUL in a text value', { student_name: 'Ay\u0000şe' }, '/variables/student_name'],
  ])('refuses %s with 422 invalid-variables', async (_what, values, field) => {
    const res = await render(vt, payment, { variables: { ...paymentValues, ...values } });
    expectFieldProblem(res, 422, 'invalid-variables', field);
  });

  it('refuses 1e999 sent as a JSON number (it parses as Infinity), also in a batch', async () => {
    const single = await vt.request('POST', '/v1/render', {
      rawBody: `{"template":"${payment}","market":"TR","language":"tr","variables":{"student_name":"Ayşe","invoice":"A-1","amount":1e999}}`,
    });
    expect(single.status, JSON.stringify(single.body)).toBe(422);
    expect(single.body.errors.map((e: { path: string }) => e.path)).toContain('/variables/amount');
    const batch = await vt.request('POST', '/v1/render/batch', {
      rawBody: `{"template":"${payment}","market":"TR","recipients":[{"to":"905551112233","variables":{"student_name":"Ayşe","invoice":"A-1","amount":1e999}}]}`,
    });
    expect(batch.status).toBe(200);
    expect(batch.body.items[0].status).toBe(422);
    expect(batch.body.items[0].problem.type).toBe('/problems/invalid-variables');
    expect(JSON.stringify(batch.body)).not.toContain('∞');
  });

  it('still renders ordinary values, a negative zero as 0 and a nested URL suffix', async () => {
    const res = await render(vt, payment, {
      variables: { student_name: 'Ayşe\u00a0Yılmaz', amount: -0, invoice: '2026/05/A..1' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.components.body).toContain('₺0,00');
    expect(res.body.components.buttons[0].url).toBe('https://pay.example.com/p/2026/05/A..1');
  });
});
