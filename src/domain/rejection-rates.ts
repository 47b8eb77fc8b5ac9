/**
 * Rejection rates from counted decisions: a decision is a provider's approval of a reviewed
 * submission or any rejection, and a group's rate is rejected / decided. The database counts;
 * this folds the counts into rates and says which groups stand out.
 */

export const ANALYTICS_DIMENSIONS = [
  'market',
  'language',
  'category',
  'reason',
  'provider',
  'period',
] as const;
export type AnalyticsDimension = (typeof ANALYTICS_DIMENSIONS)[number];

export type GroupValues = Partial<Record<AnalyticsDimension, string | null>>;

/** One counted cell: decisions with these values, this outcome and (for rejections) this reason. */
export interface DecisionCount {
  values: GroupValues;
  outcome: 'approved' | 'rejected';
  reason: string | null;
  count: number;
}

export interface RateRow {
  values: GroupValues;
  decided: number;
  approved: number;
  rejected: number;
  rate: number;
  /** The group rejects at least OUTLIER_FACTOR times as often as everything else, over enough decisions. */
  outlier: boolean;
}

export interface RateReport {
  totals: { decided: number; approved: number; rejected: number; rate: number | null };
  items: RateRow[];
}

/** How much more often than the rest a group must be rejected to be flagged. */
export const OUTLIER_FACTOR = 2;
/** Fewer decisions than this say too little to flag a group. */
export const OUTLIER_MIN_DECISIONS = 5;

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

function isOutlier(group: Tally, all: Tally): boolean {
  if (group.decided < OUTLIER_MIN_DECISIONS || group.rejected === 0) return false;
  const othersDecided = all.decided - group.decided;
  if (othersDecided === 0) return false;
  const othersRate = (all.rejected - group.rejected) / othersDecided;
  return group.rejected / group.decided >= OUTLIER_FACTOR * othersRate;
}

interface Tally {
  values: GroupValues;
  decided: number;
  approved: number;
  rejected: number;
  reasons: Map<string | null, number>;
}

/**
 * Rates per group of `groupBy`. With `reason` among them, each group gives one row per rejection
 * reason, its rate taken over all of the group's decisions (a group never rejected gives one row
 * with no reason). Rows come in the order of their values, dimension by dimension.
 */
export function rejectionRates(counts: DecisionCount[], groupBy: readonly AnalyticsDimension[]): RateReport {
  const dimensions = groupBy.filter((dimension) => dimension !== 'reason');
  const byReason = groupBy.includes('reason');
  const groups = new Map<string, Tally>();
  const all: Tally = { values: {}, decided: 0, approved: 0, rejected: 0, reasons: new Map() };
  for (const count of counts) {
    const values: GroupValues = {};
    for (const dimension of dimensions) values[dimension] = count.values[dimension] ?? null;
    const id = JSON.stringify(dimensions.map((dimension) => values[dimension]));
    let group = groups.get(id);
    if (!group) {
      group = { values, decided: 0, approved: 0, rejected: 0, reasons: new Map() };
      groups.set(id, group);
    }
    for (const tally of [group, all]) {
      tally.decided += count.count;
      if (count.outcome === 'approved') tally.approved += count.count;
      else {
        tally.rejected += count.count;
        tally.reasons.set(count.reason, (tally.reasons.get(count.reason) ?? 0) + count.count);
      }
    }
  }

  const items: RateRow[] = [];
  for (const group of groups.values()) {
    const outlier = isOutlier(group, all);
    const row = (values: GroupValues, rejected: number): RateRow => ({
      values,
      decided: group.decided,
      approved: group.approved,
      rejected,
      rate: round4(rejected / group.decided),
      outlier,
    });
    if (!byReason) items.push(row(group.values, group.rejected));
    else if (group.reasons.size === 0) items.push(row({ ...group.values, reason: null }, 0));
    else for (const [reason, n] of group.reasons) items.push(row({ ...group.values, reason }, n));
  }
  items.sort((a, b) => compareValues(a.values, b.values, groupBy));
  return {
    totals: {
      decided: all.decided,
      approved: all.approved,
      rejected: all.rejected,
      rate: all.decided ? round4(all.rejected / all.decided) : null,
    },
    items,
  };
}

/** Dimension by dimension; a missing value (no reason) sorts last. */
export function compareValues(
  a: GroupValues,
  b: GroupValues,
  dimensions: readonly AnalyticsDimension[],
): number {
  for (const dimension of dimensions) {
    const x = a[dimension] ?? null;
    const y = b[dimension] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}
