import { and, asc, desc, eq, inArray, isNull, lte, ne, or } from 'drizzle-orm';
import { events, versions } from '../../../db/schema/index.ts';
import type { ServiceContext } from '../../context.ts';
import type { VersionContent } from '../../domain/content.ts';
import {
  LINT_RULES_VERSION,
  type LintContext,
  type LintFinding,
  lintContent,
  lintInContext,
  lintInputHash,
  lintOwnContent,
  type StoredLint,
} from '../../domain/lint.ts';
import { providerTemplateName } from '../../domain/naming.ts';
import { getMarket } from '../markets/markets.service.ts';
import type { VariantRef } from '../serving/serving-index.ts';
import type { VersionRow } from '../status-events/status-events.service.ts';
import { getTemplate, type TemplateRow } from '../templates/templates.service.ts';

/** What lint knows about a variant beyond one version's text: its translations, its past rejections, its provider. */
export interface VariantLintFacts {
  template: TemplateRow;
  siblings: Array<{ language: string; content: VersionContent }>;
  rejectedBefore: Array<{ version: number; body: string; reason: string | null; reasonText: string | null }>;
  providerKind: string;
  languageCode: string | null;
}

export function contentOf(row: VersionRow): VersionContent {
  return { header: row.header, body: row.body, footer: row.footer, buttons: row.buttons };
}

/**
 * Loaded once per variant, so a list of versions costs the same few queries as one version.
 * `languages` (null: all) limits the siblings to the reader's scope: findings quote their variables.
 */
export async function variantLintFacts(
  ctx: ServiceContext,
  ref: VariantRef,
  languages: string[] | null = null,
): Promise<VariantLintFacts> {
  const [template, market, siblingRows, rejectionRows] = await Promise.all([
    getTemplate(ctx, ref.templateKey),
    getMarket(ctx, ref.market),
    ctx.db
      .selectDistinctOn([versions.language])
      .from(versions)
      .where(
        and(
          eq(versions.templateKey, ref.templateKey),
          eq(versions.market, ref.market),
          ne(versions.language, ref.language),
          languages ? inArray(versions.language, languages) : undefined,
        ),
      )
      .orderBy(asc(versions.language), desc(versions.version)),
    ctx.db
      .select({
        version: versions.version,
        body: versions.body,
        reason: events.reason,
        reasonText: events.reasonText,
      })
      .from(events)
      .innerJoin(versions, eq(events.versionId, versions.id))
      .where(
        and(
          eq(events.templateKey, ref.templateKey),
          eq(events.market, ref.market),
          eq(events.language, ref.language),
          eq(events.toStatus, 'rejected'),
          eq(events.effect, 'applied'),
        ),
      ),
  ]);
  const adapter = ctx.providers.find(market.providerKind);
  return {
    template,
    siblings: siblingRows.map((row) => ({ language: row.language, content: contentOf(row) })),
    rejectedBefore: rejectionRows,
    providerKind: market.providerKind,
    // Without a configured adapter there is no language table to check against.
    languageCode: adapter ? adapter.languageCode(ref.language) : ref.language,
  };
}

type LintedTemplate = Pick<TemplateRow, 'variables' | 'category'>;

/** The lint columns of a version written with this content: its own findings, computed once, here. */
export function lintColumns(
  content: VersionContent & { contentHash: string },
  template: LintedTemplate,
  language: string,
) {
  return {
    lint: lintOwnContent({ content, variables: template.variables, category: template.category, language }),
    lintHash: lintInputHash(content.contentHash, template),
    lintRulesVersion: LINT_RULES_VERSION,
  };
}

function isFresh(row: VersionRow, template: LintedTemplate): row is VersionRow & { lint: StoredLint } {
  return (
    row.lint !== null &&
    row.lintRulesVersion === LINT_RULES_VERSION &&
    row.lintHash === lintInputHash(row.contentHash, template)
  );
}

/**
 * Stored findings go stale when the template's variables or category change, or the rules do:
 * stale rows are linted again and stored, so each is recomputed once, not on every read.
 * Findings stored by a newer rule set (an instance deployed after this one) are left alone.
 */
export async function withFreshLint(
  ctx: ServiceContext,
  rows: VersionRow[],
  template: LintedTemplate,
): Promise<VersionRow[]> {
  return Promise.all(
    rows.map(async (row) => {
      if (isFresh(row, template)) return row;
      const columns = lintColumns(
        { ...contentOf(row), contentHash: row.contentHash },
        template,
        row.language,
      );
      await ctx.db
        .update(versions)
        .set(columns)
        .where(
          and(
            eq(versions.id, row.id),
            eq(versions.contentHash, row.contentHash),
            or(isNull(versions.lintRulesVersion), lte(versions.lintRulesVersion, LINT_RULES_VERSION)),
          ),
        );
      return { ...row, ...columns };
    }),
  );
}

type VersionRef = Pick<VersionRow, 'templateKey' | 'market' | 'language' | 'version'>;

function lintContextOf(ref: VersionRef, content: VersionContent, facts: VariantLintFacts): LintContext {
  return {
    content,
    variables: facts.template.variables,
    category: facts.template.category,
    language: ref.language,
    siblings: facts.siblings,
    // A version's own rejection is history, not a warning about itself.
    rejectedBefore: facts.rejectedBefore.filter((rejection) => rejection.version !== ref.version),
    provider: {
      kind: facts.providerKind,
      templateName: providerTemplateName(ref.templateKey, ref.market, ref.version),
      languageCode: facts.languageCode,
    },
  };
}

/** The version's findings: those stored with it, and those of its context (`facts`), per request. */
export function lintVersion(row: VersionRow, facts: VariantLintFacts): LintFinding[] {
  const context = lintContextOf(row, contentOf(row), facts);
  const stored = isFresh(row, facts.template) ? row.lint : lintOwnContent(context);
  return lintInContext(stored, context);
}

/** Findings for content not saved yet (the console's live lint): the same rules as for the saved version. */
export function lintUnsaved(
  ref: VersionRef,
  content: VersionContent,
  facts: VariantLintFacts,
): LintFinding[] {
  return lintContent(lintContextOf(ref, content, facts));
}
