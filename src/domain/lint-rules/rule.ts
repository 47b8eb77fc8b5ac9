import type { ContentComponent, TemplateCategory, TemplateVariable, VersionContent } from '../content.ts';
import type { ParsedTemplate } from '../template-syntax.ts';

export type Severity = 'error' | 'warning';

export interface LintFinding {
  rule: string;
  severity: Severity;
  component: ContentComponent;
  /** English default text. */
  message: string;
  /** i18n key, `lint.<rule>`. */
  messageKey: string;
  params: Record<string, string | number>;
  line?: number;
  column?: number;
  buttonIndex?: number;
}

/** A version rejected earlier in the same market and language. */
export interface RejectedBody {
  version: number;
  body: string;
  reason: string | null;
  reasonText: string | null;
}

export interface LintContext {
  content: VersionContent;
  variables: TemplateVariable[];
  category: TemplateCategory;
  language: string;
  /** The newest version of each other language of the same template in the same market. */
  siblings?: Array<{ language: string; content: VersionContent }>;
  rejectedBefore?: RejectedBody[];
  /** Where the version would be submitted; `languageCode: null` means the provider has no code for it. */
  provider?: { kind: string; templateName: string; languageCode: string | null };
}

export interface ParsedContent {
  header?: ParsedTemplate;
  body: ParsedTemplate;
  footer?: ParsedTemplate;
  buttons: Array<{ text?: ParsedTemplate; url?: ParsedTemplate }>;
}

export type LintRule = { id: string; check(ctx: LintContext, parsed: ParsedContent): LintFinding[] };

/** Meta's character limits for text components. */
export const TEXT_LIMITS = { header: 60, body: 1024, footer: 60 } as const;

/** Characters as people count them (code points), so an emoji is one character. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

type Params = Record<string, string | number>;

/** Formats a message slot may name, as i18next does (`{detected, language}`): the same names in src/i18n.ts. */
export const MESSAGE_FORMATS = {
  /** A language code shown as the language's name in the reader's language. */
  language: (value: string, readerLanguage: string) =>
    new Intl.DisplayNames([readerLanguage], { type: 'language', fallback: 'code' }).of(value) ?? value,
} as const;

function fill(template: string, params: Params): string {
  return template.replace(/\{(\w+)(?:, (\w+))?\}/g, (whole, key: string, format?: string) => {
    if (!Object.hasOwn(params, key)) return whole;
    const value = String(params[key]);
    return format === 'language' ? MESSAGE_FORMATS.language(value, 'en') : value;
  });
}

export interface FindingInput {
  severity: Severity;
  component: ContentComponent;
  params?: Params;
  line?: number | undefined;
  column?: number | undefined;
  buttonIndex?: number | undefined;
}

export type Report = (input: FindingInput) => LintFinding;

/** A rule as data: what the locale files and the completeness test need besides `check`. */
export interface DefinedRule extends LintRule {
  englishTemplate: string;
}

/**
 * A rule has one i18n key (`lint.<id>`) and one English message template; `{param}` slots are filled from
 * each finding's params.
 */
export function defineRule(
  id: string,
  englishTemplate: string,
  check: (ctx: LintContext, parsed: ParsedContent, report: Report) => LintFinding[],
): DefinedRule {
  const report: Report = (input) => {
    const params = input.params ?? {};
    const result: LintFinding = {
      rule: id,
      severity: input.severity,
      component: input.component,
      message: fill(englishTemplate, params),
      messageKey: `lint.${id}`,
      params,
    };
    if (input.line !== undefined) result.line = input.line;
    if (input.column !== undefined) result.column = input.column;
    if (input.buttonIndex !== undefined) result.buttonIndex = input.buttonIndex;
    return result;
  };
  return { id, englishTemplate, check: (ctx, parsed) => check(ctx, parsed, report) };
}

/** Every parsed text of a version, tagged with where it lives. */
export interface ParsedPart {
  component: ContentComponent;
  field: 'text' | 'url';
  buttonIndex?: number;
  parsed: ParsedTemplate;
}

export function parsedParts(parsed: ParsedContent): ParsedPart[] {
  const parts: ParsedPart[] = [];
  if (parsed.header) parts.push({ component: 'header', field: 'text', parsed: parsed.header });
  parts.push({ component: 'body', field: 'text', parsed: parsed.body });
  if (parsed.footer) parts.push({ component: 'footer', field: 'text', parsed: parsed.footer });
  parsed.buttons.forEach((button, buttonIndex) => {
    if (button.text) parts.push({ component: 'buttons', field: 'text', buttonIndex, parsed: button.text });
    if (button.url) parts.push({ component: 'buttons', field: 'url', buttonIndex, parsed: button.url });
  });
  return parts;
}
