import { z } from '@hono/zod-openapi';
import { TEMPLATE_CATEGORIES } from '../../domain/content.ts';
import type { AnalyticsDimension } from '../../domain/rejection-rates.ts';
import { safeText } from '../../http/safe-input.ts';
import { LanguageTag, MarketCode } from '../markets/markets.schemas.ts';
import { Currency, Price } from '../pricing/pricing.schemas.ts';
import { TemplateKey } from '../templates/templates.schemas.ts';
import { EventSchema } from '../versions/versions.schemas.ts';

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];
export const PROVIDER_KINDS = ['sandbox', 'meta', 'gupshup'] as const;

const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** A date (midnight UTC) or a date-time with its offset. */
const instant = (description: string) =>
  z
    .string()
    .regex(INSTANT, 'an ISO 8601 date (2026-01-01) or date-time with offset (2026-01-01T12:00:00Z)')
    .transform((value, ctx) => {
      const day = value.slice(0, 10);
      const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
      // JavaScript rolls 2026-02-30 over into March; a day that does not exist is refused instead.
      const midnight = new Date(`${day}T00:00:00Z`);
      const dayExists = !Number.isNaN(midnight.getTime()) && midnight.toISOString().startsWith(day);
      if (Number.isNaN(date.getTime()) || !dayExists || day < '0001') {
        ctx.addIssue({ code: 'custom', message: 'a date that exists' });
        return z.NEVER;
      }
      return date;
    })
    .openapi({ description, example: '2026-01-01' });

const filterFields = {
  market: MarketCode.optional(),
  language: LanguageTag.optional(),
  category: z.enum(TEMPLATE_CATEGORIES).optional().openapi({ description: 'The template’s category' }),
  from: instant('From this time (inclusive), by when the provider decided').optional(),
  to: instant('Until this time (exclusive)').optional(),
};

export const RejectionListQuery = z.object({
  ...filterFields,
  reason: safeText().min(1).max(100).optional().openapi({ example: 'TAG_CONTENT_MISMATCH' }),
});

/** `a,b,c` of the allowed dimensions, each at most once; empty or absent gives `fallback`. */
function dimensionList(allowed: readonly AnalyticsDimension[], fallback: AnalyticsDimension[]) {
  return z
    .string()
    .max(200)
    .optional()
    .transform((value, ctx): AnalyticsDimension[] => {
      if (!value) return fallback;
      const parts = value.split(',').map((part) => part.trim());
      const known = (part: string): part is AnalyticsDimension =>
        (allowed as readonly string[]).includes(part);
      if (!parts.every(known) || new Set(parts).size !== parts.length) {
        ctx.addIssue({
          code: 'custom',
          message: `a comma-separated list of ${allowed.join(', ')}, each once`,
        });
        return z.NEVER;
      }
      return parts;
    })
    .openapi({
      description: `Comma-separated, any of ${allowed.join(', ')}; default ${fallback.join(',')}`,
      example: fallback.join(','),
    });
}

const reportFields = {
  ...filterFields,
  provider: z.enum(PROVIDER_KINDS).optional(),
  period: z
    .enum(PERIODS)
    .optional()
    .openapi({ description: 'Also group by day, ISO week (from Monday) or month, in UTC' }),
  format: z
    .enum(['json', 'csv'])
    .optional()
    .openapi({ description: 'csv: the same rows as text/csv (as does `Accept: text/csv`)' }),
};

export const RejectionRatesQuery = z.object({
  ...reportFields,
  groupBy: dimensionList(['market', 'language', 'category', 'reason', 'provider'], ['market', 'language']),
});

export const ApprovalTimesQuery = z.object({
  ...reportFields,
  groupBy: dimensionList(['market', 'language', 'category', 'provider'], ['provider', 'market']),
});

export const CostQuery = z.object({
  market: MarketCode.optional(),
  language: LanguageTag.optional(),
  category: z
    .enum(TEMPLATE_CATEGORIES)
    .optional()
    .openapi({ description: 'The category the provider holds the served version under' }),
  recategorized: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'true: only variants served under another category than their template’s' }),
});

const groupFields = {
  market: z.string().nullable().optional(),
  language: z.string().nullable().optional(),
  category: z.string().nullable().optional(),
  reason: z.string().nullable().optional().openapi({ description: 'Rejection reason code; null for none' }),
  provider: z.string().nullable().optional(),
  period: z
    .string()
    .nullable()
    .optional()
    .openapi({ description: 'First day of the period (YYYY-MM-DD, UTC)' }),
};

const reportHeader = {
  groupBy: z.array(z.string()),
  period: z.enum(PERIODS).nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
};

export const RejectionRatesSchema = z
  .object({
    ...reportHeader,
    totals: z.object({
      decided: z.number().int(),
      approved: z.number().int(),
      rejected: z.number().int(),
      rate: z.number().nullable(),
    }),
    items: z.array(
      z.object({
        ...groupFields,
        decided: z
          .number()
          .int()
          .openapi({ description: 'Approvals of reviewed submissions plus rejections' }),
        approved: z.number().int(),
        rejected: z.number().int(),
        rate: z.number().openapi({ description: 'rejected / decided, 0–1, four decimals' }),
        outlier: z.boolean().openapi({
          description:
            'The group is rejected at least twice as often as all other groups together, over at least 5 decisions',
        }),
      }),
    ),
  })
  .openapi('RejectionRates');

const hours = z.number().nullable().openapi({ description: 'Hours from submission to the first decision' });

export const ApprovalTimesSchema = z
  .object({
    ...reportHeader,
    totals: z.object({ decided: z.number().int(), medianHours: hours, p90Hours: hours }),
    items: z.array(
      z.object({
        ...groupFields,
        decided: z.number().int().openapi({ description: 'Submissions the provider has decided' }),
        approved: z.number().int().openapi({ description: 'Of which the first decision was an approval' }),
        rejected: z.number().int(),
        medianHours: hours,
        p90Hours: hours,
      }),
    ),
  })
  .openapi('ApprovalTimes');

export const RejectionSchema = EventSchema.extend({
  category: z.string().openapi({ description: 'The template’s category' }),
  provider: z.string().nullable(),
}).openapi('Rejection');

const PriceRef = z.object({
  currency: Currency,
  pricePerMessage: Price,
  validFrom: z.string(),
  source: z.string(),
});

export const CostItemSchema = z
  .object({
    template: TemplateKey,
    market: MarketCode,
    language: LanguageTag,
    version: z.number().int(),
    provider: z.string(),
    templateCategory: z.string(),
    category: z.string().openapi({ description: 'The category the provider bills the served version under' }),
    price: PriceRef.nullable().openapi({ description: 'Price per delivered message; null when none is set' }),
    recategorized: z
      .object({
        from: z.string(),
        to: z.string(),
        priceBefore: Price.nullable(),
        priceAfter: Price.nullable(),
        currency: Currency.nullable(),
        changePerMessage: z.string().nullable().openapi({ example: '0.0056' }),
        changePer1000: z.string().nullable().openapi({ example: '5.6' }),
      })
      .nullable()
      .openapi({
        description:
          'Set when the provider moved the served version to another category (Meta: utility → marketing): the price per message under each and the difference per message and per 1,000 sends (null where a price is missing or the currencies differ)',
      }),
  })
  .openapi('CostItem');
