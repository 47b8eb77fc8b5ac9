import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Every en key must exist in ru, pl and tr, and a translation must differ from the English text.
 * Lint messages are also checked rule by rule in test/domain/lint-locales.test.ts; this test covers
 * the whole file (problems, field names, verdicts) so a new key cannot ship English-only.
 */
const TRANSLATED = ['ru', 'pl', 'tr'] as const;

/**
 * Keys whose text is legitimately the same in every language: proper names and codes. Add a key
 * here only with a reason, e.g. `'provider.meta': 'a brand name'`.
 */
const SAME_AS_ENGLISH_ALLOWED: Record<string, string> = {};

type Entries = Map<string, unknown>;

function flatten(value: unknown, prefix: string, into: Entries): Entries {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.set(prefix, value);
  }
  return into;
}

function load(language: string): Entries {
  const file = new URL(`../locales/${language}/translation.json`, import.meta.url);
  return flatten(JSON.parse(readFileSync(file, 'utf8')), '', new Map());
}

const english = load('en');
const placeholders = (text: unknown) =>
  typeof text === 'string' ? [...text.matchAll(/\{\{\s*(\w+)/g)].map((match) => match[1]).sort() : [];

describe('locale files', () => {
  it('en has only string leaves', () => {
    for (const [key, text] of english) expect(typeof text, key).toBe('string');
  });

  describe.each(TRANSLATED)('%s', (language) => {
    const entries = load(language);

    it('has every key of en, as a string', () => {
      const missing = [...english.keys()].filter((key) => typeof entries.get(key) !== 'string');
      expect(missing).toEqual([]);
    });

    it('has no key that en lacks', () => {
      expect([...entries.keys()].filter((key) => !english.has(key))).toEqual([]);
    });

    it('translates every text that is not on the allowlist', () => {
      const untranslated = [...english].filter(
        ([key, text]) => entries.get(key) === text && !(key in SAME_AS_ENGLISH_ALLOWED),
      );
      expect(untranslated.map(([key]) => key)).toEqual([]);
    });

    it('keeps the placeholders of en', () => {
      const differing = [...english]
        .filter(
          ([key, text]) =>
            entries.has(key) && placeholders(entries.get(key)).join() !== placeholders(text).join(),
        )
        .map(([key]) => key);
      expect(differing).toEqual([]);
    });
  });
});
