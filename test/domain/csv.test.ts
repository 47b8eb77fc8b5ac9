import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/domain/csv.ts';

describe('toCsv', () => {
  it('writes a header and rows with CRLF line ends; null is an empty field', () => {
    expect(
      toCsv(
        ['market', 'rate', 'outlier'],
        [
          ['TR', 0.75, true],
          ['PL', null, false],
        ],
      ),
    ).toBe('market,rate,outlier\r\nTR,0.75,true\r\nPL,,false\r\n');
  });

  it('quotes fields with commas, quotes and line breaks, doubling quotes', () => {
    expect(toCsv(['reason'], [['a, b'], ['say "no"'], ['two\nlines']])).toBe(
      'reason\r\n"a, b"\r\n"say ""no"""\r\n"two\nlines"\r\n',
    );
  });

  it('defuses text a spreadsheet would run as a formula, but not negative numbers', () => {
    expect(toCsv(['x'], [['=HYPERLINK("x")'], ['@SUM(A1)'], ['+1'], ['-0.0402'], [-2]])).toBe(
      `x\r\n"'=HYPERLINK(""x"")"\r\n'@SUM(A1)\r\n'+1\r\n-0.0402\r\n-2\r\n`,
    );
  });
});
