import { createHash } from 'node:crypto';
import type { ContentComponent, VersionContent } from './content.ts';
import { categoryRules } from './lint-rules/category.ts';
import { consistencyRules } from './lint-rules/consistency.ts';
import { historyRules } from './lint-rules/history.ts';
import { languageRules } from './lint-rules/language.ts';
import { providerRules } from './lint-rules/provider.ts';
import {
  characterCount,
  type DefinedRule,
  defineRule,
  type LintContext,
  type LintFinding,
  type LintRule,
  MESSAGE_FORMATS,
  type ParsedContent,
  type ParsedPart,
  parsedParts,
  type Severity,
  TEXT_LIMITS,
} from './lint-rules/rule.ts';
import { structureRules } from './lint-rules/structure.ts';
import { textRules } from './lint-rules/text.ts';
import { variableRules } from './lint-rules/variables.ts';
import { type ParsedTemplate, type Placeholder, parseTemplateText } from './template-syntax.ts';

export type {
  DefinedRule,
  FindingInput,
  LintContext,
  LintFinding,
  LintRule,
  ParsedContent,
  ParsedPart,
  RejectedBody,
  Report,
  Severity,
} from './lint-rules/rule.ts';
export { characterCount, defineRule, MESSAGE_FORMATS, parsedParts, TEXT_LIMITS };

/**
 * The most a draft may hold: WhatsApp's limits with room for a draft in progress (the `length`
 * rule reports anything over the limit). Bounded input keeps linting cheap whatever the text.
 */
export const DRAFT_TEXT_CAPS = { header: 120, body: 1500, footer: 120 } as const;

function locate(part: ParsedPart, placeholder?: Placeholder) {
  return {
    component: part.component,
    buttonIndex: part.buttonIndex,
    line: placeholder?.line,
    column: placeholder?.column,
  };
}

const syntaxRule = defineRule(
  'syntax',
  'Only plain {{variable}} placeholders are allowed; found: {construct}.',
  (_ctx, parsed, report) =>
    parsedParts(parsed).flatMap((part) =>
      part.parsed.issues.map((issue) =>
        report({
          ...locate(part),
          severity: 'error',
          params: { construct: issue.construct },
          line: issue.line,
          column: issue.column,
        }),
      ),
    ),
);

const undeclaredVariableRule = defineRule(
  'undeclared-variable',
  'Variable {name} is used but not declared on the template.',
  (ctx, parsed, report) => {
    const declared = new Set(ctx.variables.map((variable) => variable.name));
    return parsedParts(parsed).flatMap((part) => {
      const first = new Map<string, Placeholder>();
      for (const placeholder of part.parsed.placeholders) {
        if (!declared.has(placeholder.name) && !first.has(placeholder.name)) {
          first.set(placeholder.name, placeholder);
        }
      }
      return [...first.values()].map((placeholder) =>
        report({ ...locate(part, placeholder), severity: 'error', params: { name: placeholder.name } }),
      );
    });
  },
);

const unusedVariableRule = defineRule(
  'unused-variable',
  'Variable {name} is declared on the template but not used in this text.',
  (ctx, parsed, report) => {
    const used = new Set(parsedParts(parsed).flatMap((part) => part.parsed.variables));
    return ctx.variables
      .filter((variable) => !used.has(variable.name))
      .map((variable) => report({ severity: 'warning', component: 'body', params: { name: variable.name } }));
  },
);

const bodyRequiredRule = defineRule('body-required', 'The body is required.', (ctx, _parsed, report) =>
  ctx.content.body.trim() === '' ? [report({ severity: 'error', component: 'body' })] : [],
);

const lengthRule = defineRule(
  'length',
  'The {component} has {length} characters; the limit is {limit}.',
  (ctx, _parsed, report) => {
    const texts: Array<[keyof typeof TEXT_LIMITS, string | null | undefined]> = [
      ['header', ctx.content.header],
      ['body', ctx.content.body],
      ['footer', ctx.content.footer],
    ];
    return texts.flatMap(([component, text]) => {
      const length = characterCount(text ?? '');
      const limit = TEXT_LIMITS[component];
      if (length <= limit) return [];
      return [report({ severity: 'error', component, params: { component, limit, length } })];
    });
  },
);

const footerVariablesRule = defineRule(
  'footer-variables',
  'The footer cannot contain variables; remove {name}.',
  (_ctx, parsed, report) =>
    (parsed.footer?.placeholders ?? []).map((placeholder) =>
      report({
        severity: 'error',
        component: 'footer',
        params: { name: placeholder.name },
        line: placeholder.line,
        column: placeholder.column,
      }),
    ),
);

const HEADER_VARIABLE_LIMIT = 1;

const headerVariablesRule = defineRule(
  'header-variables',
  'The header may contain at most {limit} variable; it has {count}.',
  (_ctx, parsed, report) => {
    const placeholders = parsed.header?.placeholders ?? [];
    if (placeholders.length <= HEADER_VARIABLE_LIMIT) return [];
    const firstExtra = placeholders[HEADER_VARIABLE_LIMIT];
    return [
      report({
        severity: 'error',
        component: 'header',
        params: { limit: HEADER_VARIABLE_LIMIT, count: placeholders.length },
        line: firstExtra?.line,
        column: firstExtra?.column,
      }),
    ];
  },
);

