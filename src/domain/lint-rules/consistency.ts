import type { ContentComponent, VersionContent } from '../content.ts';
import { parseTemplateText } from '../template-syntax.ts';
import { characterCount, type DefinedRule, defineRule, parsedParts, TEXT_LIMITS } from './rule.ts';
import { BUTTON_LIMITS } from './structure.ts';
import { buttonsOf, formatList, textComponents } from './text-tools.ts';

/** Translations run longer than their source; warn from this share of a limit on. */
export const NEAR_LIMIT_SHARE = 0.9;

// A list of versions shares its siblings: each sibling's text is parsed once, not once per version.
const siblingVariables = new WeakMap<VersionContent, Set<string>>();

function variablesOf(content: VersionContent): Set<string> {
  const cached = siblingVariables.get(content);
  if (cached) return cached;
  const texts = [
    ...textComponents(content).map(({ text }) => text),
    ...buttonsOf(content).flatMap((button) => [button.text, button.url ?? '']),
  ];
  const variables = new Set(texts.flatMap((text) => parseTemplateText(text).variables));
  siblingVariables.set(content, variables);
  return variables;
}

const siblingVariablesRule = defineRule(
  'sibling-variables',
  'The variables differ from the {language} version: only here: {onlyHere}; only there: {onlyThere}.',
  (ctx, parsed, report) => {
    const here = new Set(parsedParts(parsed).flatMap((part) => part.parsed.variables));
    return (ctx.siblings ?? []).flatMap((sibling) => {
      const there = variablesOf(sibling.content);
      const onlyHere = [...here].filter((name) => !there.has(name));
      const onlyThere = [...there].filter((name) => !here.has(name));
      if (!onlyHere.length && !onlyThere.length) return [];
      return [
        report({
          severity: 'warning',
          component: 'body',
          params: {
            language: sibling.language,
            onlyHere: formatList(onlyHere),
            onlyThere: formatList(onlyThere),
          },
        }),
      ];
    });
  },
);

function buttonTypes(content: VersionContent): string {
  return formatList(buttonsOf(content).map((button) => button.type));
}

const siblingButtonsRule = defineRule(
  'sibling-buttons',
  'The buttons differ from the {language} version: here {here}; there {there}.',
  (ctx, _parsed, report) => {
    const here = buttonTypes(ctx.content);
    return (ctx.siblings ?? []).flatMap((sibling) => {
      const there = buttonTypes(sibling.content);
      if (here === there) return [];
      return [
        report({
          severity: 'warning',
          component: 'buttons',
          params: { language: sibling.language, here, there },
        }),
      ];
    });
  },
);

const nearLimitRule = defineRule(
  'near-limit',
  'The {component} uses {length} of {limit} characters; a small edit or a longer translation will exceed it.',
  (ctx, _parsed, report) => {
    const near = (length: number, limit: number) => length >= limit * NEAR_LIMIT_SHARE && length <= limit;
    const texts: Array<{ component: ContentComponent; text: string; limit: number; buttonIndex?: number }> = [
      ...textComponents(ctx.content).map(({ component, text }) => ({
        component,
        text,
        limit: TEXT_LIMITS[component],
      })),
      ...buttonsOf(ctx.content).map((button, buttonIndex) => ({
        component: 'buttons' as const,
        text: button.text,
        limit: BUTTON_LIMITS.label,
        buttonIndex,
      })),
    ];
    return texts.flatMap(({ component, text, limit, buttonIndex }) => {
      const length = characterCount(text);
      if (!near(length, limit)) return [];
      return [report({ severity: 'warning', component, buttonIndex, params: { component, length, limit } })];
    });
  },
);

export const consistencyRules: DefinedRule[] = [siblingVariablesRule, siblingButtonsRule, nearLimitRule];
