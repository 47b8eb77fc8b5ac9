import { describe, expect, it } from 'vitest';
import { parseTemplateText, type SyntaxConstruct } from '../../src/domain/template-syntax.ts';

function constructsOf(text: string): SyntaxConstruct[] {
  return parseTemplateText(text).issues.map((issue) => issue.construct);
}

describe('parseTemplateText', () => {
  it('accepts literal text with plain named variables and lists them once, in order of appearance', () => {
    const parsed = parseTemplateText(
      'Hello {{student_name}}, your lesson moved to {{lesson_at}}. Bye {{student_name}}',
    );
    expect(parsed.issues).toEqual([]);
    expect(parsed.variables).toEqual(['student_name', 'lesson_at']);
    expect(parsed.placeholders.map((p) => [p.name, p.line, p.column])).toEqual([
      ['student_name', 1, 7],
      ['lesson_at', 1, 46],
      ['student_name', 1, 65],
    ]);
  });

  it('accepts text without any variable, including lone braces', () => {
    expect(parseTemplateText('Price: {5} }} done')).toEqual({ variables: [], placeholders: [], issues: [] });
  });

  it('accepts Cyrillic and Turkish text and names with digits and underscores', () => {
    const parsed = parseTemplateText(
      'Здравствуйте, {{first_name}}! Dersiniz {{lesson_2}} saatinde. İyi günler.',
    );
    expect(parsed.issues).toEqual([]);
    expect(parsed.variables).toEqual(['first_name', 'lesson_2']);
  });

  it('records placeholder offsets that slice back to the exact {{name}} text', () => {
    const text = 'Ваш код:\r\n{{code}} — ок';
    const [placeholder] = parseTemplateText(text).placeholders;
    expect(placeholder).toMatchObject({ name: 'code', line: 2, column: 1 });
    expect(text.slice(placeholder?.start, placeholder?.end)).toBe('{{code}}');
  });

  it('treats an escaped \\{{x}} as literal text', () => {
    expect(parseTemplateText('\\{{x}}')).toEqual({ variables: [], placeholders: [], issues: [] });
  });

  it.each<[string, string, SyntaxConstruct]>([
    ['an if block', '{{#if x}}yes{{/if}}', 'block'],
    ['an if/else block', '{{#if x}}a{{else}}b{{/if}}', 'block'],
    ['an inverse block', '{{^x}}none{{/x}}', 'block'],
    ['a block with block params', '{{#each items as |item|}}{{/each}}', 'block'],
    ['a partial', '{{> footer}}', 'partial'],
    ['a partial block', '{{#> layout}}x{{/layout}}', 'partial'],
    ['a short comment', '{{! note }}', 'comment'],
    ['a long comment', '{{!-- note --}}', 'comment'],
    ['triple braces', '{{{x}}}', 'triple-brace'],
    ['the & unescape', '{{&x}}', 'triple-brace'],
    ['a helper with params', '{{lookup a b}}', 'helper-params'],
    ['a hash argument', '{{x a=1}}', 'hash'],
    ['this', '{{this}}', 'path-this'],
    ['the dot path', '{{.}}', 'path-this'],
    ['this.x', '{{this.x}}', 'path-this'],
    ['./x', '{{./x}}', 'path-this'],
    ['../x', '{{../x}}', 'path-parent'],
    ['@root', '{{@root}}', 'data-variable'],
    ['@index', '{{@index}}', 'data-variable'],
    ['a dotted path', '{{a.b}}', 'dotted-path'],
    ['a slash path', '{{a/b}}', 'dotted-path'],
    ['a string literal', '{{"lit"}}', 'literal'],
    ['a number literal', '{{1}}', 'literal'],
    ['a boolean literal', '{{true}}', 'literal'],
    ['a sub-expression argument', '{{x (sub y)}}', 'sub-expression'],
    ['a raw block', '{{{{raw}}}} {{x}} {{{{/raw}}}}', 'raw-block'],
    ['a decorator', '{{* d}}', 'decorator'],
    ['a decorator block', '{{#* inline "p"}}x{{/inline}}', 'decorator'],
    ['__proto__', '{{__proto__}}', 'forbidden-name'],
    ['constructor', '{{constructor}}', 'forbidden-name'],
    ['prototype', '{{prototype}}', 'forbidden-name'],
    ['__defineGetter__', '{{__defineGetter__}}', 'forbidden-name'],
    ['a built-in helper name', '{{log}}', 'forbidden-name'],
    ['an upper-case name', '{{Name}}', 'invalid-name'],
    ['a name starting with a digit', '{{1a}}', 'invalid-name'],
    ['a name over 64 characters', `{{a${'b'.repeat(64)}}}`, 'invalid-name'],
    ['whitespace control', '{{~x~}}', 'whitespace-control'],
    ['spaces inside the braces', '{{ x }}', 'spacing'],
    ['a bracketed name', '{{[x]}}', 'bracket-segment'],
    ['an unclosed mustache', '{{x', 'parse-error'],
    ['a sub-expression in place of a name', '{{(sub x)}}', 'parse-error'],
    ['a stray else', '{{else}}', 'parse-error'],
    ['an unclosed block', '{{#if x}}', 'parse-error'],
  ])('rejects %s', (_label, text, construct) => {
    const parsed = parseTemplateText(text);
    expect(parsed.issues.map((issue) => issue.construct)).toContain(construct);
    expect(parsed.variables).toEqual([]);
  });

  it('accepts a name of exactly 64 characters', () => {
    const name = `a${'b'.repeat(63)}`;
    expect(parseTemplateText(`{{${name}}}`).variables).toEqual([name]);
  });

  it('reports each rejected construct with its 1-based line and column', () => {
    const text = 'Hi {{name}},\n  see {{> footer}}\n{{! c }} and {{{raw}}}';
    expect(
      parseTemplateText(text).issues.map(({ construct, line, column }) => ({ construct, line, column })),
    ).toEqual([
      { construct: 'partial', line: 2, column: 7 },
      { construct: 'comment', line: 3, column: 1 },
      { construct: 'triple-brace', line: 3, column: 14 },
    ]);
  });

  it('keeps the valid variables found next to rejected constructs', () => {
    const parsed = parseTemplateText('{{#if flag}}{{name}}{{/if}} {{city}}');
    expect(parsed.variables).toEqual(['name', 'city']);
    expect(constructsOf('{{#if flag}}{{name}}{{/if}} {{city}}')).toEqual(['block']);
  });

  it('reports nested forbidden constructs inside a block as well as the block', () => {
    expect(constructsOf('{{#if x}}{{this}}{{/if}}')).toEqual(['block', 'path-this']);
  });

  it('reports a parse error as one issue with the line and column of the offending token', () => {
    const parsed = parseTemplateText('Dear {{name}},\n  your lesson is {{at');
    expect(parsed.issues).toHaveLength(1);
    expect(parsed.issues[0]).toMatchObject({ construct: 'parse-error', line: 2, column: 20 });
    expect(parsed.issues[0]?.message).toMatch(/^Parse error/);
  });

  it('finds the parse error column even when the error context is truncated', () => {
    const text = `${'a'.repeat(37)}\n${'b'.repeat(42)} {{x y=}}`;
    expect(parseTemplateText(text).issues[0]).toMatchObject({
      construct: 'parse-error',
      line: 2,
      column: 50,
    });
  });

  it('counts \\r\\n as one line break in positions', () => {
    expect(parseTemplateText('x\r\ny {{x').issues[0]).toMatchObject({ line: 2, column: 5 });
  });

  it('reports a mismatched closing block at the opening block name', () => {
    expect(parseTemplateText('ab\n{{#if x}}\n{{/each}}').issues[0]).toMatchObject({
      construct: 'parse-error',
      line: 2,
      column: 4,
    });
  });
});
