import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Button } from '../../src/domain/content.ts';
import type { VersionStatus } from '../../src/domain/lifecycle.ts';
import type { StoredLint } from '../../src/domain/lint.ts';
import type { ParameterMapping } from '../../src/domain/positional.ts';
import { revision, timestamps } from './columns.ts';
import { markets } from './markets.ts';
import { templates } from './templates.ts';

export const versions = pgTable(
  'versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    templateKey: text('template_key')
      .notNull()
      .references(() => templates.key),
    market: text('market')
      .notNull()
      .references(() => markets.code),
    language: text('language').notNull(),
    version: integer('version').notNull(),
    status: text('status').$type<VersionStatus>().notNull().default('draft'),
    /** Provider time of the event that set `status`; older events never overwrite it. */
    statusAt: timestamp('status_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    header: text('header'),
    body: text('body').notNull(),
    footer: text('footer'),
    buttons: jsonb('buttons').$type<Button[]>(),
    contentHash: text('content_hash').notNull(),
    createdBy: text('created_by'),
    provider: text('provider'),
    providerAccount: text('provider_account'),
    providerTemplateName: text('provider_template_name'),
    providerLanguageCode: text('provider_language_code'),
    providerTemplateId: text('provider_template_id'),
    providerCategory: text('provider_category'),
    /** Announced by the provider (Meta's impending category update): the category from `pendingCategoryAt`. */
    pendingCategory: text('pending_category'),
    pendingCategoryAt: timestamp('pending_category_at', { withTimezone: true, mode: 'date' }),
    /** The provider's quality rating (Meta: GREEN, YELLOW, RED, UNKNOWN). */
    qualityScore: text('quality_score'),
    /** Positional submissions: the variable behind each `{{n}}`, per component, as sent to the provider. */
    parameterMapping: jsonb('parameter_mapping').$type<ParameterMapping>(),
    /** When reconciliation last read this version's status from the provider. */
    statusCheckedAt: timestamp('status_checked_at', { withTimezone: true, mode: 'date' }),
    parameterFormat: text('parameter_format', { enum: ['named', 'positional'] }),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** Findings that depend only on this row and its template, computed on write (see version-lint.service.ts). */
    lint: jsonb('lint').$type<StoredLint>(),
    /** What `lint` was computed from (content hash, template variables and category); another value means stale. */
    lintHash: text('lint_hash'),
    lintRulesVersion: integer('lint_rules_version'),
    revision,
    ...timestamps,
  },
  (t) => [
    uniqueIndex('versions_variant_version_uq').on(t.templateKey, t.market, t.language, t.version),
    uniqueIndex('versions_provider_name_uq')
      .on(t.provider, t.providerAccount, t.providerTemplateName, t.providerLanguageCode)
      .where(sql`${t.providerTemplateName} is not null`),
    index('versions_status_idx').on(t.status),
  ],
);
