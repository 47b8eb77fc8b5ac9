import Handlebars from 'handlebars';

/** Variable names: lower-case letters, digits and `_`, starting with a letter, at most 64 characters. */
export const VARIABLE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Names that would reach Object.prototype or a Handlebars built-in helper if they were ever looked up.
 * Several of them also match VARIABLE_NAME_PATTERN, so they are refused by name.
 */
export const FORBIDDEN_VARIABLE_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
  'if',
  'unless',
  'each',
  'with',
  'log',
  'lookup',
  'helperMissing',
  'blockHelperMissing',
]);

export const SYNTAX_CONSTRUCTS = [
  'parse-error',
  'block',
  'raw-block',
  'partial',
  'decorator',
  'comment',
  'triple-brace',
  'literal',
  'data-variable',
  'path-parent',
  'path-this',
  'dotted-path',
  'sub-expression',
  'helper-params',
  'hash',
  'forbidden-name',
  'invalid-name',
  'whitespace-control',
  'spacing',
  'bracket-segment',
  'unsupported',
] as const;
export type SyntaxConstruct = (typeof SYNTAX_CONSTRUCTS)[number];

const CONSTRUCT_DESCRIPTIONS: Record<SyntaxConstruct, string> = {
  'parse-error': 'The text could not be parsed',
  block: 'Blocks ({{#…}} … {{/…}}) are not allowed',
  'raw-block': 'Raw blocks ({{{{…}}}}) are not allowed',
  partial: 'Partials ({{> …}}) are not allowed',
  decorator: 'Decorators ({{* …}}) are not allowed',
  comment: 'Comments ({{! …}}) are not allowed',
  'triple-brace': 'Unescaped output ({{{…}}} or {{&…}}) is not allowed',
  literal: 'Literal values inside braces are not allowed',
  'data-variable': 'Data variables (@…) are not allowed',
  'path-parent': 'Parent paths (../) are not allowed',
  'path-this': 'this and ./ paths are not allowed',
  'dotted-path': 'Dotted or nested paths are not allowed',
  'sub-expression': 'Sub-expressions ((…)) are not allowed',
  'helper-params': 'Helpers with parameters are not allowed',
  hash: 'Hash arguments (key=value) are not allowed',
  'forbidden-name': 'This variable name is reserved',
  'invalid-name':
    'Variable names use lower-case letters, digits and _, start with a letter and have at most 64 characters',
  'whitespace-control': 'Whitespace control (~) is not allowed',
  spacing: 'Write variables without spaces inside the braces',
  'bracket-segment': 'Bracketed names ([…]) are not allowed',
  unsupported: 'This construct is not allowed',
};

export interface SyntaxIssue {
  message: string;
  line: number;
  /** 1-based. */
  column: number;
  construct: SyntaxConstruct;
}

/** One accepted `{{name}}` occurrence; offsets index the original text (end exclusive). */
export interface Placeholder {
  name: string;
  line: number;
  column: number;
  start: number;
  end: number;
}

export interface ParsedTemplate {
  /** Unique, in order of first appearance. */
  variables: string[];
  placeholders: Placeholder[];
  issues: SyntaxIssue[];
}

interface LineIndex {
  /** Offset of the first character of each line; index 0 is line 1. */
  starts: number[];
}

// Same line breaks as the Handlebars lexer: \r\n, \r or \n.
function indexLines(text: string): LineIndex {
  const starts = [0];
  const breaks = /\r\n?|\n/g;
  for (let match = breaks.exec(text); match !== null; match = breaks.exec(text)) {
    starts.push(match.index + match[0].length);
  }
  return { starts };
}

function offsetOf(lines: LineIndex, line: number, column0: number): number {
  const start = lines.starts[line - 1];
  return start === undefined ? Number.POSITIVE_INFINITY : start + column0;
}

