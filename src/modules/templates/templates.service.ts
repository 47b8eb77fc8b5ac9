import { and, asc, eq, exists, gt, ilike, inArray, not, or, type SQL, sql } from 'drizzle-orm';
import { markets, templates, versions } from '../../../db/schema/index.ts';
import { onCommit, type ServiceContext, withTransaction } from '../../context.ts';
import type { TemplateCategory, TemplateVariable } from '../../domain/content.ts';
import type { VersionStatus } from '../../domain/lifecycle.ts';
import { AppError } from '../../errors.ts';
import { assertEtagMatches, etagOf } from '../../http/etag.ts';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import { inScope, type Principal } from '../../http/principal.ts';
import { type AuditAction, recordAudit } from '../audit/audit.service.ts';

export type TemplateRow = typeof templates.$inferSelect;

export function toTemplateView(row: TemplateRow) {
  return {
    key: row.key,
    category: row.category,
    description: row.description,
    variables: row.variables,
    archived: row.archived,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const templateEtag = (row: TemplateRow) => etagOf(row.key, row.revision);

export async function createTemplate(
  ctx: ServiceContext,
  input: { key: string; category: TemplateCategory; description: string; variables: TemplateVariable[] },
  createdBy: string,
): Promise<TemplateRow> {
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(templates)
      .values({ ...input, createdBy })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new AppError('conflict', { params: { resource: input.key } });
    // A new template has no variant yet: it belongs to no market.
    await recordAudit(tx, {
      action: 'template.create',
      object: { type: 'template', id: row.key },
      markets: null,
      languages: null,
      before: null,
      after: toTemplateView(row),
    });
    await onCommit(tx, () => tx.changes.templateChanged(row));
    return row;
  });
}

export async function getTemplate(ctx: ServiceContext, key: string): Promise<TemplateRow> {
  const [row] = await ctx.db.select().from(templates).where(eq(templates.key, key));
  if (!row) throw new AppError('unknown-template', { params: { template: key } });
  return row;
}

export interface TemplateFilter {
  q?: string | undefined;
  category?: TemplateCategory | undefined;
  market?: string | undefined;
  language?: string | undefined;
  status?: VersionStatus | undefined;
  served?: boolean | undefined;
  archived?: boolean | undefined;
}

export async function listTemplates(
  ctx: ServiceContext,
  filter: TemplateFilter,
  principal: Principal,
  limit: number,
  cursor: string | undefined,
): Promise<Page<TemplateRow>> {
  const conditions: Array<SQL | undefined> = [eq(templates.archived, filter.archived ?? false)];
  if (cursor) conditions.push(gt(templates.key, decodeCursor(cursor)));
  if (filter.category) conditions.push(eq(templates.category, filter.category));
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    conditions.push(or(ilike(templates.key, pattern), ilike(templates.description, pattern)));
  }
  if (filter.market || filter.language || filter.status || filter.served !== undefined) {
    const variantConditions: SQL[] = [eq(versions.templateKey, templates.key)];
    if (filter.market) variantConditions.push(eq(versions.market, filter.market));
    if (filter.language) variantConditions.push(eq(versions.language, filter.language));
    // Filters look only at variants the key may see, so they reveal nothing of the others.
    if (principal.markets) variantConditions.push(inArray(versions.market, principal.markets));
    if (principal.languages) variantConditions.push(inArray(versions.language, principal.languages));
    const someVariant = (...more: SQL[]) =>
      exists(
        ctx.db
          .select({ one: sql`1` })
          .from(versions)
          .where(and(...variantConditions, ...more)),
      );
    if (filter.status) {
      // The status filter looks at each variant's newest version only.
      conditions.push(
        someVariant(
          eq(versions.status, filter.status),
          sql`${versions.version} = (select max(v2.version) from versions v2 where v2.template_key = ${versions.templateKey} and v2.market = ${versions.market} and v2.language = ${versions.language})`,
        ),
      );
    } else if (filter.served === undefined) {
      conditions.push(someVariant());
    }
    // Served: some variant has an approved version, whatever its newest one is (render serves that).
    if (filter.served !== undefined) {
      const served = someVariant(eq(versions.status, 'approved'));
      conditions.push(filter.served ? served : not(served));
    }
  }
  const rows = await ctx.db
    .select()
    .from(templates)
    .where(and(...conditions))
    .orderBy(asc(templates.key))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.key) : null };
}

export interface VariantCell {
  market: string;
  language: string;
  status: VersionStatus | 'missing';
  newestVersion: number | null;
  servedVersion: number | null;
  /** The category the provider holds the served version under, when it is not the template's. */
  recategorized: string | null;
}

/**
 * Every market × language the key may see: what exists, what is newest, what is served. "Served"
 * comes from the serving index, the one definition render uses too.
 */
