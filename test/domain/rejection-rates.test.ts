import { describe, expect, it } from 'vitest';
import { type DecisionCount, rejectionRates } from '../../src/domain/rejection-rates.ts';

const counts = (
  market: string,
  language: string,
  approved: number,
  rejected: Record<string, number>,
): DecisionCount[] => [
  { values: { market, language }, outcome: 'approved', reason: null, count: approved },
  ...Object.entries(rejected).map(([reason, count]) => ({
    values: { market, language },
    outcome: 'rejected' as const,
    reason,
    count,
  })),
];

// The story: TR/tr rejected 6 of 8, every other variant 1 of 8.
const story = [
  ...counts('TR', 'tr', 2, { TAG_CONTENT_MISMATCH: 4, INVALID_FORMAT: 2 }),
  ...counts('TR', 'en', 7, { INVALID_FORMAT: 1 }),
  ...counts('PL', 'pl', 7, { INVALID_FORMAT: 1 }),
  ...counts('RU', 'ru', 7, { PROMOTIONAL: 1 }),
];

describe('rejectionRates', () => {
  it('gives rejected / decided per group and flags the group rejected far more often than the rest', () => {
    const report = rejectionRates(story, ['market', 'language']);
    expect(report.totals).toEqual({ decided: 32, approved: 23, rejected: 9, rate: 0.2813 });
    expect(
      report.items.map((row) => [row.values.market, row.values.language, row.rate, row.outlier]),
    ).toEqual([
      ['PL', 'pl', 0.125, false],
      ['RU', 'ru', 0.125, false],
      ['TR', 'en', 0.125, false],
      ['TR', 'tr', 0.75, true],
    ]);
    expect(report.items[3]).toMatchObject({ decided: 8, approved: 2, rejected: 6 });
  });

  it('folds the dimensions not asked for: by market, TR is 7 of 16', () => {
    const report = rejectionRates(story, ['market']);
    expect(report.items.map((row) => [row.values, row.rejected, row.decided, row.rate])).toEqual([
      [{ market: 'PL' }, 1, 8, 0.125],
      [{ market: 'RU' }, 1, 8, 0.125],
      [{ market: 'TR' }, 7, 16, 0.4375],
    ]);
  });

  it('by reason: one row per reason, its rate over all of the group’s decisions', () => {
    const report = rejectionRates([...story, ...counts('ES', 'es', 5, {})], ['market', 'language', 'reason']);
    const rows = report.items.map((row) => [
      `${row.values.market}/${row.values.language}`,
      row.values.reason,
      row.rejected,
      row.decided,
      row.rate,
    ]);
    expect(rows).toEqual([
      ['ES/es', null, 0, 5, 0],
      ['PL/pl', 'INVALID_FORMAT', 1, 8, 0.125],
      ['RU/ru', 'PROMOTIONAL', 1, 8, 0.125],
      ['TR/en', 'INVALID_FORMAT', 1, 8, 0.125],
      ['TR/tr', 'INVALID_FORMAT', 2, 8, 0.25],
      ['TR/tr', 'TAG_CONTENT_MISMATCH', 4, 8, 0.5],
    ]);
  });

  it('flags nothing on too few decisions, nor a group that is all there is', () => {
    expect(rejectionRates(counts('TR', 'tr', 0, { PROMOTIONAL: 4 }), ['market']).items[0]?.outlier).toBe(
      false,
    );
    const few = [...counts('TR', 'tr', 1, { PROMOTIONAL: 3 }), ...counts('PL', 'pl', 20, { X: 1 })];
    expect(rejectionRates(few, ['market']).items.find((r) => r.values.market === 'TR')?.outlier).toBe(false);
    const enough = [...counts('TR', 'tr', 2, { PROMOTIONAL: 3 }), ...counts('PL', 'pl', 20, { X: 1 })];
    expect(rejectionRates(enough, ['market']).items.find((r) => r.values.market === 'TR')?.outlier).toBe(
      true,
    );
  });

  it('flags a group only at twice the rate of the rest, not merely above it', () => {
    const above = [...counts('TR', 'tr', 7, { PROMOTIONAL: 3 }), ...counts('PL', 'pl', 8, { X: 2 })];
    expect(rejectionRates(above, ['market']).items.map((row) => [row.values.market, row.outlier])).toEqual([
      ['PL', false],
      ['TR', false],
    ]);
    const twice = [...counts('TR', 'tr', 6, { PROMOTIONAL: 4 }), ...counts('PL', 'pl', 8, { X: 2 })];
    expect(rejectionRates(twice, ['market']).items.find((r) => r.values.market === 'TR')?.outlier).toBe(true);
  });

  it('reports no rate when nothing was decided', () => {
    expect(rejectionRates([], ['market'])).toEqual({
      totals: { decided: 0, approved: 0, rejected: 0, rate: null },
      items: [],
    });
  });
});
