import { promotionalPhrases } from '../promotional-wording.ts';
import { type DefinedRule, defineRule } from './rule.ts';
import { buttonsOf, textComponents } from './text-tools.ts';

const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/**
 * promotionalPhrases matches anywhere in the text, so "акци" finds "транзакция" and "deal" finds "ideal".
 * A hint that blocks nothing should not cry wolf: keep only phrases that begin a word somewhere.
 */
function startsAWord(text: string, phrase: string): boolean {
  if (!WORD_CHARACTER.test(phrase.charAt(0))) return text.includes(phrase);
  for (let index = text.indexOf(phrase); index !== -1; index = text.indexOf(phrase, index + 1)) {
    if (!WORD_CHARACTER.test(text.charAt(index - 1))) return true;
  }
  return false;
}

const promotionalWordingRule = defineRule(
  'promotional-wording',
  'Promotional wording in a utility template: {phrases}. Meta may reclassify it as marketing or reject it.',
  (ctx, _parsed, report) => {
    if (ctx.category !== 'utility') return [];
    const base = ctx.language.split('-')[0] ?? ctx.language;
    const texts = [
      ...textComponents(ctx.content).map(({ text }) => text),
      ...buttonsOf(ctx.content).map((button) => button.text),
    ];
    const text = texts.join('\n');
    const lower = text.toLocaleLowerCase(base);
    const phrases = promotionalPhrases(text, ctx.language).filter((phrase) =>
      startsAWord(lower, phrase.toLocaleLowerCase(base)),
    );
    if (!phrases.length) return [];
    return [report({ severity: 'warning', component: 'body', params: { phrases: phrases.join(', ') } })];
  },
);

export const categoryRules: DefinedRule[] = [promotionalWordingRule];
