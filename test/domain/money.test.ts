import { describe, expect, it } from 'vitest';
import { normalisePrice, PRICE_PATTERN, priceDifference, priceTimes } from '../../src/domain/money.ts';

describe('decimal prices', () => {
  it('spells a price in its shortest form', () => {
    expect(normalisePrice('0.010900')).toBe('0.0109');
    expect(normalisePrice('5.000')).toBe('5');
    expect(normalisePrice('0')).toBe('0');
    expect(normalisePrice('12.5')).toBe('12.5');
  });

  it('subtracts exactly, with a sign, where a float would not (0.0802 − 0.04)', () => {
    expect(0.0802 - 0.04).not.toBe(0.0402);
    expect(priceDifference('0.04', '0.0802')).toBe('0.0402');
    expect(priceDifference('0.0802', '0.04')).toBe('-0.0402');
    expect(priceDifference('0.0053', '0.0053')).toBe('0');
  });

  it('multiplies by a count exactly: the Turkish utility → marketing change per 1,000 sends', () => {
    expect(priceTimes(priceDifference('0.0053', '0.0109'), 1000)).toBe('5.6');
    expect(priceTimes('-0.000001', 1000)).toBe('-0.001');
    expect(priceTimes('0.1', 3)).toBe('0.3');
  });

  it('refuses what is not a decimal price', () => {
    expect(() => priceDifference('1e-3', '1')).toThrow(RangeError);
    expect(() => normalisePrice('0.0000001')).toThrow(RangeError);
    expect(() => priceTimes('1', 1.5)).toThrow(RangeError);
  });

  it('accepts only unsigned prices of at most 6 + 6 digits at the boundary', () => {
    for (const ok of ['0', '0.0109', '123456.123456']) expect(PRICE_PATTERN.test(ok)).toBe(true);
    for (const bad of ['-1', '1.', '.5', '1e3', '1234567', '0.1234567', ' 1'])
      expect(PRICE_PATTERN.test(bad)).toBe(false);
  });
});
