import type { CsvValue } from '../../domain/csv.ts';
import type { AnalyticsDimension, GroupValues, RateReport } from '../../domain/rejection-rates.ts';
import type { TimeRow } from './analytics.service.ts';

/** The rows of a report as a CSV table: the grouping columns, then the measures. The API and the console share it. */
export interface CsvTable {
  header: string[];
  rows: CsvValue[][];
}

const cells = (values: GroupValues, dimensions: AnalyticsDimension[]) =>
  dimensions.map((dimension) => values[dimension] ?? null);

export function rejectionRatesCsv(report: RateReport, dimensions: AnalyticsDimension[]): CsvTable {
  return {
    header: [...dimensions, 'decided', 'approved', 'rejected', 'rate', 'outlier'],
    rows: report.items.map((row) => [
      ...cells(row.values, dimensions),
      row.decided,
      row.approved,
      row.rejected,
      row.rate,
      row.outlier,
    ]),
  };
}

export function approvalTimesCsv(items: TimeRow[], dimensions: AnalyticsDimension[]): CsvTable {
  return {
    header: [...dimensions, 'decided', 'approved', 'rejected', 'medianHours', 'p90Hours'],
    rows: items.map((row) => [
      ...cells(row.values, dimensions),
      row.decided,
      row.approved,
      row.rejected,
      row.medianHours,
      row.p90Hours,
    ]),
  };
}
