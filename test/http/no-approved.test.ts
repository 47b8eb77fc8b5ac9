import { describe, expect, it } from 'vitest';
import { createDraft, createTemplate, decide, render, submitAndWait } from '../support/fixtures.ts';
import { useTestVetted, waitFor } from '../support/harness.ts';

const vt = useTestVetted();

const PROMOTIONAL =
  'Merhaba {{student_name}}, büyük indirim kampanyası {{lesson_at}} tarihine kadar sürüyor!';
const ENGLISH = { body: 'Hello {{student_name}}, your lesson moved to {{lesson_at}}. See you then.' };

describe('no-approved-variant says what to do next', () => {
  it('names the newest status with its reason, what stopped the last served version, and what a fallback would serve', async () => {
    const key = await createTemplate(vt);
    expect(await submitAndWait(vt, key, await createDraft(vt, key))).toBe('approved');
    await decide(vt, key, 1, 'paused');
    const v2 = await createDraft(vt, key, { body: PROMOTIONAL });
    expect(await submitAndWait(vt, key, v2)).toBe('rejected');
    expect(
      await submitAndWait(vt, key, await createDraft(vt, key, ENGLISH, 'TR', 'en'), undefined, 'TR', 'en'),
    ).toBe('approved');

    const res = await waitFor(async () => {
      const answer = await render(vt, key);
      return answer.body.variants?.[0]?.lastServed?.status === 'paused' ? answer : undefined;
    });
    expect(res.status).toBe(404);
    expect(res.body.type).toBe('/problems/no-approved-variant');
    expect(res.body.variants).toEqual([
      {
        language: 'tr',
        status: 'rejected',
        newestVersion: 2,
        statusAt: expect.any(String),
        reason: 'INCORRECT_CATEGORY',
        lastServed: { version: 1, status: 'paused', statusAt: expect.any(String) },
      },
    ]);
    expect(res.body.servedLanguages).toEqual(['en']);
    expect(res.body.fallbackWouldServe).toBe('en');
    expect(res.body.detail).toContain('With `allowFallback: true` it would be served in en');
    const russian = await vt.request('POST', '/v1/render', {
      headers: { 'accept-language': 'ru' },
      body: { template: key, market: 'TR', language: 'tr', variables: {} },
    });
    expect(russian.body.detail).toContain('С `allowFallback: true` будет отдана версия на языке en');

    const withFallback = await render(vt, key, { allowFallback: true });
    expect(withFallback.status).toBe(200);
    expect(withFallback.body).toMatchObject({ language: 'en', fallback: true });
  });

  it('tells a key limited to one language nothing about the others', async () => {
    const key = await createTemplate(vt);
    expect(
      await submitAndWait(vt, key, await createDraft(vt, key, ENGLISH, 'TR', 'en'), undefined, 'TR', 'en'),
    ).toBe('approved');
    const sender = await vt.request('POST', '/v1/api-keys', {
      body: { name: 'tr sender', role: 'sender', languages: ['tr'] },
    });
    const res = await render(vt, key, {}, sender.body.key);
    expect(res.status).toBe(404);
    expect(res.body.variants).toEqual([{ language: 'tr', status: 'missing', newestVersion: null }]);
    expect(res.body.servedLanguages).toEqual([]);
    expect(res.body.fallbackWouldServe).toBeNull();
    expect(res.body.detail).not.toContain('allowFallback');
  });
});

describe('listing templates by newest status or by what is served', () => {
  it('finds a template served from v1 while v2 is a draft with served=true, not with status=approved', async () => {
    const key = await createTemplate(vt);
    expect(await submitAndWait(vt, key, await createDraft(vt, key))).toBe('approved');
    await createDraft(vt, key, { body: 'Selam {{student_name}}, ders {{lesson_at}} saatinde.' });
    const keys = async (query: string) => {
      const res = await vt.request('GET', `/v1/templates?market=TR&language=tr&limit=100&${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((item: { key: string }) => item.key);
    };
    expect(await keys('status=approved')).not.toContain(key);
    expect(await keys('status=draft')).toContain(key);
    expect(await keys('served=true')).toContain(key);
    expect(await keys('served=false')).not.toContain(key);
    expect(await keys('served=true&status=draft')).toContain(key);
  });
});
