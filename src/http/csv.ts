import type { Context } from 'hono';
import { type CsvValue, toCsv } from '../domain/csv.ts';
import { requestHeader } from './headers.ts';

/**
 * Whether a report is wanted as CSV: `format=csv` (or `json`) decides; else an Accept header that
 * names text/csv with a non-zero quality. Errors stay problem+json whatever was asked.
 */
export function wantsCsv(c: Context, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  const accept = requestHeader(c, 'accept') ?? '';
  return accept.split(',').some((part) => {
    const [type = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    return type === 'text/csv' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** A CSV download: UTF-8 with a byte order mark, so spreadsheets read non-Latin text right. */
export function csvResponse(
  c: Context,
  filename: string,
  header: readonly string[],
  rows: ReadonlyArray<readonly CsvValue[]>,
): Response {
  return c.body(`\uFEFF${toCsv(header, rows)}`, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
  });
}