function lineOfOffset(lines: LineIndex, offset: number): number {
  let low = 0;
  let high = lines.starts.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if ((lines.starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

function positionOfOffset(lines: LineIndex, offset: number): { line: number; column: number } {
  const line = lineOfOffset(lines, offset);
  return { line, column: offset - (lines.starts[line - 1] ?? 0) + 1 };
}

interface WalkState {
  text: string;
  lines: LineIndex;
  issues: SyntaxIssue[];
  placeholders: Placeholder[];
}

function addIssue(state: WalkState, construct: SyntaxConstruct, node: hbs.AST.Node): void {
  state.issues.push({
    construct,
    message: CONSTRUCT_DESCRIPTIONS[construct],
    line: node.loc.start.line,
    column: node.loc.start.column + 1,
  });
}

function sourceOf(state: WalkState, node: hbs.AST.Node): string {
  const start = offsetOf(state.lines, node.loc.start.line, node.loc.start.column);
  const end = offsetOf(state.lines, node.loc.end.line, node.loc.end.column);
  return state.text.slice(start, end);
}

function isMustache(node: hbs.AST.Node): node is hbs.AST.MustacheStatement {
  return node.type === 'MustacheStatement';
}

function isBlock(node: hbs.AST.Node): node is hbs.AST.BlockStatement {
  return node.type === 'BlockStatement' || node.type === 'DecoratorBlock';
}

function isPartialBlock(node: hbs.AST.Node): node is hbs.AST.PartialBlockStatement {
  return node.type === 'PartialBlockStatement';
}

function isPath(node: hbs.AST.Node): node is hbs.AST.PathExpression {
  return node.type === 'PathExpression';
}

function walkProgram(state: WalkState, program: hbs.AST.Program | undefined): void {
  if (!program) return;
  for (const node of program.body) visitStatement(state, node);
}

function visitStatement(state: WalkState, node: hbs.AST.Statement): void {
  if (node.type === 'ContentStatement') return;
  if (isMustache(node)) {
    visitMustache(state, node);
    return;
  }
  if (node.type === 'Decorator') {
    addIssue(state, 'decorator', node);
    return;
  }
  if (node.type === 'CommentStatement') {
    addIssue(state, 'comment', node);
    return;
  }
  if (node.type === 'PartialStatement') {
    addIssue(state, 'partial', node);
    return;
  }
  if (isPartialBlock(node)) {
    addIssue(state, 'partial', node);
    walkProgram(state, node.program);
    return;
  }
  const isDecoratorBlock = node.type === 'DecoratorBlock';
  if (isBlock(node)) {
    const construct = isDecoratorBlock
      ? 'decorator'
      : sourceOf(state, node).startsWith('{{{{')
        ? 'raw-block'
        : 'block';
    addIssue(state, construct, node);
    // Raw block bodies are plain content; other bodies may hold further issues worth reporting.
    walkProgram(state, node.program);
    walkProgram(state, node.inverse);
    return;
  }
  addIssue(state, 'unsupported', node);
}

function hasSubExpression(node: hbs.AST.MustacheStatement): boolean {
  const inParams = node.params.some((param) => param.type === 'SubExpression');
  const inHash = (node.hash?.pairs ?? []).some((pair) => pair.value.type === 'SubExpression');
  return inParams || inHash;
}

function mustacheConstruct(
  state: WalkState,
  node: hbs.AST.MustacheStatement,
): SyntaxConstruct | { name: string } {
  if (!node.escaped) return 'triple-brace';
  const path = node.path;
  if (!isPath(path)) return 'literal';
  const original = String(path.original);
  if (path.data || original.startsWith('@')) return 'data-variable';
  if (path.depth > 0 || original.includes('..')) return 'path-parent';
  if (original === 'this' || original === '.' || /^(this|\.)[./]/.test(original)) return 'path-this';
  if (path.parts.length !== 1) return 'dotted-path';
  if (hasSubExpression(node)) return 'sub-expression';
  if (node.params.length > 0) return 'helper-params';
  if (node.hash && node.hash.pairs.length > 0) return 'hash';
  const name = path.parts[0] ?? '';
  if (FORBIDDEN_VARIABLE_NAMES.has(name)) return 'forbidden-name';
  if (!VARIABLE_NAME_PATTERN.test(name)) return 'invalid-name';
  // Providers see the text as written, so only the exact `{{name}}` spelling is accepted.
  const source = sourceOf(state, node);
  if (source !== `{{${name}}}`) {
    if (source.includes('~')) return 'whitespace-control';
    if (/\s/.test(source)) return 'spacing';
    return 'bracket-segment';
  }
  return { name };
}

function visitMustache(state: WalkState, node: hbs.AST.MustacheStatement): void {
  const result = mustacheConstruct(state, node);
  if (typeof result === 'string') {
    addIssue(state, result, node);
    return;
  }
  const start = offsetOf(state.lines, node.loc.start.line, node.loc.start.column);
  state.placeholders.push({
    name: result.name,
    line: node.loc.start.line,
    column: node.loc.start.column + 1,
    start,
    end: start + result.name.length + 4,
  });
}

function numberProperty(value: unknown, key: string): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const property: unknown = Reflect.get(value, key);
  return typeof property === 'number' && Number.isFinite(property) ? property : undefined;
}

/**
 * Handlebars reports AST errors (e.g. a mismatched closing block) with lineNumber/column, but parser errors
 * only as text: "Parse error on line N:\n<up to 20 chars before><rest>\n----^". The text before the caret
 * has its newlines removed, so we map it back onto the source to recover the column.
 */
function parseErrorPosition(error: unknown, message: string, text: string, lines: LineIndex) {
  const lineNumber = numberProperty(error, 'lineNumber');
  const column = numberProperty(error, 'column');
  if (lineNumber !== undefined && column !== undefined) return { line: lineNumber, column: column + 1 };

  const parsed = /^Parse error on line (\d+):\n([^\n]*)\n(-*)\^/.exec(message);
  if (!parsed) {
    const lineOnly = /line (\d+)/.exec(message);
    return { line: lineOnly ? Number(lineOnly[1]) : 1, column: 1 };
  }
  const reportedLine = Number(parsed[1]);
  let before = (parsed[2] ?? '').slice(0, (parsed[3] ?? '').length);
  const truncated = before.startsWith('...');
  if (truncated) before = before.slice(3);

  const flatToOriginal: number[] = [];
  let flat = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') continue;
    flatToOriginal.push(i);
    flat += text[i];
  }
  const toOriginal = (flatIndex: number) => flatToOriginal[flatIndex] ?? text.length;

  let flatIndex = before.length;
  if (truncated) {
    flatIndex = -1;
    for (let at = flat.indexOf(before); at !== -1; at = flat.indexOf(before, at + 1)) {
      const candidate = at + before.length;
      if (lineOfOffset(lines, toOriginal(candidate)) > reportedLine) break;
      flatIndex = candidate;
    }
    if (flatIndex === -1) return { line: reportedLine, column: 1 };
  }
  return positionOfOffset(lines, toOriginal(flatIndex));
}

function parseErrorMessage(message: string): string {
  const lines = message.split('\n').filter((line) => line.trim() !== '');
  const last = lines.at(-1) ?? message;
  return message.startsWith('Parse error') ? `Parse error: ${last}` : last;
}

/** A placeholder exactly as accepted: `{{name}}`, not the start of `{{name}}}`. */
const PLAIN_PLACEHOLDER = /\{\{([a-z][a-z0-9_]{0,63})\}\}(?!\})/y;
/** Words the Handlebars lexer reads as something other than a name, even alone in braces. */
const HANDLEBARS_KEYWORDS: ReadonlySet<string> = new Set([
  'this',
  'true',
  'false',
  'null',
  'undefined',
  'else',
]);

