import { promotionalPhrases } from '../promotional-wording.ts';
import { type DefinedRule, defineRule } from './rule.ts';
import { buttonsOf, textComponents } from './text-tools.ts';

const promotionalWordingRule = defineRule(
  'promotional-wording',
  'Promotional wording in a utility template: {phrases}. Meta may reclassify it as marketing or reject it.',
  (ctx, _parsed, report) => {
    if (ctx.category !== 'utility') return [];
    const texts = [
      ...textComponents(ctx.content).map(({ text }) => text),
      ...buttonsOf(ctx.content).map((button) => button.text),
    ];
    const phrases = promotionalPhrases(texts.join('\n'), ctx.language);
    if (!phrases.length) return [];
    return [report({ severity: 'warning', component: 'body', params: { phrases: phrases.join(', ') } })];
  },
);

export const categoryRules: DefinedRule[] = [promotionalWordingRule];
