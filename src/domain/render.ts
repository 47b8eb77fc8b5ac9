import Handlebars from 'handlebars';
import type { VersionContent } from './content.ts';
import { characterCount, TEXT_LIMITS } from './lint.ts';
import { parseTemplateText, type SyntaxIssue } from './template-syntax.ts';
import { hasLineBreak, hasTooManySpaces } from './text-safety.ts';

export type CompiledText = (values: Record<string, string>) => string;

export class TemplateSyntaxError extends Error {
  readonly issues: SyntaxIssue[];

  constructor(issues: SyntaxIssue[]) {
    const first = issues[0];
    super(
      first
        ? `Template text is not allowed: ${first.construct} at ${first.line}:${first.column}`
        : 'Template text is not allowed',
    );
    this.name = 'TemplateSyntaxError';
    this.issues = issues;
  }
}

export class MissingVariableError extends Error {
  readonly variable: string;

  constructor(variable: string) {
    super(`No value for variable ${variable}`);
    this.name = 'MissingVariableError';
    this.variable = variable;
  }
}

const BUILT_IN_HELPERS = [
  'helperMissing',
  'blockHelperMissing',
  'each',
  'if',
  'unless',
  'with',
  'log',
  'lookup',
] as const;

// Isolated from the global Handlebars instance: nothing another module registers can reach our templates.
const env = Handlebars.create();
for (const helper of BUILT_IN_HELPERS) env.unregisterHelper(helper);

const COMPILE_OPTIONS: CompileOptions = {
  noEscape: true,
  strict: true,
  assumeObjects: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(BUILT_IN_HELPERS.map((helper) => [helper, false])),
  data: false,
  preventIndent: true,
  ignoreStandalone: true,
};

const RUNTIME_OPTIONS: Handlebars.RuntimeOptions = {
  helpers: {},
  partials: {},
  decorators: {},
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
};

function nullPrototypeRecord(): Record<string, string> {
  return Object.create(null);
}

interface CompiledTextWithVariables {
  render: CompiledText;
  variables: string[];
}

function compile(text: string): CompiledTextWithVariables {
  const parsed = parseTemplateText(text);
  if (parsed.issues.length > 0) throw new TemplateSyntaxError(parsed.issues);
  const { variables } = parsed;
  const template = env.compile<Record<string, string>>(text, COMPILE_OPTIONS);
  const render: CompiledText = (values) => {
    // Only the template's own names are copied, onto an object without a prototype, so keys such as
    // `__proto__` in `values` are never looked at and lookups cannot reach Object.prototype.
    const context = nullPrototypeRecord();
    for (const name of variables) {
      const value: unknown = Object.hasOwn(values, name) ? values[name] : undefined;
      if (typeof value !== 'string') throw new MissingVariableError(name);
      context[name] = value;
    }
    return template(context, RUNTIME_OPTIONS);
  };
  // Handlebars compiles lazily on first call; do it now so compile errors surface here, not mid-request.
  render(Object.fromEntries(variables.map((name) => [name, ''])));
  return { render, variables };
}

/** Throws TemplateSyntaxError unless the text passes the allowlist; the result throws MissingVariableError. */
export function compileText(text: string): CompiledText {
  return compile(text).render;
}

export interface CompiledContent {
  header?: CompiledText;
  body: CompiledText;
  footer?: CompiledText;
  buttons: Array<{ text?: CompiledText; url?: CompiledText }>;
  variables: { header: string[]; body: string[]; footer: string[]; buttons: string[][] };
}

function present(text: string | null | undefined): text is string {
  return text !== undefined && text !== null && text !== '';
}

export function compileContent(content: VersionContent): CompiledContent {
  const body = compile(content.body);
  const header = present(content.header) ? compile(content.header) : undefined;
  const footer = present(content.footer) ? compile(content.footer) : undefined;
  const buttons = (content.buttons ?? []).map((button) => ({
    text: present(button.text) ? compile(button.text) : undefined,
    url: present(button.url) ? compile(button.url) : undefined,
  }));

  const compiled: CompiledContent = {
    body: body.render,
    buttons: buttons.map((button) => {
      const entry: { text?: CompiledText; url?: CompiledText } = {};
      if (button.text) entry.text = button.text.render;
      if (button.url) entry.url = button.url.render;
      return entry;
    }),
    variables: {
      header: header?.variables ?? [],
      body: body.variables,
      footer: footer?.variables ?? [],
      buttons: buttons.map((button) => [
        ...new Set([...(button.text?.variables ?? []), ...(button.url?.variables ?? [])]),
      ]),
    },
  };
  if (header) compiled.header = header.render;
  if (footer) compiled.footer = footer.render;
  return compiled;
}

export interface RenderedButton {
  type: string;
  text: string;
  url?: string;
  phoneNumber?: string;
}

export interface RenderedContent {
  header?: string;
  body: string;
  footer?: string;
  buttons?: RenderedButton[];
}

/** Values are inserted as given: URL-button values are not percent-encoded here. */
export function renderContent(
  content: VersionContent,
  compiled: CompiledContent,
  values: Record<string, string>,
): RenderedContent {
  const rendered: RenderedContent = { body: compiled.body(values) };
  if (compiled.header) rendered.header = compiled.header(values);
  if (compiled.footer) rendered.footer = compiled.footer(values);
  const buttons = content.buttons ?? [];
  if (buttons.length > 0) {
    rendered.buttons = buttons.map((button, index) => {
      const compiledButton = compiled.buttons[index];
      const result: RenderedButton = {
        type: button.type,
        text: compiledButton?.text ? compiledButton.text(values) : button.text,
      };
      if (button.url !== undefined)
        result.url = compiledButton?.url ? compiledButton.url(values) : button.url;
      if (button.phoneNumber !== undefined) result.phoneNumber = button.phoneNumber;
      return result;
    });
  }
  return rendered;
}

export type ValueProblem = 'newline' | 'tab' | 'spaces';

/**
 * WhatsApp refuses parameter values with a newline, a tab, or more than 4 consecutive spaces. A
 * no-break or ideographic space is still a space, and a line separator or NEL still breaks the line.
 */
export function sendTimeValueProblems(
  values: Record<string, string>,
): Array<{ name: string; problem: ValueProblem }> {
  const problems: Array<{ name: string; problem: ValueProblem }> = [];
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'string') continue;
    if (hasLineBreak(value)) problems.push({ name, problem: 'newline' });
    if (value.includes('\t')) problems.push({ name, problem: 'tab' });
    if (hasTooManySpaces(value)) problems.push({ name, problem: 'spaces' });
  }
  return problems;
}

/** Rendered text components over Meta's limits (values can push a valid template past them). */
export function renderedLengthProblems(
  rendered: RenderedContent,
): Array<{ component: keyof typeof TEXT_LIMITS; length: number; limit: number }> {
  const problems: Array<{ component: keyof typeof TEXT_LIMITS; length: number; limit: number }> = [];
  for (const component of ['header', 'body', 'footer'] as const) {
    const text = rendered[component];
    const limit = TEXT_LIMITS[component];
    // UTF-16 length never undercounts characters, so most texts need no counting at all.
    if (text === undefined || text.length <= limit) continue;
    const length = characterCount(text);
    if (length > limit) problems.push({ component, length, limit });
  }
  return problems;
}