/**
 * Handlebars' generated parser copies its whole stack on every reduction, so its time grows with
 * the square of the statements it holds: 8,000 characters of `{{^a}}` took ~180 ms. Beyond this
 * many mustaches only the first construct that is not a plain variable is diagnosed.
 */
export const MAX_DIAGNOSED_MUSTACHES = 64;

interface PlainScan {
  placeholders: Placeholder[];
  /** Offset of the first `{{` that does not open a plain `{{name}}`, or -1. */
  firstOther: number;
  mustaches: number;
}

/** One linear pass over the `{{` openers, reading plain `{{name}}` placeholders without Handlebars. */
function scanPlain(text: string, lines: LineIndex): PlainScan {
  const placeholders: Placeholder[] = [];
  let firstOther = -1;
  let mustaches = 0;
  for (let at = text.indexOf('{{'); at !== -1; ) {
    mustaches++;
    PLAIN_PLACEHOLDER.lastIndex = at;
    const match = text[at - 1] === '\\' ? null : PLAIN_PLACEHOLDER.exec(text);
    const name = match?.[1];
    if (!match || name === undefined || FORBIDDEN_VARIABLE_NAMES.has(name) || HANDLEBARS_KEYWORDS.has(name)) {
      if (firstOther === -1) firstOther = at;
      at = text.indexOf('{{', at + 2);
      continue;
    }
    placeholders.push({ name, ...positionOfOffset(lines, at), start: at, end: at + match[0].length });
    at = text.indexOf('{{', at + match[0].length);
  }
  return { placeholders, firstOther, mustaches };
}

