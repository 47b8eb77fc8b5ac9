import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGupshupProvider } from '../../src/providers/gupshup/gupshup-provider.ts';
import { parseGupshupWebhook } from '../../src/providers/gupshup/gupshup-webhook.ts';
import { ProviderError, type SubmitRequest } from '../../src/providers/provider.ts';
import { FakeGupshupServer } from '../fakes/gupshup-server.ts';

const APP = 'app-pl-1';
const TOKEN = 'sk_test_gupshup_app_token';

let gupshup: FakeGupshupServer;
let counter = 0;
const uniqueName = (base: string) => `${base}_pl_v${++counter}`;

beforeAll(async () => {
  gupshup = await new FakeGupshupServer({
    apps: { [APP]: { token: TOKEN, name: 'shop-pl' }, 'app-other': { token: 'other-token' } },
  }).start();
});
afterAll(() => gupshup.stop());

const adapter = (timeoutMs = 2000) =>
  createGupshupProvider({ apiUrl: gupshup.url, appToken: (app) => gupshup.tokenOf(app), timeoutMs });

// The Polish "order shipped" template of providers.md 2, with a header variable, a repeated body
// variable, a footer and one button of each kind.
function request(overrides: Partial<SubmitRequest> = {}): SubmitRequest {
  return {
    account: APP,
    name: uniqueName('order_shipped'),
    languageCode: 'pl',
    category: 'utility',
    parameterFormat: 'positional',
    content: {
      header: 'Zamówienie {{order_id}}',
      body: 'Dzień dobry {{first_name}}, zamówienie {{order_id}} zostało wysłane. Dziękujemy, {{first_name}}!',
      footer: 'Sklep Example',
      buttons: [
        { type: 'quick_reply', text: 'Kontakt' },
        { type: 'url', text: 'Śledź paczkę', url: 'https://track.example.com/{{tracking}}' },
        { type: 'phone_number', text: 'Zadzwoń', phoneNumber: '+48221234567' },
      ],
    },
    variables: [
      { name: 'first_name', type: 'text', example: 'Anna' },
      { name: 'order_id', type: 'text', example: 'A-1042' },
      { name: 'tracking', type: 'text', example: 'PL123456789' },
    ],
    ...overrides,
  };
}

const lastRequest = () => {
  const last = gupshup.requests.at(-1);
  if (!last) throw new Error('the fake Gupshup saw no request');
  return last;
};

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('Gupshup adapter: create', () => {
  it('applies a positional, form-encoded template with its samples filled in', async () => {
    const submit = request();
    const created = await adapter().create(submit);

    const sent = lastRequest();
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe(`/partner/app/${APP}/templates`);
    expect(sent.authorization).toBe(TOKEN);
    expect(sent.contentType).toBe('application/x-www-form-urlencoded');
    expect(sent.form).toEqual({
      elementName: submit.name,
      languageCode: 'pl',
      category: 'UTILITY',
      vertical: submit.name,
      templateType: 'TEXT',
      content: 'Dzień dobry {{1}}, zamówienie {{2}} zostało wysłane. Dziękujemy, {{1}}!',
      example: 'Dzień dobry Anna, zamówienie A-1042 zostało wysłane. Dziękujemy, Anna!',
      header: 'Zamówienie {{1}}',
      exampleHeader: 'Zamówienie A-1042',
      footer: 'Sklep Example',
      buttons: expect.any(String),
      enableSample: 'true',
      allowTemplateCategoryChange: 'false',
    });
    expect(JSON.parse(sent.form.buttons ?? '')).toEqual([
      { type: 'QUICK_REPLY', text: 'Kontakt' },
      {
        type: 'URL',
        text: 'Śledź paczkę',
        url: 'https://track.example.com/{{1}}',
        example: ['https://track.example.com/PL123456789'],
      },
      { type: 'PHONE_NUMBER', text: 'Zadzwoń', phone_number: '+48221234567' },
    ]);

    const stored = gupshup.find(submit.name, 'pl');
    expect(created).toMatchObject({ providerTemplateId: stored?.id, status: 'PENDING', category: 'UTILITY' });
    expect(gupshup.creates(submit.name, 'pl')).toBe(1);
  });

  it('sends a plain body as it is, without header, footer or buttons', async () => {
    const submit = request({
      category: 'marketing',
      content: { body: 'Nowa kolekcja jest już w sklepie, zapraszamy.' },
      variables: [],
    });
    await adapter().create(submit);
    const { form } = lastRequest();
    expect(form.content).toBe('Nowa kolekcja jest już w sklepie, zapraszamy.');
    expect(form.example).toBe(form.content);
    expect(form.category).toBe('MARKETING');
    expect(Object.keys(form)).not.toEqual(expect.arrayContaining(['header']));
    expect(form).not.toHaveProperty('footer');
    expect(form).not.toHaveProperty('buttons');
  });

  it('refuses, without calling Gupshup, a variable that has no example', async () => {
    const before = gupshup.requests.length;
    const error = await providerError(adapter().create(request({ variables: [] })));
    expect(error.transient).toBe(false);
    expect(error.message).toMatch(/first_name has no example/);
    expect(gupshup.requests.length).toBe(before);
  });

  it('reports a (name, language) Gupshup already holds as a duplicate, creating nothing more', async () => {
    const submit = request();
    await adapter().create(submit);
    const error = await providerError(adapter().create(submit));
    expect(error).toMatchObject({ transient: false, duplicate: true, code: '400' });
    expect(error.message).toMatch(/Template Already exists/);
    expect(gupshup.creates(submit.name, 'pl')).toBe(1);
  });

  it('keeps the same name in another language apart', async () => {
    const submit = request();
    await adapter().create(submit);
    await adapter().create({ ...submit, languageCode: 'en' });
    expect(gupshup.creates(submit.name, 'pl')).toBe(1);
    expect(gupshup.creates(submit.name, 'en')).toBe(1);
  });
});