const urlVariablePositionRule = defineRule(
  'url-variable-position',
  'A button URL may contain one variable, only at its very end; found {count} ({name}).',
  (ctx, parsed, report) => {
    const buttons = ctx.content.buttons ?? [];
    return parsed.buttons.flatMap((button, buttonIndex) => {
      const url = button.url;
      if (!url) return [];
      const urlLength = buttons[buttonIndex]?.url?.length ?? 0;
      const [first, second] = url.placeholders;
      if (!first) return [];
      if (second === undefined && first.end === urlLength) return [];
      const part: ParsedPart = { component: 'buttons', field: 'url', buttonIndex, parsed: url };
      const culprit = second ?? first;
      return [
        report({
          ...locate(part, culprit),
          severity: 'error',
          params: { count: url.placeholders.length, name: culprit.name },
        }),
      ];
    });
  },
);

export const coreRules: DefinedRule[] = [
  syntaxRule,
  undeclaredVariableRule,
  unusedVariableRule,
  bodyRequiredRule,
  lengthRule,
  footerVariablesRule,
  headerVariablesRule,
  urlVariablePositionRule,
];

/** Everything WhatsApp checks that we can check before submitting: the core rules first, then by group. */
export const whatsappRules: DefinedRule[] = [
  ...coreRules,
  ...structureRules,
  ...variableRules,
  ...textRules,
  ...languageRules,
  ...categoryRules,
  ...consistencyRules,
  ...historyRules,
  ...providerRules,
];

function present(text: string | null | undefined): text is string {
  return text !== undefined && text !== null && text !== '';
}

export function parseContent(content: VersionContent): ParsedContent {
  const parsed: ParsedContent = {
    body: parseTemplateText(content.body),
    buttons: (content.buttons ?? []).map((button) => {
      const entry: { text?: ParsedTemplate; url?: ParsedTemplate } = {};
      if (present(button.text)) entry.text = parseTemplateText(button.text);
      if (present(button.url)) entry.url = parseTemplateText(button.url);
      return entry;
    }),
  };
  if (present(content.header)) parsed.header = parseTemplateText(content.header);
  if (present(content.footer)) parsed.footer = parseTemplateText(content.footer);
  return parsed;
}

const COMPONENT_ORDER: Record<ContentComponent, number> = { header: 0, body: 1, footer: 2, buttons: 3 };
const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1 };
const RULE_ORDER = new Map(whatsappRules.map((rule, index) => [rule.id, index]));

// Array.prototype.sort is stable, so a rule's findings keep their order; rules keep theirs.
function sortFindings(findings: LintFinding[]): LintFinding[] {
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      COMPONENT_ORDER[a.component] - COMPONENT_ORDER[b.component] ||
      (a.buttonIndex ?? -1) - (b.buttonIndex ?? -1) ||
      (RULE_ORDER.get(a.rule) ?? 0) - (RULE_ORDER.get(b.rule) ?? 0),
  );
}

export function lintContent(ctx: LintContext, rules: LintRule[] = whatsappRules): LintFinding[] {
  const parsed = parseContent(ctx.content);
  return sortFindings(rules.flatMap((rule) => rule.check(ctx, parsed)));
}

/**
 * Bump whenever a rule changes what it finds: findings stored under another version are
 * recomputed (once) when next read.
 */
export const LINT_RULES_VERSION = 3;

/** Rules that read other rows (translations, past rejections, the market's provider): run per request. */
const CONTEXT_RULE_IDS: ReadonlySet<string> = new Set([
  'sibling-variables',
  'sibling-buttons',
  'rejected-before',
  'provider-template-name',
  'provider-language',
]);
const storedRules = whatsappRules.filter((rule) => !CONTEXT_RULE_IDS.has(rule.id));
const contextRules = whatsappRules.filter((rule) => CONTEXT_RULE_IDS.has(rule.id));

/** What is kept with a version: the findings of its own content, and the variables it uses. */
export interface StoredLint {
  findings: LintFinding[];
  variables: string[];
}

/**
 * What stored findings were computed from besides the rule set: the content and the template's
 * variables and category (a version's language never changes).
 */
export function lintInputHash(
  contentHash: string,
  template: Pick<LintContext, 'variables' | 'category'>,
): string {
  return createHash('sha256')
    .update(JSON.stringify([contentHash, template.category, template.variables]), 'utf8')
    .digest('base64url');
}

/** The findings that depend only on the version and its template; parsed once, on write. */
export function lintOwnContent(ctx: LintContext): StoredLint {
  const parsed = parseContent(ctx.content);
  const variables = [...new Set(parsedParts(parsed).flatMap((part) => part.parsed.variables))];
  return { findings: sortFindings(storedRules.flatMap((rule) => rule.check(ctx, parsed))), variables };
}

/**
 * Stored findings plus those of the context rules, which read no parsed text but the variables
 * the version uses: the same findings as `lintContent`, without parsing the version again.
 */
export function lintInContext(stored: StoredLint, ctx: LintContext): LintFinding[] {
  const variablesOnly: ParsedContent = {
    body: { variables: stored.variables, placeholders: [], issues: [] },
    buttons: [],
  };
  const contextual = contextRules.flatMap((rule) => rule.check(ctx, variablesOnly));
  return sortFindings([...stored.findings, ...contextual]);
}

export function hasErrors(findings: LintFinding[]): boolean {
  return findings.some((item) => item.severity === 'error');
}

export function usedVariables(content: VersionContent): string[] {
  const parts = parsedParts(parseContent(content));
  return [...new Set(parts.flatMap((part) => part.parsed.variables))];
}
