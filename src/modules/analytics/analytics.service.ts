import { and, desc, eq, inArray, isNotNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { events, templates, versions } from '../../../db/schema/index.ts';
import type { ServiceContext } from '../../context.ts';
import type { TemplateCategory } from '../../domain/content.ts';
import type { VersionStatus } from '../../domain/lifecycle.ts';
import {
  type AnalyticsDimension,
  compareValues,
  type DecisionCount,
  type GroupValues,
  type RateReport,
  rejectionRates,
} from '../../domain/rejection-rates.ts';
import { decodeIntegerCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import type { EventRow } from '../status-events/status-events.service.ts';
import type { Period } from './analytics.schemas.ts';

/** The states a provider reviews from: an approval out of these is a decision, not a reinstatement. */
const REVIEWED_FROM: VersionStatus[] = ['queued', 'pending', 'in_appeal'];

/** A provider's decision: an approval of a reviewed submission, or any rejection (late ones included). */
const isDecision = and(
  eq(events.effect, 'applied'),
  or(
    eq(events.toStatus, 'rejected'),
    and(eq(events.toStatus, 'approved'), inArray(events.fromStatus, REVIEWED_FROM)),
  ),
);

export interface ReportFilter {
  market?: string | undefined;
  language?: string | undefined;
  category?: TemplateCategory | undefined;
  provider?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface ReportQuery extends ReportFilter {
  groupBy: AnalyticsDimension[];
  period?: Period | undefined;
}

/** What a report is computed over: the variant's market and language columns and the decision time. */
interface Frame {
  market: SQL;
  language: SQL;
  at: SQL;
}

const eventFrame: Frame = {
  market: sql`${events.market}`,
  language: sql`${events.language}`,
  at: sql`${events.occurredAt}`,
};

/** The key's scope and the caller's filters, over a frame; the template and version are joined. */
function conditions(frame: Frame, principal: Principal, filter: ReportFilter): Array<SQL | undefined> {
  return [
    principal.markets ? inArray(frame.market, principal.markets) : undefined,
    principal.languages ? inArray(frame.language, principal.languages) : undefined,
    filter.market ? eq(frame.market, filter.market) : undefined,
    filter.language ? eq(frame.language, filter.language) : undefined,
    filter.category ? eq(templates.category, filter.category) : undefined,
    filter.provider ? eq(versions.provider, filter.provider) : undefined,
    filter.from ? sql`${frame.at} >= ${filter.from.toISOString()}::timestamptz` : undefined,
    filter.to ? sql`${frame.at} < ${filter.to.toISOString()}::timestamptz` : undefined,
  ];
}

/** The SQL of each grouping dimension; `period` is a literal from a closed list, so it is inlined. */
function dimensionSql(dimension: AnalyticsDimension, frame: Frame, period: Period | undefined): SQL {
  switch (dimension) {
    case 'market':
      return sql`${frame.market}`;
    case 'language':
      return sql`${frame.language}`;
    case 'category':
      return sql`${templates.category}`;
    case 'provider':
      return sql`${versions.provider}`;
    case 'reason':
      return sql`nullif(${events.reason}, 'NONE')`;
    case 'period':
      return sql`to_char(date_trunc('${sql.raw(period ?? 'day')}', ${frame.at} at time zone 'UTC'), 'YYYY-MM-DD')`;
  }
}

/** The columns grouped by, in order: the dimensions asked for, then the period when one is asked. */
export function groupColumns(query: ReportQuery): AnalyticsDimension[] {
  return query.period ? [...query.groupBy, 'period'] : query.groupBy;
}

function groupSelection(dimensions: AnalyticsDimension[], frame: Frame, period: Period | undefined) {
  return Object.fromEntries(
    dimensions.map((dimension) => [
      dimension,
      sql<string | null>`${dimensionSql(dimension, frame, period)}`.as(dimension),
    ]),
  );
}

/** `group by 1, 2, …`: the select list's own expressions, however many parameters they hold. */
const byPosition = (count: number) =>
  sql.raw(Array.from({ length: count }, (_, index) => index + 1).join(', ') || '()');

function valuesOf(row: Record<string, unknown>, dimensions: AnalyticsDimension[]): GroupValues {
  const values: GroupValues = {};
  for (const dimension of dimensions) values[dimension] = (row[dimension] as string | null) ?? null;
  return values;
}

/**
 * Rejection rates over the provider's decisions, grouped as asked: the database counts decisions
 * per group, outcome and reason; the domain folds them into rates.
 */
export async function rejectionReport(
  ctx: ServiceContext,
  principal: Principal,
  query: ReportQuery,
): Promise<RateReport> {
  const frame = eventFrame;
  // Reasons are always counted (the domain decides whether they form groups).
  const dimensions = groupColumns(query).filter((dimension) => dimension !== 'reason');
  const rows = await ctx.db
    .select({
      ...groupSelection(dimensions, frame, query.period),
      outcome: sql<
        'approved' | 'rejected'
      >`case when ${events.toStatus} = 'rejected' then 'rejected' else 'approved' end`.as('outcome'),
      reason: sql<
        string | null
      >`case when ${events.toStatus} = 'rejected' then nullif(${events.reason}, 'NONE') end`.as('reason'),
      count: sql<number>`count(*)::int`.mapWith(Number).as('count'),
    })
    .from(events)
    .innerJoin(versions, eq(versions.id, events.versionId))
    .innerJoin(templates, eq(templates.key, events.templateKey))
    .where(and(isDecision, ...conditions(frame, principal, query)))
    .groupBy(byPosition(dimensions.length + 2));
  const counts: DecisionCount[] = rows.map((row) => ({
    values: valuesOf(row, dimensions),
    outcome: row.outcome,
    reason: row.reason,
    count: row.count,
  }));
  return rejectionRates(counts, groupColumns(query));
}

export interface TimeRow {
  values: GroupValues;
  decided: number;
  approved: number;
  rejected: number;
  medianHours: number | null;
  p90Hours: number | null;
}

const round2 = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);

/**
 * Hours from submission (`submittedAt`, when Vetted handed the version to the provider) to the
 * provider's first decision, approved or rejected: count, median and 90th percentile per group,
 * and over everything.
 */
export async function approvalTimes(
  ctx: ServiceContext,
  principal: Principal,
  query: ReportQuery,
): Promise<{ totals: Omit<TimeRow, 'values' | 'approved' | 'rejected'>; items: TimeRow[] }> {
  const firstDecision = ctx.db
    .selectDistinctOn([events.versionId], {
      versionId: events.versionId,
      decidedAt: sql<Date>`${events.occurredAt}`.as('decided_at'),
      outcome: sql<string>`${events.toStatus}`.as('outcome'),
    })
    .from(events)
    .where(isDecision)
    .orderBy(events.versionId, events.occurredAt, events.id)
    .as('first_decision');
  const frame: Frame = {
    market: sql`${versions.market}`,
    language: sql`${versions.language}`,
    at: sql`${firstDecision.decidedAt}`,
  };
  const hours = sql`greatest(0, extract(epoch from (${firstDecision.decidedAt} - ${versions.submittedAt})) / 3600)::float8`;
  const measures = {
    decided: sql<number>`count(*)::int`.mapWith(Number).as('decided'),
    approved: sql<number>`(count(*) filter (where ${firstDecision.outcome} = 'approved'))::int`
      .mapWith(Number)
      .as('approved'),
    medianHours: sql<number | null>`percentile_cont(0.5) within group (order by ${hours})`
      .mapWith(Number)
      .as('median_hours'),
    p90Hours: sql<number | null>`percentile_cont(0.9) within group (order by ${hours})`
      .mapWith(Number)
      .as('p90_hours'),
  };
  const run = (dimensions: AnalyticsDimension[]) =>
    ctx.db
      .select({ ...groupSelection(dimensions, frame, query.period), ...measures })
      .from(firstDecision)
      .innerJoin(versions, eq(versions.id, firstDecision.versionId))
      .innerJoin(templates, eq(templates.key, versions.templateKey))
      .where(and(isNotNull(versions.submittedAt), ...conditions(frame, principal, query)))
      .groupBy(byPosition(dimensions.length));
  const dimensions = groupColumns(query);
  const [rows, [total]] = await Promise.all([run(dimensions), run([])]);
  const items = rows
    .map((row) => ({
      values: valuesOf(row, dimensions),
      decided: row.decided,
      approved: row.approved,
      rejected: row.decided - row.approved,
      medianHours: round2(row.medianHours),
      p90Hours: round2(row.p90Hours),
    }))
    .sort((a, b) => compareValues(a.values, b.values, dimensions));
  return {
    totals: {
      decided: total?.decided ?? 0,
      medianHours: round2(total?.medianHours ?? null),
      p90Hours: round2(total?.p90Hours ?? null),
    },
    items,
  };
}

export interface RejectionFilter extends ReportFilter {
  reason?: string | undefined;
}

/** Rejections (applied events to `rejected`), newest first, in the key's scope. */
export async function listRejections(
  ctx: ServiceContext,
  principal: Principal,
  filter: RejectionFilter,
  limit: number,
  cursor: string | undefined,
): Promise<Page<{ event: EventRow; category: string; provider: string | null }>> {
  const before = cursor ? decodeIntegerCursor(cursor, Number.MAX_SAFE_INTEGER) : undefined;
  const frame = eventFrame;
  const rows = await ctx.db
    .select({ event: events, category: templates.category, provider: versions.provider })
    .from(events)
    .innerJoin(versions, eq(versions.id, events.versionId))
    .innerJoin(templates, eq(templates.key, events.templateKey))
    .where(
      and(
        eq(events.effect, 'applied'),
        eq(events.toStatus, 'rejected'),
        filter.reason ? eq(events.reason, filter.reason) : undefined,
        before !== undefined ? lt(events.id, before) : undefined,
        ...conditions(frame, principal, filter),
      ),
    )
    .orderBy(desc(events.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(String(last.event.id)) : null };
}
