import { describe, expect, it } from 'vitest';
import { type TestResponse, useTestVetted } from '../support/harness.ts';

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

  it('keep a message written into the schema as it is', async () => {
    const res = await vt.request('POST', '/v1/templates', {
      body: { key: 'Not A Key!', category: 'utility' },
      headers: { 'accept-language': 'ru' },
    });
    const en = await vt.request('POST', '/v1/templates', {
      body: { key: 'Not A Key!', category: 'utility' },
    });
    expect(res.status).toBe(422);
    expect(fieldMessages(res)['/key']).toBe(fieldMessages(en)['/key']);
  });
});
