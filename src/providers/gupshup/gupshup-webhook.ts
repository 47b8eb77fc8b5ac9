import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ParsedProviderEvent } from '../provider.ts';

const text = z.string().min(1);

/** Milliseconds since the epoch, as a number or a numeric string. */
const timestampSchema = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).pipe(
  z
    .number()
    .int()
    .positive()
    .transform((ms) => new Date(ms)),
);

const templateEventSchema = z.looseObject({
  app: text.optional(),
  timestamp: timestampSchema,
  type: z.literal('template-event'),
  payload: z.looseObject({
    id: text,
    type: z.string().optional(),
    status: z.string().optional(),
    elementName: z.string().optional(),
    languageCode: z.string().optional(),
    rejectedReason: z.string().nullish(),
    description: z.string().nullish(),
    category: z
      .union([z.string(), z.looseObject({ old: z.string().optional(), new: z.string().optional() })])
      .optional(),
    oldCategory: z.string().nullish(),
    newCategory: z.string().nullish(),
    correctCategory: z.string().nullish(),
  }),
});
type TemplateEvent = z.infer<typeof templateEventSchema>;

export interface ParsedGupshupWebhook {
  events: ParsedProviderEvent[];
  /** Deliveries that are not template status or category changes (account events, quality updates…). */
  ignored: unknown[];
}

function present(value: string | null | undefined): value is string {
  return value !== undefined && value !== null && value.trim() !== '';
}

const upper = (value: string | null | undefined) => (present(value) ? value.trim().toUpperCase() : undefined);

/** Same change, same key: the fields that tell one change from another, hashed in a fixed order. */
function dedupeKey(parts: Array<string | number | null | undefined>): string {
  return `gupshup:${createHash('sha256')
    .update(JSON.stringify(parts.map((part) => part ?? null)))
    .digest('hex')}`;
}

function baseOf(event: TemplateEvent, raw: unknown) {
  const { payload } = event;
  return {
    // Gupshup names its app here (the app name, which is not always the app id): match on the uuid.
    account: event.app,
    name: present(payload.elementName) ? payload.elementName : undefined,
    languageCode: present(payload.languageCode)
      ? payload.languageCode.trim().replaceAll('-', '_')
      : undefined,
    providerTemplateId: payload.id,
    occurredAt: event.timestamp,
    raw,
  };
}

function categoryChange(event: TemplateEvent, raw: unknown): ParsedProviderEvent | null {
  const { payload } = event;
  const nested = typeof payload.category === 'object' ? payload.category : undefined;
  const flat = typeof payload.category === 'string' ? payload.category : undefined;
  const previous = upper(nested?.old ?? payload.oldCategory);
  const current = upper(nested?.new ?? payload.newCategory ?? flat);
  if (!current) return null;
  const correct = upper(payload.correctCategory);
  return {
    ...baseOf(event, raw),
    kind: 'category',
    impending: correct !== undefined && correct !== current,
    previousCategory: previous,
    category: current,
    correctCategory: correct,
    dedupeKey: dedupeKey(['category', payload.id, previous, current, correct, event.timestamp.getTime()]),
  };
}

function statusChange(event: TemplateEvent, raw: unknown): ParsedProviderEvent | null {
  const { payload } = event;
  const status = upper(payload.status);
  if (!status) return null;
  const reason = present(payload.rejectedReason) ? payload.rejectedReason.trim() : null;
  return {
    ...baseOf(event, raw),
    kind: 'status',
    status,
    reason,
    reasonText: present(payload.description) ? payload.description : null,
    category: typeof payload.category === 'string' ? upper(payload.category) : undefined,
    dedupeKey: dedupeKey(['status', payload.id, status, event.timestamp.getTime(), reason]),
  };
}

function parseOne(delivery: unknown): ParsedProviderEvent | null {
  const parsed = templateEventSchema.safeParse(delivery);
  if (!parsed.success) return null;
  const kind = parsed.data.payload.type?.trim().toLowerCase();
  // No `type` is the original status event; `status-update` its newer name. Anything else
  // (`quality-update`, future kinds) must never be read as a status.
  if (kind === undefined || kind === '' || kind === 'status-update')
    return statusChange(parsed.data, delivery);
  if (kind === 'category-update') return categoryChange(parsed.data, delivery);
  return null;
}

/**
 * Gupshup's `template-event` callbacks (one object per delivery; an array is read item by item).
 * Lenient: whatever is not a recognisable template status or category change is returned in `ignored`.
 * Statuses arrive lower case (`approved`, `in_appeal`, `failed`…) and are upper-cased here.
 */
export function parseGupshupWebhook(body: unknown): ParsedGupshupWebhook {
  const deliveries = Array.isArray(body) ? body : [body];
  const events: ParsedProviderEvent[] = [];
  const ignored: unknown[] = [];
  for (const delivery of deliveries) {
    const event = parseOne(delivery);
    if (event) events.push(event);
    else ignored.push(delivery);
  }
  return { events, ignored };
}