export async function variantMatrix(
  ctx: ServiceContext,
  key: string,
  principal: Principal,
): Promise<VariantCell[]> {
  const [marketRows, versionRows] = await Promise.all([
    ctx.db.select().from(markets).orderBy(asc(markets.code)),
    ctx.db
      .select({
        market: versions.market,
        language: versions.language,
        version: versions.version,
        status: versions.status,
      })
      .from(versions)
      .where(eq(versions.templateKey, key)),
  ]);
  const cells = new Map<string, VariantCell>();
  const cell = (market: string, language: string) => {
    const id = `${market}|${language}`;
    let found = cells.get(id);
    if (!found) {
      const served = ctx.serving.served(key, market, language);
      const category = ctx.serving.templates.get(key)?.category;
      found = {
        market,
        language,
        status: 'missing',
        newestVersion: null,
        servedVersion: served?.version ?? null,
        recategorized: served && category && served.category !== category ? served.category : null,
      };
      cells.set(id, found);
    }
    return found;
  };
  for (const market of marketRows) for (const language of market.languages) cell(market.code, language);
  for (const row of versionRows) {
    const target = cell(row.market, row.language);
    if (target.newestVersion === null || row.version > target.newestVersion) {
      target.newestVersion = row.version;
      target.status = row.status;
    }
  }
  return [...cells.values()]
    .filter((c) => inScope(principal, c.market, c.language))
    .sort((a, b) => a.market.localeCompare(b.market) || a.language.localeCompare(b.language));
}

export async function updateTemplate(
  ctx: ServiceContext,
  key: string,
  patch: { description?: string | undefined; variables?: TemplateVariable[] | undefined },
  ifMatch: string[],
  principal: Principal,
): Promise<TemplateRow> {
  const current = await getTemplate(ctx, key);
  assertEtagMatches(ifMatch, templateEtag(current));
  return bumpTemplate(ctx, current, principal, 'template.update', {
    ...(patch.description !== undefined ? { description: patch.description } : {}),
    ...(patch.variables !== undefined ? { variables: patch.variables } : {}),
  });
}

/** Archiving keeps every version and event; an archived template takes no new drafts and is not served. */
export async function archiveTemplate(
  ctx: ServiceContext,
  key: string,
  ifMatch: string[],
  principal: Principal,
): Promise<TemplateRow> {
  const current = await getTemplate(ctx, key);
  assertEtagMatches(ifMatch, templateEtag(current));
  return bumpTemplate(ctx, current, principal, 'template.archive', { archived: true });
}

/** Where a template has variants: the scope of every template-level change. */
async function variantScope(ctx: ServiceContext, key: string) {
  const rows = await ctx.db
    .selectDistinct({ market: versions.market, language: versions.language })
    .from(versions)
    .where(eq(versions.templateKey, key));
  const markets = [...new Set(rows.map((r) => r.market))].sort();
  const languages = [...new Set(rows.map((r) => r.language))].sort();
  return { rows, markets: markets.length ? markets : null, languages: languages.length ? languages : null };
}

/**
 * Variables, category and archiving change every variant, so the key must cover all of them.
 * The problem names the markets outside the key: they are the reason, and the editor needs them
 * to know whom to ask. That a template has a variant there is all it reveals (no status, no text).
 */
function assertCoversVariants(principal: Principal, variants: Array<{ market: string; language: string }>) {
  const outside = variants.filter((v) => !inScope(principal, v.market, v.language));
  if (!outside.length) return;
  const markets = [...new Set(outside.map((v) => v.market))].sort();
  throw new AppError('forbidden', {
    params: { context: 'markets', markets: markets.join(', ') },
    extensions: { markets },
  });
}

async function bumpTemplate(
  ctx: ServiceContext,
  current: TemplateRow,
  principal: Principal,
  action: AuditAction,
  changes: Partial<Pick<TemplateRow, 'description' | 'variables' | 'archived'>>,
): Promise<TemplateRow> {
  return withTransaction(ctx, async (tx) => {
    const scope = await variantScope(tx, current.key);
    // A description is read by people only; variables and archiving change what every variant serves.
    if (changes.variables !== undefined || changes.archived) assertCoversVariants(principal, scope.rows);
    const [row] = await tx.db
      .update(templates)
      .set({ ...changes, revision: sql`${templates.revision} + 1`, updatedAt: tx.clock() })
      .where(and(eq(templates.key, current.key), eq(templates.revision, current.revision)))
      .returning();
    if (!row) throw new AppError('precondition-failed');
    await recordAudit(tx, {
      action,
      object: { type: 'template', id: row.key },
      markets: scope.markets,
      languages: scope.languages,
      before: toTemplateView(current),
      after: toTemplateView(row),
    });
    await onCommit(tx, () => tx.changes.templateChanged(row));
    return row;
  });
}

export function assertTemplateUsable(row: TemplateRow): void {
  if (row.archived) throw new AppError('conflict', { params: { resource: row.key }, message: 'archived' });
}
