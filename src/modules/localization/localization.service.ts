import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { templates, versions } from '../../../db/schema/index.ts';
import { type ServiceContext, withTransaction } from '../../context.ts';
import { contentHash } from '../../domain/content.ts';
import {
  applyEntry,
  COMPONENT_LIMITS,
  entryProblem,
  parseResource,
  type Refusal,
  type Resource,
  toResourceEntry,
} from '../../domain/i18next-resource.ts';
import { hasErrors, type LintFinding } from '../../domain/lint.ts';
import { AppError, fieldError } from '../../errors.ts';
import type { TFunction } from '../../i18n.ts';
import { getMarket } from '../markets/markets.service.ts';
import type { VersionRow } from '../status-events/status-events.service.ts';
import { getTemplate } from '../templates/templates.service.ts';
import { contentOf, lintColumns } from '../versions/version-lint.service.ts';
import { createDraft } from '../versions/versions.service.ts';

export interface LocaleRef {
  market: string;
  language: string;
}

async function assertMarketLanguage(ctx: ServiceContext, ref: LocaleRef): Promise<void> {
  const market = await getMarket(ctx, ref.market);
  if (!market.languages.includes(ref.language)) {
    throw new AppError('validation-failed', {
      errors: [
        fieldError('/language', 'language-not-in-market', { language: ref.language, market: ref.market }),
      ],
    });
  }
}

/**
 * The newest version per template for the market + language, or, for a template still missing
 * there, its newest in the `source` language (the same market's first, else any market's).
 */
async function exportedVersions(
  ctx: ServiceContext,
  ref: LocaleRef & { source?: string | undefined },
): Promise<Array<{ row: VersionRow; fromSource: boolean }>> {
  await assertMarketLanguage(ctx, ref);
  const languages = ref.source ? [ref.language, ref.source] : [ref.language];
  const rows = await ctx.db
    .selectDistinctOn([versions.templateKey, versions.language], { version: versions })
    .from(versions)
    .innerJoin(templates, eq(templates.key, versions.templateKey))
    .where(
      and(
        eq(templates.archived, false),
        inArray(versions.language, languages),
        ref.source ? undefined : eq(versions.market, ref.market),
      ),
    )
    .orderBy(
      asc(versions.templateKey),
      asc(versions.language),
      // The market itself first, then the most recently written elsewhere.
      desc(sql`${versions.market} = ${ref.market}`),
      desc(versions.createdAt),
      desc(versions.version),
    );
  const chosen = new Map<string, { row: VersionRow; fromSource: boolean }>();
  for (const { version: row } of rows) {
    const own = row.language === ref.language && row.market === ref.market;
    if (own) chosen.set(row.templateKey, { row, fromSource: false });
    else if (row.language === ref.source && !chosen.has(row.templateKey))
      chosen.set(row.templateKey, { row, fromSource: true });
  }
  return [...chosen.values()].sort((a, b) => a.row.templateKey.localeCompare(b.row.templateKey));
}

export async function exportResource(
  ctx: ServiceContext,
  ref: LocaleRef & { source?: string | undefined },
): Promise<Resource> {
  const rows = await exportedVersions(ctx, ref);
  return Object.fromEntries(rows.map(({ row }) => [row.templateKey, toResourceEntry(contentOf(row))]));
}

/** The translators' sidecar: what each variable means, an example, and each component's limit. */
export async function exportContext(ctx: ServiceContext, ref: LocaleRef & { source?: string | undefined }) {
  const rows = await exportedVersions(ctx, ref);
  const keys = rows.map(({ row }) => row.templateKey);
  const templateRows = keys.length
    ? await ctx.db.select().from(templates).where(inArray(templates.key, keys))
    : [];
  const byKey = new Map(templateRows.map((t) => [t.key, t]));
  return Object.fromEntries(
    rows.map(({ row, fromSource }) => {
      const template = byKey.get(row.templateKey);
      return [
        row.templateKey,
        {
          description: template?.description ?? '',
          category: template?.category ?? 'utility',
          language: row.language,
          market: row.market,
          version: row.version,
          untranslated: fromSource,
          variables: (template?.variables ?? []).map((v) => ({
            name: v.name,
            type: v.type,
            example: v.example,
            ...(v.description ? { description: v.description } : {}),
          })),
          limits: COMPONENT_LIMITS,
        },
      ];
    }),
  );
}

export interface ImportReport {
  created: Array<{ key: string; version: number }>;
  unchanged: string[];
  refused: Array<{ key: string; findings?: LintFinding[] } & Refusal>;
}

/** Why an entry was refused, in the language of `t`. */
export function refusalReason(t: TFunction, refusal: Refusal): string {
  return t(`import.${refusal.code}`, refusal.params);
}

/** The newest version of the variant, else the newest of the template anywhere (its buttons' shape). */
async function baseVersion(
  ctx: ServiceContext,
  key: string,
  ref: LocaleRef,
): Promise<{ row: VersionRow; own: boolean } | null> {
  const [row] = await ctx.db
    .select()
    .from(versions)
    .where(eq(versions.templateKey, key))
    .orderBy(
      desc(sql`${versions.market} = ${ref.market} and ${versions.language} = ${ref.language}`),
      desc(sql`${versions.market} = ${ref.market}`),
      desc(versions.createdAt),
      desc(versions.version),
    )
    .limit(1);
  if (!row) return null;
  return { row, own: row.market === ref.market && row.language === ref.language };
}

/**
 * One transaction for the whole resource: a draft for each entry whose text changed (through
 * createDraft, so lint is stored and the audit written), nothing for unchanged ones, and a reason
 * for each refused one.
 */
export async function importResource(
  ctx: ServiceContext,
  ref: LocaleRef,
  input: Record<string, unknown>,
  createdBy: string,
): Promise<ImportReport> {
  return withTransaction(ctx, async (tx) => {
    await assertMarketLanguage(tx, ref);
    const { entries, malformed } = parseResource(input);
    const report: ImportReport = { created: [], unchanged: [], refused: [...malformed] };
    for (const [key, entry] of [...entries].sort(([a], [b]) => a.localeCompare(b))) {
      const template = await getTemplate(tx, key).catch((error: unknown) => {
        if (error instanceof AppError && error.type === 'unknown-template') return null;
        throw error;
      });
      if (!template || template.archived) {
        report.refused.push({ key, code: 'unknown-template', params: {} });
        continue;
      }
      const base = await baseVersion(tx, key, ref);
      if (!base && entry.body === undefined) {
        report.refused.push({ key, code: 'no-base-version', params: {} });
        continue;
      }
      const applied = applyEntry(base ? contentOf(base.row) : { body: '' }, entry);
      if ('refused' in applied) {
        report.refused.push({ key, ...applied.refused });
        continue;
      }
      const { content } = applied;
      const hash = contentHash(content);
      if (base?.own && base.row.contentHash === hash) {
        report.unchanged.push(key);
        continue;
      }
      const problem = entryProblem(
        content,
        template.variables.map((v) => v.name),
      );
      if (problem) {
        report.refused.push({ key, ...problem });
        continue;
      }
      const { findings } = lintColumns({ ...content, contentHash: hash }, template, ref.language).lint;
      if (hasErrors(findings)) {
        const errors = findings.filter((f) => f.severity === 'error');
        report.refused.push({
          key,
          code: 'lint-errors',
          params: { rules: errors.map((f) => f.rule).join(', ') },
          findings: errors,
        });
        continue;
      }
      const row = await createDraft(tx, { templateKey: key, ...ref }, content, createdBy);
      report.created.push({ key, version: row.version });
    }
    return report;
  });
}
