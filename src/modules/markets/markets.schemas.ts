import { z } from '@hono/zod-openapi';
import { fieldMessage } from '../../http/field-messages.ts';
import { safeText } from '../../http/safe-input.ts';

export const MarketCode = z
  .string()
  .regex(/^[A-Z]{2}$/, fieldMessage('market-code'))
  .openapi({ example: 'TR', description: 'ISO 3166-1 alpha-2, upper case' });

export const LanguageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Z]{2}|-[A-Z][a-z]{3})?$/, fieldMessage('language-tag'))
  .openapi({ example: 'tr' });

const timeZones = new Set(Intl.supportedValuesOf('timeZone'));

/** The fields a client sets; shared by the input and the representation so neither is an allOf of closed objects. */
const marketFields = {
  name: safeText('name').trim().min(1).max(100),
  status: z.enum(['active', 'upcoming']),
  languages: z.array(LanguageTag).min(1).max(20),
  defaultLanguage: LanguageTag,
  fallbacks: z.record(LanguageTag, z.array(LanguageTag).max(5)).default({}),
  timezone: z
    .string()
    .refine((tz) => timeZones.has(tz) || tz === 'UTC', fieldMessage('time-zone'))
    .openapi({ example: 'Europe/Istanbul' }),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, fieldMessage('currency-code'))
    .openapi({ example: 'TRY' }),
  provider: z
    .object({
      kind: z.enum(['sandbox', 'meta', 'gupshup']),
      account: safeText('name')
        .trim()
        .min(1)
        .max(200)
        .openapi({ description: 'Provider account id (WABA id, app id…)' }),
    })
    .strict(),
};

const readOnlyFields = {
  code: MarketCode,
  createdAt: z.string(),
  updatedAt: z.string(),
};

/**
 * What PUT takes: the representation GET returns, so a client can send back what it read with one
 * field changed. The read-only fields are optional and must agree with the path and the stored market.
 */
export const MarketInputSchema = z
  .object({
    ...marketFields,
    code: readOnlyFields.code.optional().openapi({ description: 'Read-only: must equal the path' }),
    createdAt: readOnlyFields.createdAt
      .optional()
      .openapi({ description: 'Read-only: ignored when it equals the stored value' }),
    updatedAt: readOnlyFields.updatedAt
      .optional()
      .openapi({ description: 'Read-only: ignored when it equals the stored value' }),
  })
  .strict()
  .openapi('MarketInput');

/** A JSON merge patch (RFC 7396) of a market: any subset of the fields; `null` in `fallbacks` removes a language's list. */
export const MarketPatchSchema = z
  .object({
    ...marketFields,
    ...readOnlyFields,
    fallbacks: z.record(LanguageTag, z.array(LanguageTag).max(5).nullable()),
    provider: marketFields.provider.partial(),
  })
  .partial()
  .strict()
  .openapi('MarketPatch');

export const MarketSchema = z
  // Always present in an answer, so required here (the input's default makes it optional there).
  .object({ ...readOnlyFields, ...marketFields, fallbacks: z.record(LanguageTag, z.array(LanguageTag)) })
  .strict()
  .openapi('Market');

export const marketParam = z.object({
  market: MarketCode.openapi({ param: { name: 'market', in: 'path' } }),
});
