import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { events, templates, versions } from '../../../db/schema/index.ts';
import type { ServiceContext } from '../../context.ts';
import type { VersionStatus } from '../../domain/lifecycle.ts';
import { hasErrors } from '../../domain/lint.ts';
import { AppError } from '../../errors.ts';
import { inScope, type Principal } from '../../http/principal.ts';
import { missingProviderSettings } from '../../providers/provider-config.ts';
import { getMarket, listMarkets, type MarketRow } from '../markets/markets.service.ts';
import type { VersionRow } from '../status-events/status-events.service.ts';
import type { TemplateRow } from '../templates/templates.service.ts';
import { withFreshLint } from '../versions/version-lint.service.ts';
import { submitVersion } from '../versions/versions.service.ts';

/** One template in one market language: its newest version and the version served (newest approved). */
interface Cell {
  template: TemplateRow;
  market: string;
  language: string;
  newest: VersionRow | null;
  served: number | null;
}

const activeTemplates = (ctx: ServiceContext) =>
  ctx.db.select().from(templates).where(eq(templates.archived, false)).orderBy(asc(templates.key));

/** Newest and newest approved version of every variant in `markets`, in two queries. */
async function loadCells(
  ctx: ServiceContext,
  marketRows: MarketRow[],
  principal: Principal,
): Promise<Cell[]> {
  const codes = marketRows.map((m) => m.code);
  if (codes.length === 0) return [];
  const variantOrder = [asc(versions.templateKey), asc(versions.market), asc(versions.language)] as const;
  const [templateRows, newestRows, servedRows] = await Promise.all([
    activeTemplates(ctx),
    ctx.db
      .selectDistinctOn([versions.templateKey, versions.market, versions.language])
      .from(versions)
      .where(inArray(versions.market, codes))
      .orderBy(...variantOrder, desc(versions.version)),
    ctx.db
      .selectDistinctOn([versions.templateKey, versions.market, versions.language], {
        templateKey: versions.templateKey,
        market: versions.market,
        language: versions.language,
        version: versions.version,
      })
      .from(versions)
      .where(and(inArray(versions.market, codes), eq(versions.status, 'approved')))
      .orderBy(...variantOrder, desc(versions.version)),
  ]);
  const key = (t: string, m: string, l: string) => `${t}\u0000${m}\u0000${l}`;
  const newest = new Map(newestRows.map((row) => [key(row.templateKey, row.market, row.language), row]));
  const served = new Map(
    servedRows.map((row) => [key(row.templateKey, row.market, row.language), row.version]),
  );
  const cells: Cell[] = [];
  for (const template of templateRows) {
    for (const market of marketRows) {
      for (const language of market.languages) {
        if (!inScope(principal, market.code, language)) continue;
        const k = key(template.key, market.code, language);
        cells.push({
          template,
          market: market.code,
          language,
          newest: newest.get(k) ?? null,
          served: served.get(k) ?? null,
        });
      }
    }
  }
  return cells;
}

export interface StatusFilter {
  market?: string | undefined;
  language?: string | undefined;
  status?: VersionStatus | 'missing' | undefined;
}

/** The translation matrix: template × market × language, the newest version's status and what is served. */
export async function localizationStatus(ctx: ServiceContext, principal: Principal, filter: StatusFilter) {
  const marketRows = (await listMarkets(ctx)).filter(
    (m) => inScope(principal, m.code) && (!filter.market || m.code === filter.market),
  );
  const cells = (await loadCells(ctx, marketRows, principal)).filter(
    (cell) => !filter.language || cell.language === filter.language,
  );
  const items = cells
    .map((cell) => ({
      template: cell.template.key,
      market: cell.market,
      language: cell.language,
      status: cell.newest?.status ?? ('missing' as const),
      version: cell.newest?.version ?? null,
      servedVersion: cell.served,
    }))
    .filter((item) => !filter.status || item.status === filter.status);
  const counts: Record<string, { total: number; served: number; byStatus: Record<string, number> }> = {};
  for (const item of items) {
    const entry = counts[item.language] ?? { total: 0, served: 0, byStatus: {} };
    counts[item.language] = entry;
    entry.total += 1;
    if (item.servedVersion !== null) entry.served += 1;
    entry.byStatus[item.status] = (entry.byStatus[item.status] ?? 0) + 1;
  }
  return { items, counts };
}

