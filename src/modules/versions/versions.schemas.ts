import { z } from '@hono/zod-openapi';
import { BUTTON_TYPES } from '../../domain/content.ts';
import { VERSION_STATUSES } from '../../domain/lifecycle.ts';
import { DRAFT_TEXT_CAPS } from '../../domain/lint.ts';
import { issueParams } from '../../http/field-messages.ts';
import { INT4_MAX, safeText } from '../../http/safe-input.ts';
import { LanguageTag, MarketCode } from '../markets/markets.schemas.ts';
import { TemplateKey } from '../templates/templates.schemas.ts';

export const ButtonSchema = z
  .object({
    type: z.enum(BUTTON_TYPES),
    text: safeText().trim().min(1).max(25),
    url: safeText().max(2000).optional(),
    phoneNumber: safeText().max(20).optional(),
    example: safeText().max(2000).optional(),
  })
  .strict()
  .superRefine((button, ctx) => {
    if (button.type === 'url' && !button.url)
      ctx.addIssue({ code: 'custom', path: ['url'], params: issueParams('button.url-required') });
    if (button.type === 'phone_number' && !button.phoneNumber) {
      ctx.addIssue({ code: 'custom', path: ['phoneNumber'], params: issueParams('button.phone-required') });
    }
  })
  .openapi('Button');

// Length limits are lint findings (so a draft can be saved and fixed); the caps leave a margin over them.
// Only the body may break lines; hidden characters are a lint warning, control characters a 422.
const contentFields = {
  header: safeText()
    .max(DRAFT_TEXT_CAPS.header)
    .nullable()
    .optional()
    .openapi({ description: 'Text header, ≤ 60 characters' }),
  body: safeText('text')
    .max(DRAFT_TEXT_CAPS.body)
    .openapi({ description: 'Handlebars text with named variables, ≤ 1024 characters' }),
  footer: safeText()
    .max(DRAFT_TEXT_CAPS.footer)
    .nullable()
    .optional()
    .openapi({ description: '≤ 60 characters, no variables' }),
  buttons: z.array(ButtonSchema).max(20).nullable().optional(),
};

export const NewVersionSchema = z
  .union([
    z.object(contentFields).strict(),
    z
      .object({
        fromVersion: z
          .number()
          .int()
          .min(1)
          .max(INT4_MAX)
          .openapi({ description: 'Copy this version’s content' }),
      })
      .strict(),
  ])
  .openapi('NewVersion', {
    description: 'Either the content of the new draft, or `fromVersion` to copy one',
  });

export const VersionPatchSchema = z
  .object({
    header: contentFields.header,
    body: contentFields.body.optional(),
    footer: contentFields.footer,
    buttons: contentFields.buttons,
  })
  .strict()
  .openapi('VersionPatch');

export const LintFindingSchema = z
  .object({
    rule: z.string(),
    severity: z.enum(['error', 'warning']),
    component: z.enum(['header', 'body', 'footer', 'buttons']),
    message: z.string(),
    line: z.number().int().optional(),
    column: z.number().int().optional(),
    buttonIndex: z.number().int().optional(),
  })
  .openapi('LintFinding');

export const SubmissionSchema = z
  .object({
    provider: z.string(),
    account: z.string(),
    providerTemplateName: z.string(),
    providerLanguageCode: z.string(),
    providerTemplateId: z.string().nullable(),
    providerCategory: z.string().nullable().openapi({
      description: 'The category the provider assigned; it may differ from the template’s',
    }),
    pendingCategory: z.string().optional().openapi({
      description: 'A category change the provider announced, in force from pendingCategoryAt',
    }),
    pendingCategoryAt: z.string().nullable().optional(),
    qualityScore: z
      .string()
      .nullable()
      .openapi({ description: 'The provider’s quality rating (GREEN, YELLOW, RED, UNKNOWN)' }),
    parameterFormat: z.enum(['named', 'positional']),
    parameterMapping: z
      .object({
        header: z.array(z.string()),
        body: z.array(z.string()),
        buttons: z.array(z.array(z.string())),
      })
      .optional()
      .openapi({ description: 'Positional submissions: the variable behind each {{n}}, per component' }),
    submittedAt: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().optional(),
  })
  .openapi('Submission');

export const VersionSchema = z
  .object({
    template: TemplateKey,
    market: MarketCode,
    language: LanguageTag,
    version: z.number().int(),
    status: z.enum(VERSION_STATUSES),
    header: z.string().optional(),
    body: z.string(),
    footer: z.string().optional(),
    buttons: z.array(ButtonSchema).optional(),
    contentHash: z.string(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    submission: SubmissionSchema.optional(),
    lint: z.array(LintFindingSchema),
  })
  .openapi('Version');

export const EventSchema = z
  .object({
    id: z.string(),
    template: z.string(),
    market: z.string(),
    language: z.string(),
    version: z.number().int(),
    fromStatus: z.string().nullable(),
    toStatus: z.string(),
    effect: z.enum(['applied', 'stale', 'unmapped', 'noted', 'verify']).openapi({
      description:
        'applied: it set the status; stale: older than the state it found; unmapped: unknown provider status; noted: a fact that changes no status (category or quality change, FLAGGED); verify: a transition the lifecycle does not allow, or tied in provider time, settled by reading the status from the provider',
    }),
    providerStatus: z.string().optional(),
    reason: z.string().optional(),
    reasonText: z.string().optional(),
    source: z.enum(['api', 'webhook', 'poll', 'sandbox']),
    actor: z.string().optional(),
    occurredAt: z.string(),
    receivedAt: z.string(),
    raw: z.unknown().optional(),
  })
  .openapi('Event');

export const variantParams = z.object({
  key: TemplateKey.openapi({ param: { name: 'key', in: 'path' } }),
  market: MarketCode.openapi({ param: { name: 'market', in: 'path' } }),
  language: LanguageTag.openapi({ param: { name: 'language', in: 'path' } }),
});

export const versionParams = variantParams.extend({
  n: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .openapi({ param: { name: 'n', in: 'path' }, example: 1 }),
});
