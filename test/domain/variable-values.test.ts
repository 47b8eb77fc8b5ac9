import { describe, expect, it } from 'vitest';
import type { TemplateVariable } from '../../src/domain/content.ts';
import { createValueFormatter } from '../../src/domain/variable-values.ts';

const variables: TemplateVariable[] = [
  { name: 'amount', type: 'currency', example: '10' },
  { name: 'count', type: 'number', example: '3' },
  { name: 'path', type: 'url_suffix', example: 'A-1' },
  { name: 'name', type: 'text', example: 'Ayşe' },
];
const format = createValueFormatter(variables, {
  language: 'tr',
  timezone: 'Europe/Istanbul',
  currency: 'TRY',
});
const errorNames = (raw: Record<string, unknown>) => format(raw).errors.map((e) => e.name);

describe('numbers', () => {
  it.each([
    ['1e999', '1e999'],
    ['-1e999', '-1e999'],
    ['Infinity as a number', Number.POSITIVE_INFINITY],
    ['-Infinity as a number', Number.NEGATIVE_INFINITY],
    ['NaN as a number', Number.NaN],
    ['NaN as a string', 'NaN'],
    ['Infinity as a string', 'Infinity'],
  ])('refuses %s as currency and number', (_what, value) => {
    expect(errorNames({ amount: value, count: value })).toEqual(['amount', 'count']);
  });

  it('says why, as a code the HTTP layer writes in the caller’s language', () => {
    expect(format({ count: 'three', amount: '1e999', other: 1 }).errors).toEqual([
      { name: 'count', code: 'expected-number' },
      { name: 'amount', code: 'expected-finite-number' },
      { name: 'other', code: 'undeclared' },
    ]);
  });

  it('formats the largest finite numbers and a negative zero as 0', () => {
    const { values, errors } = format({ amount: -0, count: '1.7976931348623157e308' });
    expect(errors).toEqual([]);
    expect(values.amount).toBe('₺0,00');
    expect(values.count).not.toContain('∞');
  });
});

describe('url_suffix stays under the approved URL', () => {
  it.each([
    '..',
    '.',
    '../admin',
    'a/../../b',
    'a/./b',
    'a/..',
    '/..',
    '%2e%2e',
    '%2E%2E/admin',
    '%2e./admin',
    '.%2E/admin',
    'a/%2e%2e/%2e%2e/b',
    '%252e%252e/admin',
    '%25252e%25252e',
    '..%2fadmin',
    '..%2Fadmin',
    '..\\admin',
    'a\\b',
    'a%5cb',
    'a%5C..%5Cb',
    '%2e%2e/%zz',
    'ok\u0000',
  ])('refuses %j', (path) => {
    expect(errorNames({ path })).toEqual(['path']);
  });

  it.each([
    ['A-1042', 'A-1042'],
    ['2026/05/A..1', '2026/05/A..1'],
    ['.hidden-file', '.hidden-file'],
    ['a..b/c...', 'a..b/c...'],
    ['A 1042/ü', 'A%201042/%C3%BC'],
    ['100%', '100%25'],
    ['q?x=1#frag', 'q%3Fx%3D1%23frag'],
  ])('encodes %j as %j', (path, encoded) => {
    expect(format({ path })).toEqual({ values: { path: encoded }, errors: [] });
  });
});

describe('text', () => {
  it('refuses control characters other than the line breaks and tabs the send-time rules name', () => {
    expect(errorNames({ name: 'a\u0000b' })).toEqual(['name']);
    expect(errorNames({ name: 'a\u001bb' })).toEqual(['name']);
    expect(errorNames({ name: 'a\ud800b' })).toEqual(['name']);
    expect(format({ name: 'Ayşe\nYılmaz' }).errors).toEqual([]);
  });
});
