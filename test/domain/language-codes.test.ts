import { describe, expect, it } from 'vitest';
import {
  fromMetaLanguageCode,
  isMetaLanguageCode,
  LANGUAGE_TAG_PATTERN,
  META_LANGUAGE_CODES,
  META_LANGUAGES,
  toMetaLanguageCode,
} from '../../src/domain/language-codes.ts';

describe('META_LANGUAGES', () => {
  it('lists Meta codes for every target market', () => {
    for (const code of [
      'ru',
      'pl',
      'tr',
      'it',
      'es',
      'es_ES',
      'es_MX',
      'es_AR',
      'de',
      'de_AT',
      'de_CH',
      'fr',
    ]) {
      expect(isMetaLanguageCode(code), code).toBe(true);
    }
    for (const code of [
      'fr_BE',
      'fr_CA',
      'fr_CH',
      'id',
      'en',
      'en_US',
      'en_GB',
      'pt_BR',
      'pt_PT',
      'uk',
      'ar_EG',
    ]) {
      expect(isMetaLanguageCode(code), code).toBe(true);
    }
  });

  it('has none of the codes Meta does not support', () => {
    for (const code of ['ru_RU', 'pl_PL', 'tr_TR', 'it_IT', 'de_DE', 'fr_FR', 'id_ID', 'pt', 'zh']) {
      expect(isMetaLanguageCode(code), code).toBe(false);
    }
  });

  it('is a full table with a name for each code', () => {
    expect(META_LANGUAGE_CODES.size).toBeGreaterThan(100);
    for (const [code, name] of Object.entries(META_LANGUAGES)) {
      expect(code).toMatch(/^[a-z]{2,3}(_[A-Z]{2})?$/);
      expect(name.length).toBeGreaterThan(0);
    }
  });

  it('does not mistake Object.prototype names for codes', () => {
    expect(isMetaLanguageCode('constructor')).toBe(false);
    expect(isMetaLanguageCode('__proto__')).toBe(false);
  });
});

describe('toMetaLanguageCode', () => {
  it.each([
    ['ru', 'ru'],
    ['en', 'en'],
    ['en-US', 'en_US'],
    ['en-GB', 'en_GB'],
    ['es-ES', 'es_ES'],
    ['pt-BR', 'pt_BR'],
    ['pt-PT', 'pt_PT'],
    ['id', 'id'],
    ['fil', 'fil'],
    ['zh-CN', 'zh_CN'],
    ['ru-RU', 'ru'],
    ['tr-TR', 'tr'],
    ['pl-PL', 'pl'],
    ['de-DE', 'de'],
    ['fr-LU', 'fr'],
    ['en_us', 'en_US'],
  ])('maps %s to %s', (tag, code) => {
    expect(toMetaLanguageCode(tag)).toBe(code);
  });

  it.each(['pt', 'zh', 'zh-Hant', 'xx', 'xx-YY', '', 'english', 'constructor', 'en-US-x-private'])(
    'returns null for %j, which has no Meta code',
    (tag) => {
      expect(toMetaLanguageCode(tag)).toBeNull();
    },
  );
});

describe('fromMetaLanguageCode', () => {
  it.each([
    ['en_US', 'en-US'],
    ['en-US', 'en-US'],
    ['ru', 'ru'],
    ['pt_BR', 'pt-BR'],
    ['prs_AF', 'prs-AF'],
    ['zh-hant', 'zh-Hant'],
  ])('maps %s to %s', (code, tag) => {
    expect(fromMetaLanguageCode(code)).toBe(tag);
  });

  it('round-trips every Meta code', () => {
    for (const code of META_LANGUAGE_CODES) {
      expect(toMetaLanguageCode(fromMetaLanguageCode(code))).toBe(code);
    }
  });

  it('produces tags matching LANGUAGE_TAG_PATTERN', () => {
    for (const code of META_LANGUAGE_CODES) expect(fromMetaLanguageCode(code)).toMatch(LANGUAGE_TAG_PATTERN);
  });
});

describe('LANGUAGE_TAG_PATTERN', () => {
  it.each(['ru', 'en-US', 'pt-BR', 'fil', 'zh-Hant'])('accepts %s', (tag) => {
    expect(LANGUAGE_TAG_PATTERN.test(tag)).toBe(true);
  });

  it.each(['en_US', 'EN', 'en-us', 'english', 'en-US-x'])('rejects %s', (tag) => {
    expect(LANGUAGE_TAG_PATTERN.test(tag)).toBe(false);
  });
});