describe('Gupshup adapter: errors', () => {
  it('treats 5xx as transient', async () => {
    gupshup.script({ status: 503, body: { status: 'error', message: 'Service Unavailable' } });
    const error = await providerError(adapter().create(request()));
    expect(error).toMatchObject({ transient: true, code: '503', duplicate: false });
  });

  it('treats 429 as transient and honours Retry-After in seconds or as a date', async () => {
    gupshup.script({ status: 429, retryAfter: 7, body: { status: 'error', message: 'Too Many Requests' } });
    expect(await providerError(adapter().create(request()))).toMatchObject({
      transient: true,
      retryAfterSeconds: 7,
      code: '429',
    });

    gupshup.script({ status: 429, retryAfter: new Date(Date.now() + 30_000).toUTCString() });
    const error = await providerError(adapter().create(request()));
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it('treats a 4xx as permanent and keeps Gupshup’s message', async () => {
    gupshup.script({ on: 'apply', status: 400, body: { status: 'error', message: 'Invalid vertical' } });
    const error = await providerError(adapter().create(request()));
    expect(error).toMatchObject({ transient: false, code: '400', duplicate: false });
    expect(error.message).toContain('Invalid vertical');
  });

  it('treats an error answered with 200 as permanent', async () => {
    gupshup.script({ status: 200, body: { status: 'error', message: 'Template content is not valid' } });
    const error = await providerError(adapter().create(request()));
    expect(error).toMatchObject({ transient: false, code: '200' });
    expect(error.message).toContain('Template content is not valid');
  });

  it('refuses an app with no configured token without sending anything, and a wrong token permanently', async () => {
    const before = gupshup.requests.length;
    const missing = await providerError(adapter().create(request({ account: 'app-unknown' })));
    expect(missing.transient).toBe(false);
    expect(gupshup.requests.length).toBe(before);

    const wrong = createGupshupProvider({
      apiUrl: gupshup.url,
      appToken: () => 'not-the-token',
      timeoutMs: 2000,
    });
    const refused = await providerError(wrong.create(request()));
    expect(refused).toMatchObject({ transient: false, code: '401' });
    expect(refused.message).not.toContain('not-the-token');
  });

  it('times out a call that never answers, as a transient failure', async () => {
    gupshup.script('stall');
    const started = Date.now();
    const error = await providerError(adapter(300).create(request()));
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(/within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('after a create that timed out, finds the template by name and language (so a retry adopts it)', async () => {
    const submit = request();
    gupshup.script('apply-then-timeout');
    expect((await providerError(adapter(300).create(submit))).transient).toBe(true);
    const found = await adapter().fetchStatus({ account: APP, name: submit.name, languageCode: 'pl' });
    expect(found?.providerTemplateId).toBe(gupshup.find(submit.name, 'pl')?.id);
    expect(gupshup.creates(submit.name, 'pl')).toBe(1);
  });

  it('reports an unreachable Gupshup as transient', async () => {
    const closed = await new FakeGupshupServer({ apps: {} }).start();
    const url = closed.url;
    await closed.stop();
    const offline = createGupshupProvider({ apiUrl: url, appToken: () => TOKEN, timeoutMs: 2000 });
    expect((await providerError(offline.create(request()))).transient).toBe(true);
  });
});

describe('Gupshup adapter: reading a template back', () => {
  async function created() {
    const submit = request();
    const template = await adapter().create(submit);
    return { submit, id: template.providerTemplateId };
  }

  it('reads by the Gupshup id, with status, reason and category upper case', async () => {
    const { submit, id } = await created();
    gupshup.setStatus(id, 'REJECTED', 'INVALID_FORMAT');
    const status = await adapter().fetchStatus({
      account: APP,
      name: submit.name,
      languageCode: 'pl',
      providerTemplateId: id,
    });
    expect(lastRequest().path).toBe(`/partner/app/${APP}/templates/${id}`);
    expect(status).toMatchObject({
      providerTemplateId: id,
      status: 'REJECTED',
      reason: 'INVALID_FORMAT',
      category: 'UTILITY',
    });
  });

  it('finds a template by exactly its name and language when the id is unknown', async () => {
    // Its other language and a longer name are listed first, so only an exact match finds the right one.
    const submit = request();
    await adapter().create({ ...submit, languageCode: 'en' });
    await adapter().create({ ...submit, name: `${submit.name}_x`, languageCode: 'pl' });
    const { providerTemplateId: id } = await adapter().create(submit);
    gupshup.setStatus(id, 'APPROVED');
    const status = await adapter().fetchStatus({ account: APP, name: submit.name, languageCode: 'pl' });
    expect(lastRequest().path).toBe(`/partner/app/${APP}/templates`);
    expect(status).toMatchObject({ providerTemplateId: id, status: 'APPROVED', reason: null });
  });

  it('answers null when Gupshup has no such template, by id or by name', async () => {
    const missing = { account: APP, name: uniqueName('never_applied'), languageCode: 'pl' };
    expect(await adapter().fetchStatus(missing)).toBeNull();
    expect(
      await adapter().fetchStatus({ ...missing, providerTemplateId: '00000000-0000-4000-8000-000000000000' }),
    ).toBeNull();
  });

  it('does not see another app’s templates', async () => {
    const { submit } = await created();
    const other = createGupshupProvider({
      apiUrl: gupshup.url,
      appToken: () => 'other-token',
      timeoutMs: 2000,
    });
    expect(
      await other.fetchStatus({ account: 'app-other', name: submit.name, languageCode: 'pl' }),
    ).toBeNull();
  });

  it('keeps FAILED as FAILED and upper-cases a lower-case status', async () => {
    const { submit, id } = await created();
    const locator = { account: APP, name: submit.name, languageCode: 'pl', providerTemplateId: id };
    gupshup.setStatus(id, 'FAILED', 'Template could not be submitted to Meta');
    expect(await adapter().fetchStatus(locator)).toMatchObject({ status: 'FAILED' });
    gupshup.setStatus(id, 'ignored').status = 'in_appeal';
    expect(await adapter().fetchStatus(locator)).toMatchObject({ status: 'IN_APPEAL' });
  });

  it('surfaces the category Meta moved the template to, and the old one in raw', async () => {
    const { submit, id } = await created();
    gupshup.setCategory(id, 'MARKETING');
    const status = await adapter().fetchStatus({ account: APP, name: submit.name, languageCode: 'pl' });
    expect(status?.category).toBe('MARKETING');
    expect(status?.raw).toMatchObject({ oldCategory: 'UTILITY', category: 'MARKETING' });
  });

  it('maps read failures like create failures', async () => {
    const { submit } = await created();
    gupshup.script({ on: 'list', status: 502 });
    const error = await providerError(
      adapter().fetchStatus({ account: APP, name: submit.name, languageCode: 'pl' }),
    );
    expect(error).toMatchObject({ transient: true, code: '502' });
  });
});

describe('Gupshup adapter: language codes', () => {
  it('uses Meta’s codes', () => {
    const gs = adapter();
    expect(gs.kind).toBe('gupshup');
    expect(gs.parameterFormat).toBe('positional');
    expect(gs.languageCode('pl-PL')).toBe('pl');
    expect(gs.languageCode('en-US')).toBe('en_US');
    expect(gs.languageCode('pt')).toBeNull();
  });
});

describe('the fake Gupshup validates like Gupshup', () => {
  async function apply(fields: Record<string, string>) {
    const response = await fetch(`${gupshup.url}/partner/app/${APP}/templates`, {
      method: 'POST',
      headers: { Authorization: TOKEN, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: response.status, body: (await response.json()) as { message?: string } };
  }
  const valid = () => ({
    elementName: uniqueName('fake_check'),
    languageCode: 'pl',
    category: 'UTILITY',
    vertical: 'check',
    templateType: 'TEXT',
    content: 'Dzień dobry {{1}}, paczka {{2}} jest w drodze.',
    example: 'Dzień dobry Anna, paczka A-1 jest w drodze.',
  });

  it('accepts a valid apply and refuses named, gapped or unfilled variables and unknown categories', async () => {
    expect((await apply(valid())).status).toBe(200);
    const refusals = [
      { ...valid(), content: 'Dzień dobry {{name}}, paczka jest w drodze.' },
      { ...valid(), content: 'Dzień dobry {{1}}, paczka {{3}} jest w drodze.' },
      { ...valid(), example: 'Dzień dobry {{1}}, paczka {{2}} jest w drodze.' },
      { ...valid(), category: 'TRANSACTIONAL' },
      { ...valid(), vertical: '' },
    ];
    for (const fields of refusals) expect((await apply(fields)).status).toBe(400);
  });

  it('builds callbacks that the webhook parser reads as the template’s new status', async () => {
    const template = await adapter().create(request());
    gupshup.setStatus(template.providerTemplateId, 'REJECTED', 'INVALID_FORMAT');
    const { events } = parseGupshupWebhook(
      gupshup.templateEvent(template.providerTemplateId, { timestamp: 1767000000000 }),
    );
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'status',
        status: 'REJECTED',
        reason: 'INVALID_FORMAT',
        providerTemplateId: template.providerTemplateId,
        account: 'shop-pl',
        occurredAt: new Date(1767000000000),
      }),
    ]);
  });
});
