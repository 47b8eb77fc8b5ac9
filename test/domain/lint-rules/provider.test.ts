import { describe, expect, it } from 'vitest';
import { toMetaLanguageCode } from '../../../src/domain/language-codes.ts';
import { context, findingsOf } from './support.ts';

const provider = (kind: string, templateName: string, languageCode: string | null = 'en') => ({
  kind,
  templateName,
  languageCode,
});

describe('rule provider-template-name', () => {
  it.each([
    ['meta', 'lesson_rescheduled_tr_v3'],
    ['sandbox', 'a'.repeat(512)],
    ['gupshup', 'otp_pl_v1'],
    ['twilio', 'Any Name At All'],
  ])('passes %s name %s', (kind, name) => {
    expect(findingsOf('provider-template-name', context({}, { provider: provider(kind, name) }))).toEqual([]);
  });

  it('passes when there is no provider yet', () => {
    expect(findingsOf('provider-template-name', context())).toEqual([]);
  });

  it.each<[string, string, number]>([
    ['meta', 'Lesson-Rescheduled', 512],
    ['sandbox', '', 512],
    ['meta', 'a'.repeat(513), 512],
    ['gupshup', 'a'.repeat(181), 180],
    ['meta', 'урок_v1', 512],
  ])('reports %s name %j', (kind, name, limit) => {
    expect(findingsOf('provider-template-name', context({}, { provider: provider(kind, name) }))).toEqual([
      expect.objectContaining({ severity: 'error', params: { name, provider: kind, limit } }),
    ]);
  });
});

describe('rule provider-language', () => {
  it('passes a language the provider has a code for', () => {
    const ctx = context(
      {},
      { language: 'ru-RU', provider: provider('meta', 'x_ru_v1', toMetaLanguageCode('ru-RU')) },
    );
    expect(findingsOf('provider-language', ctx)).toEqual([]);
  });

  it('reports a language without a provider code before submission', () => {
    const ctx = context(
      {},
      { language: 'pt', provider: provider('meta', 'x_br_v1', toMetaLanguageCode('pt')) },
    );
    expect(findingsOf('provider-language', ctx)).toEqual([
      expect.objectContaining({
        severity: 'error',
        params: { language: 'pt', provider: 'meta' },
        message: 'The language pt is not supported by meta; it has no language code for it.',
      }),
    ]);
  });
});
