import { z } from '@hono/zod-openapi';
import { TEMPLATE_CATEGORIES, VARIABLE_TYPES } from '../../domain/content.ts';
import { VERSION_STATUSES } from '../../domain/lifecycle.ts';
import { TEMPLATE_KEY_PATTERN } from '../../domain/naming.ts';
import { fieldMessage } from '../../http/field-messages.ts';
import { safeText } from '../../http/safe-input.ts';
import { LanguageTag, MarketCode } from '../markets/markets.schemas.ts';

export const TemplateKey = z
  .string()
  .regex(TEMPLATE_KEY_PATTERN, fieldMessage('template.key'))
  .openapi({ example: 'lesson_rescheduled' });

export const VariableSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}$/, fieldMessage('template.variable-name'))
      .openapi({ example: 'student_name' }),
    type: z.enum(VARIABLE_TYPES),
    example: safeText('text')
      .trim()
      .min(1, fieldMessage('template.example'))
      .max(200)
      .openapi({ example: 'Anna' }),
    description: safeText('text').max(500).optional(),
  })
  .strict()
  .openapi('Variable');

const uniqueNames = (variables: Array<{ name: string }>) =>
  new Set(variables.map((v) => v.name)).size === variables.length;

const Variables = z
  .array(VariableSchema)
  .max(50)
  .refine(uniqueNames, fieldMessage('template.unique-variables'));

export const NewTemplateSchema = z
  .object({
    key: TemplateKey,
    category: z.enum(TEMPLATE_CATEGORIES),
    description: safeText('text').max(2000).default(''),
    variables: Variables.default([]),
  })
  .strict()
  .openapi('NewTemplate');

export const TemplatePatchSchema = z
  .object({ description: safeText('text').max(2000).optional(), variables: Variables.optional() })
  .strict()
  .openapi('TemplatePatch');

export const TemplateSchema = z
  .object({
    key: TemplateKey,
    category: z.enum(TEMPLATE_CATEGORIES),
    description: z.string(),
    variables: z.array(VariableSchema),
    archived: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Template');

export const VariantCellSchema = z
  .object({
    market: MarketCode,
    language: LanguageTag,
    status: z.enum([...VERSION_STATUSES, 'missing']).openapi({ description: 'Status of the newest version' }),
    newestVersion: z.number().int().nullable(),
    servedVersion: z.number().int().nullable().openapi({ description: 'The version senders get now' }),
    recategorized: z.string().nullable().openapi({
      description:
        'Set when the provider holds the served version under another category than the template’s (Meta moves utility templates it judges promotional to marketing): the category it has now',
      example: 'marketing',
    }),
  })
  .openapi('VariantCell');

export const TemplateWithVariantsSchema = TemplateSchema.extend({
  variants: z.array(VariantCellSchema),
  recategorized: z.boolean().openapi({
    description: 'True when any variant you can see is served under another category than the template’s',
  }),
}).openapi('TemplateWithVariants');

export const templateParam = z.object({ key: TemplateKey.openapi({ param: { name: 'key', in: 'path' } }) });

export const TemplateListQuery = z.object({
  q: safeText().max(200).optional().openapi({ description: 'Matches key or description' }),
  category: z.enum(TEMPLATE_CATEGORIES).optional(),
  market: MarketCode.optional(),
  language: LanguageTag.optional(),
  status: z.enum(VERSION_STATUSES).optional().openapi({
    description:
      'Some variant’s newest version has this status (a variant whose v1 is served while v2 is pending counts as pending); for what is served use `served`',
  }),
  served: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'true: some variant has a version render serves (approved); false: none has' }),
  archived: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'Archived templates are left out unless true' }),
});
