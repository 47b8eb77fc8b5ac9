import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LANGUAGE_ID_MIN_LETTERS } from '../../../src/domain/lint-rules/language.ts';
import { createI18n } from '../../../src/i18n.ts';
import { context, findingsOf, urlButton } from './support.ts';

const corpus = z
  .record(z.string(), z.array(z.string()))
  .parse(
    JSON.parse(readFileSync(new URL('../../fixtures/language-id/messages.json', import.meta.url), 'utf8')),
  );
const samples = Object.entries(corpus).flatMap(([language, texts]) =>
  texts.map((body, index) => [language, index, body] as const),
);
const text = (language: string, index: number) => corpus[language]?.[index] ?? '';

const wrongLanguage = (body: string, language: string, footer?: string) =>
  findingsOf('wrong-language', context(footer ? { body, footer } : { body }, { language }));

describe('rule wrong-language', () => {
  it.each(samples)('passes the %s text #%i under its own language', (language, _index, body) => {
    expect(wrongLanguage(body, language)).toEqual([]);
  });

  it('reports a Polish text filed under tr as an error naming Polish', () => {
    const findings = wrongLanguage(text('pl', 1), 'tr');
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        component: 'body',
        params: { detected: 'pl', declared: 'tr' },
      }),
    ]);
    expect(findings[0]?.message).toMatch(/^The text reads as Polish, not Turkish;/);
  });

  it('reports the Russian source pasted under pl', () => {
    expect(wrongLanguage(text('ru', 2), 'pl')).toEqual([
      expect.objectContaining({ severity: 'error', params: { detected: 'ru', declared: 'pl' } }),
    ]);
  });

  const letters = (body: string) => body.replace(/\{\{\w+\}\}/g, '').match(/\p{L}/gu)?.length ?? 0;
  const judged = samples.filter(
    ([language, , body]) =>
      ['ru', 'pl', 'tr', 'en'].includes(language) && letters(body) >= LANGUAGE_ID_MIN_LETTERS,
  );

  it('judges most of the corpus', () => {
    expect(judged.length).toBeGreaterThanOrEqual(50);
  });

  it.each(judged)('catches the %s text #%i under each other market language', (language, _index, body) => {
    for (const declared of ['ru', 'pl', 'tr', 'en'].filter((other) => other !== language)) {
      expect(wrongLanguage(body, declared), `${language} under ${declared}`).toEqual([
        expect.objectContaining({ params: { detected: language, declared } }),
      ]);
    }
  });

  it('compares primary subtags: es-MX and pt-BR are es and pt', () => {
    expect(wrongLanguage(text('es', 4), 'es-MX')).toEqual([]);
    expect(wrongLanguage(text('pl', 4), 'pt-BR')).toEqual([
      expect.objectContaining({ params: { detected: 'pl', declared: 'pt' } }),
    ]);
  });

  it('does not judge a text with too few letters', () => {
    expect(wrongLanguage('Dziękujemy za zakupy, do zobaczenia!', 'tr')).toEqual([]);
  });

  it('leaves variables and links out, so a text that is mostly variables is not judged', () => {
    const body =
      'Merhaba {{customer_full_name}}, {{order_reference_number}} {{delivery_window_description}} https://example.com/track/parcel-delivery-status-information';
    expect(wrongLanguage(body, 'tr')).toEqual([]);
    expect(wrongLanguage(body, 'pl')).toEqual([]);
  });

  it('judges header, body and footer together', () => {
    const polish = 'Dziękujemy za zakupy w naszym sklepie.';
    expect(wrongLanguage(polish, 'tr')).toEqual([]);
    expect(wrongLanguage(polish, 'tr', 'Zespół obsługi klienta')).toHaveLength(1);
  });

  it('says nothing for a declared language the identifier does not know', () => {
    expect(wrongLanguage(text('pl', 1), 'sw')).toEqual([]);
    expect(wrongLanguage(text('pl', 1), 'ms')).toEqual([]);
  });

  it('names both languages in the reader’s language', async () => {
    const i18n = await createI18n();
    const [finding] = wrongLanguage(text('pl', 1), 'tr');
    const message = (language: string) =>
      i18n.getFixedT(language)(finding?.messageKey ?? '', finding?.params ?? {});
    expect(message('en')).toMatch(/reads as Polish, not Turkish/);
    expect(message('ru')).toMatch(/«польский», а не «турецкий»/);
    expect(message('pl')).toMatch(/„polski”, a nie „turecki”/);
    expect(message('tr')).toMatch(/Türkçe değil, Lehçe dilinde/);
  });
});

describe('rule shortened-url', () => {
  const shortened = (ctx: Parameters<typeof findingsOf>[1]) =>
    findingsOf('shortened-url', ctx).map(({ severity, component, params }) => ({
      severity,
      component,
      params,
    }));

  it.each([
    ['https://bit.ly/3xYzAbc', 'bit.ly'],
    ['http://www.tinyurl.com/y7abc', 'tinyurl.com'],
    ['https://T.CO/abc', 't.co'],
    ['www.cutt.ly/lesson', 'cutt.ly'],
  ])('warns about %s in the body, naming %s', (url, host) => {
    expect(shortened(context({ body: `Your lesson moved, details: ${url} today.` }))).toEqual([
      { severity: 'warning', component: 'body', params: { url, host } },
    ]);
  });

  it('warns about a URL button through a shortener', () => {
    const ctx = context({ buttons: [urlButton('https://rb.gy/{{code}}')] });
    expect(shortened(ctx)).toEqual([
      { severity: 'warning', component: 'buttons', params: { url: 'https://rb.gy/{{code}}', host: 'rb.gy' } },
    ]);
  });

  it('leaves full addresses alone, also hosts that merely end like a shortener', () => {
    const body =
      'Details: https://example.com/bit.ly and https://notbit.ly/x and https://bit.ly.example.com/a';
    expect(shortened(context({ body, buttons: [urlButton('https://shop.example.com/{{id}}')] }))).toEqual([]);
  });
});
