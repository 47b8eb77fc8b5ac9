import { z } from '@hono/zod-openapi';
import { safeText } from '../../http/safe-input.ts';

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string().openapi({ description: 'When the change committed (ISO 8601 UTC)' }),
    actor: z
      .object({ keyId: z.string(), name: z.string() })
      .nullable()
      .openapi({ description: 'The API key that made the change; null for Vetted itself' }),
    action: z.string().openapi({ example: 'template.update' }),
    object: z.object({
      type: z.string().openapi({ description: 'market, template, version, api-key, price or subscription' }),
      id: z.string().openapi({
        description:
          'Market code, template key, `key/market/language/n` for a version, key id, `market/category` for a price, or subscription id',
        example: 'lesson_rescheduled/TR/tr/3',
      }),
    }),
    markets: z.array(z.string()).nullable().openapi({ description: 'Markets the object belongs to' }),
    languages: z.array(z.string()).nullable(),
    before: z.unknown().openapi({ description: 'The object before the change (null when created)' }),
    after: z.unknown().openapi({ description: 'The object after the change (null when deleted)' }),
    requestId: z.string().nullable(),
  })
  .openapi('AuditEntry');

const OBJECT_TYPES = ['market', 'template', 'version', 'api-key', 'price', 'subscription'] as const;

export const AuditQuery = z.object({
  objectType: z.enum(OBJECT_TYPES).optional(),
  objectId: safeText().min(1).max(300).optional(),
  actor: z.string().uuid().optional().openapi({ description: 'Entries made by this key id' }),
});
