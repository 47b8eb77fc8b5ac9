import { describe, expect, it } from 'vitest';
import { sendTimeValueProblems } from '../../src/domain/render.ts';
import { hiddenCharactersIn, unsafeCharacter } from '../../src/domain/text-safety.ts';

describe('unsafeCharacter', () => {
  it.each([
    ['NUL', 'a\u0000b', 'line', 'control'],
    ['NUL in a body', 'a\u0000b', 'text', 'control'],
    ['escape', 'a\u001bb', 'text', 'control'],
    ['DEL', 'a\u007fb', 'line', 'control'],
    ['NEL (a C1 control)', 'a\u0085b', 'text', 'control'],
    ['vertical tab in a body', 'a\u000bb', 'text', 'control'],
    ['a line feed in a one-line text', 'a\nb', 'line', 'control'],
    ['a tab in a name', 'a\tb', 'name', 'control'],
    ['a lone high surrogate', 'a\ud800b', 'text', 'malformed'],
    ['a lone low surrogate', '\udc00', 'name', 'malformed'],
    ['a right-to-left override in a name', 'a\u202eb', 'name', 'hidden'],
    ['a zero-width space in a name', 'a\u200bb', 'name', 'hidden'],
    ['a byte-order mark in a name', '\ufeffab', 'name', 'hidden'],
  ] as const)('refuses %s', (_what, text, kind, problem) => {
    expect(unsafeCharacter(text, kind)).toBe(problem);
  });

  it.each([
    ['line breaks and tabs in a body', 'Merhaba,\r\n\tdünya\n', 'text'],
    ['emoji (surrogate pairs) in a name', 'Team 🚀 Istanbul', 'name'],
    ['a bidi mark in a body (a lint warning, not a 422)', 'שלום\u200e 100', 'text'],
    ['no-break spaces in a one-line text', 'Ders\u00a0saat\u202f15:00', 'line'],
    ['Cyrillic, Turkish and Polish letters', 'Урок İstanbul Łódź', 'name'],
  ] as const)('accepts %s', (_what, text, kind) => {
    expect(unsafeCharacter(text, kind)).toBeUndefined();
  });
});

describe('hiddenCharactersIn', () => {
  it('names each hidden character with its index and code point', () => {
    expect(hiddenCharactersIn('a\u202eb\u2066c\u200bd')).toEqual([
      { index: 1, codePoint: 'U+202E' },
      { index: 3, codePoint: 'U+2066' },
      { index: 5, codePoint: 'U+200B' },
    ]);
  });

  it('leaves joiners inside emoji sequences with skin tones alone, and flags one between plain letters', () => {
    expect(hiddenCharactersIn('👩🏽‍💻 ❤️‍🔥')).toEqual([]);
    expect(hiddenCharactersIn('ab\u200dcd')).toEqual([{ index: 2, codePoint: 'U+200D' }]);
  });
});

describe('sendTimeValueProblems with Unicode spaces and line breaks', () => {
  it.each([
    ['five no-break spaces', 'a\u00a0\u00a0\u00a0\u00a0\u00a0b', 'spaces'],
    ['en, em and thin spaces mixed with ASCII ones', 'a \u2002\u2003\u2009 b', 'spaces'],
    [
      'a narrow no-break and a medium mathematical space among ideographic ones',
      'a\u3000\u202f\u205f\u3000\u1680b',
      'spaces',
    ],
    ['a line separator', 'a\u2028b', 'newline'],
    ['a paragraph separator', 'a\u2029b', 'newline'],
    ['NEL', 'a\u0085b', 'newline'],
    ['a form feed', 'a\u000cb', 'newline'],
    ['a lone carriage return', 'a\rb', 'newline'],
  ])('refuses %s', (_what, value, problem) => {
    expect(sendTimeValueProblems({ value })).toEqual([{ name: 'value', problem }]);
  });

  it('accepts four spaces of any kind in a row, and no-break spaces between words', () => {
    expect(sendTimeValueProblems({ a: 'x\u00a0\u3000 \u2003y', b: 'Ayşe\u00a0Yılmaz' })).toEqual([]);
  });
});