export const READINESS_STATES = [
  'missing',
  'untranslated',
  'lint-errors',
  'draft',
  'pending',
  'rejected',
  'stopped',
  'approved',
] as const;
export type ReadinessState = (typeof READINESS_STATES)[number];
export const READINESS_VERDICTS = ['ready-to-activate', 'not-ready', 'live', 'awaiting-approvals'] as const;
type ReadinessVerdict = (typeof READINESS_VERDICTS)[number];

/**
 * Where a variant stands on the way to being served; a served version wins over a newer draft. A
 * draft holding another language's text is untranslated before anything its lint says.
 */
function stateOf(cell: Cell, untranslated: ReadonlySet<string>): ReadinessState {
  if (cell.served !== null) return 'approved';
  const newest = cell.newest;
  if (!newest) return 'missing';
  switch (newest.status) {
    case 'draft':
      if (untranslated.has(newest.id)) return 'untranslated';
      return newest.lint && hasErrors(newest.lint.findings) ? 'lint-errors' : 'draft';
    case 'queued':
    case 'pending':
    case 'in_appeal':
    case 'submit_failed':
      return 'pending';
    case 'rejected':
      return 'rejected';
    default:
      return 'stopped';
  }
}

/** Newest drafts with their stored findings made fresh (recomputed once when stale, never per read). */
async function freshDrafts(ctx: ServiceContext, cells: Cell[]): Promise<Cell[]> {
  return Promise.all(
    cells.map(async (cell) => {
      if (cell.newest?.status !== 'draft') return cell;
      const [fresh] = await withFreshLint(ctx, [cell.newest], cell.template);
      return { ...cell, newest: fresh ?? cell.newest };
    }),
  );
}

const primaryLanguage = (language: string) => language.split(/[-_]/)[0]?.toLowerCase();

/**
 * Newest drafts whose content is exactly that of a version of the same template in another
 * language: the source pasted back untranslated (or an export's source fill imported as it was).
 * Regional variants of one language (es, es_MX) may share a text, so only primary languages count.
 */
async function untranslatedDrafts(ctx: ServiceContext, cells: Cell[]): Promise<Set<string>> {
  const drafts = cells.filter((cell) => cell.newest?.status === 'draft');
  if (drafts.length === 0) return new Set();
  const rows = await ctx.db
    .selectDistinct({
      templateKey: versions.templateKey,
      language: versions.language,
      contentHash: versions.contentHash,
    })
    .from(versions)
    .where(inArray(versions.templateKey, [...new Set(drafts.map((cell) => cell.template.key))]));
  const languages = new Map<string, Set<string | undefined>>();
  for (const row of rows) {
    const key = `${row.templateKey}\u0000${row.contentHash}`;
    languages.set(key, (languages.get(key) ?? new Set()).add(primaryLanguage(row.language)));
  }
  const found = new Set<string>();
  for (const { template, language, newest } of drafts) {
    if (!newest) continue;
    const sharing = languages.get(`${template.key}\u0000${newest.contentHash}`) ?? new Set();
    if ([...sharing].some((other) => other !== primaryLanguage(language))) found.add(newest.id);
  }
  return found;
}

/** The last rejection reason of each rejected newest version, keyed by version id. */
async function rejectionReasons(ctx: ServiceContext, cells: Cell[]) {
  const ids = cells
    .filter((c) => c.served === null && c.newest?.status === 'rejected')
    .map((c) => c.newest?.id ?? '');
  if (ids.length === 0) return new Map<string, { reason: string | null; reasonText: string | null }>();
  const rows = await ctx.db
    .selectDistinctOn([events.versionId], {
      versionId: events.versionId,
      reason: events.reason,
      reasonText: events.reasonText,
    })
    .from(events)
    .where(and(inArray(events.versionId, ids), eq(events.toStatus, 'rejected'), eq(events.effect, 'applied')))
    .orderBy(asc(events.versionId), desc(events.id));
  return new Map(rows.map((row) => [row.versionId, { reason: row.reason, reasonText: row.reasonText }]));
}

