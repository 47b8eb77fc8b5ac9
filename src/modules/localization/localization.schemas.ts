import { z } from '@hono/zod-openapi';
import { REFUSAL_CODES } from '../../domain/i18next-resource.ts';
import { LanguageTag, MarketCode } from '../markets/markets.schemas.ts';
import { LintFindingSchema } from '../versions/versions.schemas.ts';

export const localeQuery = z.object({
  market: MarketCode.openapi({ param: { name: 'market', in: 'query' } }),
  language: LanguageTag.openapi({ param: { name: 'language', in: 'query' } }),
});

export const exportQuery = localeQuery.extend({
  source: LanguageTag.optional().openapi({
    param: { name: 'source', in: 'query' },
    description: 'Fill templates still missing in `language` with their newest text in this language',
  }),
  style: z
    .enum(['nested', 'flat'])
    .default('nested')
    .openapi({
      param: { name: 'style', in: 'query' },
      description: 'nested: `{key: {body}}`; flat: `{"key.body": …}`',
    }),
});

const TextMap = z.record(z.string(), z.string());

export const ResourceSchema = z
  .union([
    z.record(
      z.string(),
      z.object({
        header: z.string().optional(),
        body: z.string().optional(),
        footer: z.string().optional(),
        buttons: TextMap.optional(),
      }),
    ),
    TextMap,
  ])
  .openapi('I18nextResource', {
    description:
      'An i18next JSON v4 resource: per template key its header, body, footer and buttons by index, nested or flat ("key.body"). Variables stay {{name}}.',
  });

export const ImportBodySchema = z.record(z.string(), z.unknown()).openapi('I18nextResourceImport', {
  description: 'The export format, nested or flat (both accepted, also mixed)',
});

const Limits = z.object({
  header: z.number().int(),
  body: z.number().int(),
  footer: z.number().int(),
  buttons: z.number().int(),
});

export const ExportContextSchema = z
  .record(
    z.string(),
    z.object({
      description: z.string(),
      category: z.string(),
      market: z.string(),
      language: z.string(),
      version: z.number().int(),
      untranslated: z.boolean(),
      variables: z.array(
        z.object({
          name: z.string(),
          type: z.string(),
          example: z.string(),
          description: z.string().optional(),
        }),
      ),
      limits: Limits,
    }),
  )
  .openapi('I18nextExportContext', {
    description:
      'Per exported template key: variable meanings and examples, and character limits per component',
  });

export const ImportReportSchema = z
  .object({
    created: z.array(z.object({ key: z.string(), version: z.number().int() })),
    unchanged: z.array(z.string()),
    refused: z.array(
      z.object({
        key: z.string(),
        code: z.enum(REFUSAL_CODES).openapi({
          description:
            'Why, stably: unknown-template, no-base-version (a new template needs a body), not-a-string, malformed (not header, body, footer or buttons.<index>), unknown-button, variables-differ, too-long, lint-errors',
        }),
        params: z
          .record(z.string(), z.union([z.string(), z.number()]))
          .openapi({ description: 'The values the reason names (component, limit, length, missing…)' }),
        reason: z
          .string()
          .openapi({ description: 'The code as a sentence, in the language of Accept-Language' }),
        findings: z.array(LintFindingSchema).optional(),
      }),
    ),
  })
  .openapi('I18nextImportReport');