const OPENER_CONSTRUCTS: Array<[RegExp, SyntaxConstruct]> = [
  [/^\{\{\{\{/, 'raw-block'],
  [/^\{\{~/, 'whitespace-control'],
  [/^\{\{[{&]/, 'triple-brace'],
  [/^\{\{!/, 'comment'],
  [/^\{\{#?>/, 'partial'],
  [/^\{\{#?\*/, 'decorator'],
  [/^\{\{([#^/]|else\b)/, 'block'],
];

/** The first non-plain construct of a text with too many mustaches to hand whole to Handlebars. */
function diagnoseFirst(text: string, lines: LineIndex, at: number): SyntaxIssue {
  const position = positionOfOffset(lines, at);
  const opener = text.slice(at, at + 8);
  const known = OPENER_CONSTRUCTS.find(([pattern]) => pattern.test(opener));
  if (known) return { construct: known[1], message: CONSTRUCT_DESCRIPTIONS[known[1]], ...position };
  const close = text.indexOf('}}', at + 2);
  const token = text.slice(at, close === -1 ? text.length : close + 2);
  const [issue] = parseWithHandlebars(token, indexLines(token)).issues;
  const construct = issue?.construct ?? 'unsupported';
  return { construct, message: issue?.message ?? CONSTRUCT_DESCRIPTIONS[construct], ...position };
}

export function parseTemplateText(text: string): ParsedTemplate {
  const lines = indexLines(text);
  const scan = scanPlain(text, lines);
  if (scan.firstOther === -1 || scan.mustaches > MAX_DIAGNOSED_MUSTACHES) {
    const issues = scan.firstOther === -1 ? [] : [diagnoseFirst(text, lines, scan.firstOther)];
    const variables = [...new Set(scan.placeholders.map((placeholder) => placeholder.name))];
    return { variables, placeholders: scan.placeholders, issues };
  }
  return parseWithHandlebars(text, lines);
}

function parseWithHandlebars(text: string, lines: LineIndex): ParsedTemplate {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parseWithoutProcessing(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = parseErrorPosition(error, message, text, lines);
    return {
      variables: [],
      placeholders: [],
      issues: [{ construct: 'parse-error', message: parseErrorMessage(message), ...position }],
    };
  }
  const state: WalkState = { text, lines, issues: [], placeholders: [] };
  walkProgram(state, program);
  const variables = [...new Set(state.placeholders.map((placeholder) => placeholder.name))];
  return { variables, placeholders: state.placeholders, issues: state.issues };
}
