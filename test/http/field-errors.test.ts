import { beforeAll, describe, expect, it } from 'vitest';
import { createDraft, createTemplate, submitAndWait } from '../support/fixtures.ts';
import { type RequestOptions, type TestResponse, useTestVetted } from '../support/harness.ts';

const vt = useTestVetted();

/** A market body with a name that is too short and languages of the wrong type. */
const BAD_MARKET = { name: '', languages: 'ru', status: 'upcoming' };

const fieldMessages = (res: TestResponse): Record<string, string> =>
  Object.fromEntries(
    (res.body.errors as Array<{ path: string; message: string }>).map((e) => [e.path, e.message]),
  );

async function putBadMarket(acceptLanguage: string): Promise<Record<string, string>> {
  const res = await vt.request('PUT', '/v1/markets/ZQ', {
    body: BAD_MARKET,
    headers: { 'accept-language': acceptLanguage },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  return fieldMessages(res);
}

describe('field messages in errors[]', () => {
  it('are written in the language of Accept-Language', async () => {
    const en = await putBadMarket('en');
    expect(en['/name']).toMatch(/too small/i);
    expect(en['/languages']).toMatch(/expected array, received string/i);

    const ru = await putBadMarket('ru');
    expect(ru['/name']).toMatch(/Слишком/);
    expect(ru['/languages']).toMatch(/ожидалось/i);
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
    for (const path of Object.keys(en)) expect(ru[path], path).not.toBe(en[path]);

    const pl = await putBadMarket('pl-PL,pl;q=0.9');
    expect(pl['/languages']).toMatch(/oczekiwano/i);
    const tr = await putBadMarket('tr');
    expect(tr['/languages']).toMatch(/beklenen/i);
  });

  it('write a message the schema gives a check in that language too', async () => {
    const body = { key: 'Not A Key!', category: 'utility' };
    const ru = await vt.request('POST', '/v1/templates', { body, headers: { 'accept-language': 'ru' } });
    const en = await vt.request('POST', '/v1/templates', { body });
    expect(ru.status).toBe(422);
    expect(fieldMessages(en)['/key']).toMatch(/^lower-case letters, digits and _/);
    expect(fieldMessages(ru)['/key']).toMatch(/^строчные латинские буквы/);
  });
});

/** The message at `path` of a 422, in English (no Accept-Language) and in `language`. */
async function inBoth(
  language: string,
  send: (options: RequestOptions) => Promise<TestResponse>,
  path: string,
): Promise<{ en: string; other: string }> {
  const message = async (headers: Record<string, string>) => {
    const res = await send({ headers });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    const text = fieldMessages(res)[path];
    expect(text, JSON.stringify(res.body)).toBeDefined();
    return text as string;
  };
  return { en: await message({}), other: await message({ 'accept-language': language }) };
}

describe('messages of our own checks in errors[]', () => {
  let counter: string;
  beforeAll(async () => {
    counter = await createTemplate(vt, {
      variables: [
        { name: 'student_name', type: 'text', example: 'Ayşe' },
        { name: 'lessons', type: 'number', example: '3' },
      ],
    });
    const n = await createDraft(vt, counter, {
      body: 'Merhaba {{student_name}}, bu ay {{lessons}} dersiniz var. Görüşmek üzere.',
    });
    expect(await submitAndWait(vt, counter, n)).toBe('approved');
  });

  const renderCounter = (variables: Record<string, unknown>) => (options: RequestOptions) =>
    vt.request('POST', '/v1/render', {
      ...options,
      body: { template: counter, market: 'TR', language: 'tr', variables },
    });

  it('say that a market’s default language is not one of its languages', async () => {
    const market = {
      name: 'Zq',
      status: 'upcoming',
      languages: ['en'],
      defaultLanguage: 'de',
      timezone: 'UTC',
      currency: 'EUR',
      provider: { kind: 'sandbox', account: 'sandbox-zq' },
    };
    const { en, other } = await inBoth(
      'ru',
      (options) => vt.request('PUT', '/v1/markets/ZQ', { ...options, body: market }),
      '/defaultLanguage',
    );
    expect(en).toBe('must be one of the market languages');
    expect(other).toBe('должен быть одним из языков рынка');
  });

  it('name a missing variable, a newline in a value and a value that is not a number', async () => {
    const missing = await inBoth('ru', renderCounter({ lessons: 3 }), '/variables/student_name');
    expect(missing).toEqual({
      en: 'required by the served version',
      other: 'обязательна для выдаваемой версии',
    });

    const newline = await inBoth(
      'ru',
      renderCounter({ student_name: 'Ay\nşe', lessons: 3 }),
      '/variables/student_name',
    );
    expect(newline).toEqual({
      en: 'WhatsApp refuses a newline in a variable value',
      other: 'WhatsApp не принимает перевод строки в значении переменной',
    });

    const notANumber = await inBoth(
      'tr',
      renderCounter({ student_name: 'Ayşe', lessons: 'three' }),
      '/variables/lessons',
    );
    expect(notANumber).toEqual({ en: 'expected a number', other: 'bir sayı bekleniyordu' });
  });

  it('refuse a cursor that no page gave', async () => {
    const cursor = await inBoth(
      'pl',
      (options) => vt.request('GET', '/v1/templates?cursor=_w', options),
      '/cursor',
    );
    expect(cursor.en).toMatch(/^not a cursor from a previous page/);
    expect(cursor.other).toMatch(/^to nie jest kursor z poprzedniej strony/);
  });

  it('refuse a NUL in a text field', async () => {
    const { en, other } = await inBoth(
      'ru',
      (options) =>
        vt.request('POST', '/v1/templates', {
          ...options,
          body: { key: 'nul_in_name', category: 'utility', description: 'a\u0000b' },
        }),
      '/description',
    );
    expect(en).toMatch(/^must not contain control characters/);
    expect(other).toMatch(/^не должен содержать управляющих символов/);
  });

  it('come from a schema’s custom issue (a URL button without a url)', async () => {
    const { en, other } = await inBoth(
      'ru',
      (options) =>
        vt.request('POST', `/v1/templates/${counter}/variants/TR/tr/versions`, {
          ...options,
          body: {
            body: 'Merhaba {{student_name}}, {{lessons}} ders.',
            buttons: [{ type: 'url', text: 'Aç' }],
          },
        }),
      '/buttons/0/url',
    );
    expect(en).toBe('a URL button needs a url');
    expect(other).toBe('кнопке-ссылке нужен url');
  });
});

describe('import refusals', () => {
  it('carry a stable code and a reason in the caller’s language', async () => {
    const refusal = async (headers: Record<string, string>) => {
      const res = await vt.request('POST', '/v1/localization/import?market=TR&language=tr', {
        body: { no_such_template: { body: 'Merhaba' } },
        headers,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.refused;
    };
    expect(await refusal({})).toEqual([
      { key: 'no_such_template', code: 'unknown-template', params: {}, reason: 'unknown template key' },
    ]);
    expect(await refusal({ 'accept-language': 'ru' })).toEqual([
      { key: 'no_such_template', code: 'unknown-template', params: {}, reason: 'неизвестный ключ шаблона' },
    ]);
  });
});