/**
 * How close a market is to going live. An upcoming market submits nothing, so it is ready to
 * activate when its provider account is configured and every template has a lint-clean draft (or
 * better) in every market language; an active market counts approvals.
 */
export async function marketReadiness(ctx: ServiceContext, principal: Principal, code: string) {
  if (!inScope(principal, code)) throw new AppError('unknown-market', { params: { market: code } });
  const market = await getMarket(ctx, code);
  const cells = await freshDrafts(ctx, await loadCells(ctx, [market], principal));
  const [reasons, untranslated] = await Promise.all([
    rejectionReasons(ctx, cells),
    untranslatedDrafts(ctx, cells),
  ]);
  const missingSettings = missingProviderSettings(ctx.config, market.providerKind, market.providerAccount);
  const counted: readonly ReadinessState[] =
    market.status === 'upcoming' ? ['draft', 'pending', 'approved'] : ['approved'];
  const items = cells.map((cell) => {
    const state = stateOf(cell, untranslated);
    const rejection = cell.newest && state === 'rejected' ? reasons.get(cell.newest.id) : undefined;
    return {
      template: cell.template.key,
      language: cell.language,
      state,
      ready: counted.includes(state),
      version: cell.newest?.version ?? null,
      servedVersion: cell.served,
      ...(rejection ? { rejection } : {}),
    };
  });
  const ready = items.filter((item) => item.ready).length;
  const complete = ready === items.length;
  const verdict: ReadinessVerdict =
    market.status === 'upcoming'
      ? complete && missingSettings.length === 0
        ? 'ready-to-activate'
        : 'not-ready'
      : complete
        ? 'live'
        : 'awaiting-approvals';
  return {
    market: market.code,
    status: market.status,
    provider: {
      kind: market.providerKind,
      account: market.providerAccount,
      configured: missingSettings.length === 0,
      missingSettings,
    },
    verdict,
    percent: items.length === 0 ? 100 : Math.floor((100 * ready) / items.length),
    ready,
    total: items.length,
    items,
  };
}

/**
 * Submits every lint-clean newest draft of an active market, each through the versions service's
 * own submit (its own transaction and audit entry), so one refusal never undoes the others.
 */
export async function submitMarketDrafts(
  ctx: ServiceContext,
  principal: Principal,
  code: string,
  actor: string,
) {
  if (!inScope(principal, code)) throw new AppError('unknown-market', { params: { market: code } });
  const market = await getMarket(ctx, code);
  if (market.status !== 'active') throw new AppError('market-upcoming', { params: { market: market.code } });
  const cells = await freshDrafts(ctx, await loadCells(ctx, [market], principal));
  const untranslated = await untranslatedDrafts(ctx, cells);
  const results = [];
  for (const cell of cells) {
    const newest = cell.newest;
    const variant = {
      template: cell.template.key,
      language: cell.language,
      version: newest?.version ?? null,
    };
    if (newest?.status !== 'draft') {
      results.push({ ...variant, outcome: 'skipped' as const, reason: newest ? newest.status : 'missing' });
      continue;
    }
    if (untranslated.has(newest.id)) {
      results.push({ ...variant, outcome: 'skipped' as const, reason: 'untranslated' });
      continue;
    }
    if (newest.lint && hasErrors(newest.lint.findings)) {
      results.push({ ...variant, outcome: 'skipped' as const, reason: 'lint-errors' });
      continue;
    }
    const ref = { templateKey: cell.template.key, market: market.code, language: cell.language };
    try {
      await submitVersion(ctx, ref, newest.version, actor);
      results.push({ ...variant, outcome: 'submitted' as const });
    } catch (error) {
      // Context rules (siblings, past rejections) are checked by submit itself; report, go on.
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      results.push({ ...variant, outcome: 'skipped' as const, reason: error.type });
    }
  }
  return {
    market: market.code,
    submitted: results.filter((r) => r.outcome === 'submitted').length,
    skipped: results.filter((r) => r.outcome === 'skipped').length,
    items: results,
  };
}
