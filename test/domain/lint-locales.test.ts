import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { whatsappRules } from '../../src/domain/lint.ts';

const LANGUAGES = ['en', 'ru', 'pl', 'tr'] as const;

function lintMessages(language: string): Record<string, unknown> {
  const file = new URL(`../../locales/${language}/translation.json`, import.meta.url);
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const lint = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'lint') : undefined;
  return typeof lint === 'object' && lint !== null ? { ...lint } : {};
}

/** `{x}` and `{x, format}` slots become i18next's `{{x}}`, `{{x, format}}`; literal double braces stay. */
const toI18next = (template: string) => template.replace(/(?<!\{)\{(\w+(?:, \w+)?)\}(?!\})/g, '{{$1}}');
const slots = (message: string) =>
  [...message.matchAll(/\{\{(\w+(?:, \w+)?)\}\}/g)].map((match) => match[1]).sort();

const messages = Object.fromEntries(LANGUAGES.map((language) => [language, lintMessages(language)]));
const ruleIds = whatsappRules.map((rule) => rule.id);

describe('lint locale files', () => {
  it('have unique rule ids to key on', () => {
    expect(new Set(ruleIds).size).toBe(ruleIds.length);
  });

  it.each(LANGUAGES)('%s has a message for exactly the rules in whatsappRules', (language) => {
    expect(Object.keys(messages[language] ?? {}).sort()).toEqual([...ruleIds].sort());
  });

  it.each(whatsappRules.map((rule) => [rule.id, rule.englishTemplate]))(
    'en message of %s equals the rule template',
    (id, template) => {
      expect(messages.en?.[id]).toBe(toI18next(template));
    },
  );

  it.each(
    whatsappRules.flatMap((rule) => (['ru', 'pl', 'tr'] as const).map((language) => [language, rule.id])),
  )('%s message of %s is translated and uses the same slots as English', (language, id) => {
    const message = messages[language]?.[id];
    const english = messages.en?.[id];
    expect(typeof message).toBe('string');
    expect(typeof english).toBe('string');
    if (typeof message !== 'string' || typeof english !== 'string') return;
    expect(message).not.toBe(english);
    expect(slots(message)).toEqual(slots(english));
  });
});
