import type { ContentComponent, TemplateVariable, VersionContent } from '../content.ts';
import type { Placeholder } from '../template-syntax.ts';
import { isSendableValue } from '../text-safety.ts';
import { characterCount, type DefinedRule, defineRule, type ParsedPart, parsedParts } from './rule.ts';
import {
  buttonsOf,
  countLettersAndDigits,
  hasLetterOrDigit,
  literalSegments,
  literalText,
} from './text-tools.ts';

/*
 * Meta publishes no ratio for "too many variables for the message length". Syniverse's field finding is
 * words + parameters ≥ 3n + 1, i.e. about two words of text per variable, roughly 10–12 letters in the
 * languages we serve. We count letters and digits rather than words so that agglutinative Turkish and
 * Polish (few, long words) are not penalised. Below 12 per variable we warn; below 6 (the text is mostly
 * placeholders) we block, because a rejection costs a day of review and a burnt template name.
 */
export const LETTERS_PER_VARIABLE = { warning: 12, error: 6 } as const;

/** Authentication templates: Meta limits each parameter to 15 characters. */
export const AUTHENTICATION_VARIABLE_LIMIT = 15;

/** The text a parsed part came from. */
function sourceText(content: VersionContent, part: ParsedPart): string {
  if (part.component === 'header') return content.header ?? '';
  if (part.component === 'body') return content.body;
  if (part.component === 'footer') return content.footer ?? '';
  const button = buttonsOf(content)[part.buttonIndex ?? -1];
  return (part.field === 'url' ? button?.url : button?.text) ?? '';
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split(/\r\n?|\n/);
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function at(part: ParsedPart, placeholder: Placeholder) {
  return {
    component: part.component,
    buttonIndex: part.buttonIndex,
    line: placeholder.line,
    column: placeholder.column,
  };
}

function inBody(placeholder: Placeholder) {
  return { component: 'body' as const, line: placeholder.line, column: placeholder.column };
}

/*
 * Dangling parameters: Meta refuses a body whose first or last token is a parameter (review and the
 * synchronous 100/2388299 check). Whether punctuation alone ("… {{date}}.") is enough text is not
 * documented and third-party guides disagree, so that case is a warning, not an error.
 */
const variableAtStartRule = defineRule(
  'variable-at-start',
  'The body must not start with a variable ({name}); put some text before it.',
  (ctx, parsed, report) => {
    const first = parsed.body.placeholders[0];
    if (!first || ctx.content.body.slice(0, first.start).trim() !== '') return [];
    return [report({ ...inBody(first), severity: 'error', params: { name: first.name } })];
  },
);

const variableAtEndRule = defineRule(
  'variable-at-end',
  'The body must not end with a variable ({name}); put some text after it.',
  (ctx, parsed, report) => {
    const last = parsed.body.placeholders.at(-1);
    if (!last || ctx.content.body.slice(last.end).trim() !== '') return [];
    return [report({ ...inBody(last), severity: 'error', params: { name: last.name } })];
  },
);

const variableNearEdgeRule = defineRule(
  'variable-near-edge',
  'Only punctuation separates variable {name} from the edge of the body; Meta may treat it as a leading or trailing variable. Add words around it.',
  (ctx, parsed, report) => {
    const placeholders = parsed.body.placeholders;
    const first = placeholders[0];
    const last = placeholders.at(-1);
    if (!first || !last) return [];
    const body = ctx.content.body;
    const nearEdge = (outside: string) => outside.trim() !== '' && !hasLetterOrDigit(outside);
    const found: Placeholder[] = [];
    if (nearEdge(body.slice(0, first.start))) found.push(first);
    if (nearEdge(body.slice(last.end)) && !(last === first && found.length)) found.push(last);
    return found.map((placeholder) =>
      report({ ...inBody(placeholder), severity: 'warning', params: { name: placeholder.name } }),
    );
  },
);

const adjacentVariablesRule = defineRule(
  'adjacent-variables',
  'Variables {first} and {second} stand side by side; put words between them.',
  (ctx, parsed, report) =>
    parsedParts(parsed)
      .filter((part) => part.field === 'text')
      .flatMap((part) => {
        const { placeholders } = part.parsed;
        const segments = literalSegments(sourceText(ctx.content, part), placeholders);
        return placeholders.flatMap((placeholder, index) => {
          const previous = placeholders[index - 1];
          if (!previous || hasLetterOrDigit(segments[index] ?? '')) return [];
          return [
            report({
              ...at(part, placeholder),
              severity: 'error',
              params: { first: previous.name, second: placeholder.name },
            }),
          ];
        });
      }),
);

function bodyDensity(body: string, placeholders: readonly Placeholder[]) {
  const count = placeholders.length;
  const letters = countLettersAndDigits(literalText(body, placeholders));
  return { count, letters, minimum: count * LETTERS_PER_VARIABLE.warning };
}

const tooManyVariablesRule = defineRule(
  'too-many-variables',
  'The body has {count} variables but only {letters} letters and digits of its own; Meta rejects templates with too many variables for their length. Write at least {minimum} letters.',
  (ctx, parsed, report) => {
    const density = bodyDensity(ctx.content.body, parsed.body.placeholders);
    if (density.count === 0 || density.letters >= density.count * LETTERS_PER_VARIABLE.error) return [];
    return [report({ severity: 'error', component: 'body', params: density })];
  },
);

const littleTextPerVariableRule = defineRule(
  'little-text-per-variable',
  'The body has {count} variables and {letters} letters and digits of its own; Meta may reject it for too many variables. Aim for at least {minimum} letters.',
  (ctx, parsed, report) => {
    const density = bodyDensity(ctx.content.body, parsed.body.placeholders);
    const { count, letters } = density;
    if (count === 0 || letters < count * LETTERS_PER_VARIABLE.error || letters >= density.minimum) return [];
    return [report({ severity: 'warning', component: 'body', params: density })];
  },
);

interface Use {
  variable: TemplateVariable;
  component: ContentComponent;
  buttonIndex: number | undefined;
  placeholder: Placeholder;
  inUrlOnly: boolean;
}

/** Each declared variable used in the content, located at its first use. */
function declaredUses(variables: TemplateVariable[], parts: ParsedPart[]): Use[] {
  const uses = new Map<string, Use>();
  for (const part of parts) {
    for (const placeholder of part.parsed.placeholders) {
      const variable = variables.find((candidate) => candidate.name === placeholder.name);
      if (!variable) continue;
      const existing = uses.get(variable.name);
      if (existing) {
        if (part.field === 'text') existing.inUrlOnly = false;
        continue;
      }
      uses.set(variable.name, {
        variable,
        component: part.component,
        buttonIndex: part.buttonIndex,
        placeholder,
        inUrlOnly: part.field === 'url',
      });
    }
  }
  return [...uses.values()];
}

function located(use: Use) {
  return {
    component: use.component,
    buttonIndex: use.buttonIndex,
    line: use.placeholder.line,
    column: use.placeholder.column,
  };
}

const variableExampleRequiredRule = defineRule(
  'variable-example-required',
  'Variable {name} has no example value; providers require one for every variable.',
  (ctx, parsed, report) =>
    declaredUses(ctx.variables, parsedParts(parsed))
      .filter((use) => use.variable.example.trim() === '')
      .map((use) => report({ ...located(use), severity: 'error', params: { name: use.variable.name } })),
);

const variableExampleCharactersRule = defineRule(
  'variable-example-characters',
  'The example of variable {name} contains {characters}; Meta rejects #, $ and % in parameters.',
  (ctx, parsed, report) =>
    declaredUses(ctx.variables, parsedParts(parsed)).flatMap((use) => {
      // URL suffixes are percent-encoded by design; the rule is about text parameters.
      if (use.inUrlOnly) return [];
      const characters = [...new Set(use.variable.example.match(/[#$%]/g) ?? [])];
      if (!characters.length) return [];
      return [
        report({
          ...located(use),
          severity: 'error',
          params: { name: use.variable.name, characters: characters.join(' ') },
        }),
      ];
    }),
);

const variableExampleFormatRule = defineRule(
  'variable-example-format',
  'The example of variable {name} contains a line break, a tab or more than 4 spaces in a row; parameter values cannot.',
  (ctx, parsed, report) =>
    declaredUses(ctx.variables, parsedParts(parsed))
      .filter(({ variable: { example } }) => !isSendableValue(example))
      .map((use) => report({ ...located(use), severity: 'error', params: { name: use.variable.name } })),
);

const authenticationVariableLengthRule = defineRule(
  'authentication-variable-length',
  'In an authentication template a parameter may have at most {limit} characters; the example of {name} has {length}.',
  (ctx, parsed, report) => {
    if (ctx.category !== 'authentication') return [];
    return declaredUses(ctx.variables, parsedParts(parsed)).flatMap((use) => {
      const length = characterCount(use.variable.example);
      if (length <= AUTHENTICATION_VARIABLE_LIMIT) return [];
      return [
        report({
          ...located(use),
          severity: 'error',
          params: { name: use.variable.name, length, limit: AUTHENTICATION_VARIABLE_LIMIT },
        }),
      ];
    });
  },
);

const strayBracesRule = defineRule(
  'stray-braces',
  'A stray {character} stands outside any variable; Meta rejects mismatched braces.',
  (ctx, parsed, report) =>
    parsedParts(parsed)
      // A text that does not parse is reported by the syntax rule already.
      .filter((part) => part.parsed.issues.length === 0)
      .flatMap((part) => {
        const text = sourceText(ctx.content, part);
        const { placeholders } = part.parsed;
        for (const [index, segment] of literalSegments(text, placeholders).entries()) {
          const found = /[{}]/.exec(segment);
          if (!found) continue;
          const start = index === 0 ? 0 : (placeholders[index - 1]?.end ?? 0);
          return [
            report({
              component: part.component,
              buttonIndex: part.buttonIndex,
              ...position(text, start + found.index),
              severity: 'error',
              params: { character: found[0] },
            }),
          ];
        }
        return [];
      }),
);

export const variableRules: DefinedRule[] = [
  strayBracesRule,
  variableAtStartRule,
  variableAtEndRule,
  variableNearEdgeRule,
  adjacentVariablesRule,
  tooManyVariablesRule,
  littleTextPerVariableRule,
  variableExampleRequiredRule,
  variableExampleCharactersRule,
  variableExampleFormatRule,
  authenticationVariableLengthRule,
];
