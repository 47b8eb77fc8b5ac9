import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ParsedProviderEvent } from '../provider.ts';

const SIGNATURE_HEADER = /^sha256=([0-9a-f]{64})$/i;

/**
 * `X-Hub-Signature-256: sha256=<hex>` against an HMAC-SHA256 of the raw body bytes with the app
 * secret. Anything malformed is simply not a valid signature.
 */
export function verifyMetaSignature(
  rawBody: Uint8Array,
  header: string | undefined,
  appSecret: string,
): boolean {
  if (!appSecret || header === undefined) return false;
  const hex = SIGNATURE_HEADER.exec(header.trim())?.[1];
  if (hex === undefined) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

// Comparing digests keeps the comparison constant-time even when the lengths differ.
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The subscription handshake: the challenge to echo back, or null to refuse. */
export function verifyMetaHandshake(
  query: Record<string, string | undefined>,
  verifyToken: string,
): string | null {
  const challenge = query['hub.challenge'];
  const token = query['hub.verify_token'];
  if (!verifyToken || query['hub.mode'] !== 'subscribe' || token === undefined || !challenge) return null;
  return sameSecret(token, verifyToken) ? challenge : null;
}

const id = z.union([z.string(), z.number()]).transform(String);
const optionalText = z.string().nullish();

const envelopeSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      id,
      time: z.number(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
    }),
  ),
});

const templateFields = {
  message_template_id: id.optional(),
  message_template_name: z.string().optional(),
  message_template_language: z.string().optional(),
};

const statusUpdateSchema = z.looseObject({
  ...templateFields,
  event: z.string(),
  reason: optionalText,
  message_template_category: z.string().optional(),
  rejection_info: z.looseObject({ reason: optionalText, recommendation: optionalText }).nullish(),
  other_info: z.looseObject({ title: optionalText, description: optionalText }).nullish(),
  disable_info: z.looseObject({ disable_date: z.union([z.string(), z.number()]).nullish() }).nullish(),
});

const categoryUpdateSchema = z.looseObject({
  ...templateFields,
  new_category: z.string(),
  previous_category: z.string().optional(),
  correct_category: z.string().optional(),
  category_update_timestamp: z.number().optional(),
});

const qualityUpdateSchema = z.looseObject({
  ...templateFields,
  new_quality_score: z.string(),
  previous_quality_score: z.string().optional(),
});

type StatusUpdate = z.infer<typeof statusUpdateSchema>;

/** Rejection details, pause titles and disable dates, as one readable text. */
function reasonText(value: StatusUpdate): string | null {
  const parts: string[] = [];
  const add = (...texts: Array<string | null | undefined>) => {
    const text = texts.filter((t): t is string => typeof t === 'string' && t !== '').join(': ');
    if (text) parts.push(text);
  };
  add(value.rejection_info?.reason);
  add(value.rejection_info?.recommendation);
  add(value.other_info?.title, value.other_info?.description);
  const disableDate = value.disable_info?.disable_date;
  if (disableDate !== undefined && disableDate !== null) add('disabled on', String(disableDate));
  return parts.length ? parts.join('\n') : null;
}

/** Keys sorted at every level, so the same value always serialises the same way. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function dedupeKey(field: string, account: string, time: number, value: unknown): string {
  const digest = createHash('sha256')
    .update(canonicalJson([field, account, time, value]))
    .digest('hex');
  return `meta:${digest}`;
}

type Entry = z.infer<typeof envelopeSchema>['entry'][number];
type Change = Entry['changes'][number];
type TemplateRef = { [K in keyof typeof templateFields]?: z.infer<(typeof templateFields)[K]> };

function eventBase(entry: Entry, change: Change, value: TemplateRef) {
  return {
    account: entry.id,
    name: value.message_template_name,
    // Meta's webhook examples write `en-US` where its API writes `en_US`.
    languageCode: value.message_template_language?.replaceAll('-', '_'),
    providerTemplateId: value.message_template_id,
    occurredAt: new Date(entry.time * 1000),
    dedupeKey: dedupeKey(change.field, entry.id, entry.time, change.value),
    raw: change.value,
  };
}

function toEvent(entry: Entry, change: Change): ParsedProviderEvent | null {
  switch (change.field) {
    case 'message_template_status_update': {
      const parsed = statusUpdateSchema.safeParse(change.value);
      if (!parsed.success) return null;
      const value = parsed.data;
      return {
        ...eventBase(entry, change, value),
        kind: 'status',
        status: value.event,
        reason: value.reason ?? null,
        reasonText: reasonText(value),
        category: value.message_template_category,
      };
    }
    case 'template_category_update': {
      const parsed = categoryUpdateSchema.safeParse(change.value);
      if (!parsed.success) return null;
      const value = parsed.data;
      // An announcement carries `correct_category` (the future one); its `new_category` is still the current one.
      const impending = value.correct_category !== undefined;
      return {
        ...eventBase(entry, change, value),
        kind: 'category',
        impending,
        previousCategory: value.previous_category,
        category: value.new_category,
        correctCategory: value.correct_category,
        effectiveAt:
          value.category_update_timestamp === undefined
            ? undefined
            : new Date(value.category_update_timestamp * 1000),
      };
    }
    case 'message_template_quality_update': {
      const parsed = qualityUpdateSchema.safeParse(change.value);
      if (!parsed.success) return null;
      return {
        ...eventBase(entry, change, parsed.data),
        kind: 'quality',
        previousQuality: parsed.data.previous_quality_score,
        quality: parsed.data.new_quality_score,
      };
    }
    default:
      return null;
  }
}

/**
 * Meta's `whatsapp_business_account` webhook → provider events: template status, category and
 * quality changes. Any other field, or a change whose value is not the expected shape, is
 * returned in `ignored`. Throws a ZodError only when the envelope itself is not Meta's.
 */
export function parseMetaWebhook(body: unknown): { events: ParsedProviderEvent[]; ignored: unknown[] } {
  const envelope = envelopeSchema.parse(body);
  const events: ParsedProviderEvent[] = [];
  const ignored: unknown[] = [];
  for (const entry of envelope.entry) {
    for (const change of entry.changes) {
      const event = toEvent(entry, change);
      if (event) events.push(event);
      else ignored.push(change);
    }
  }
  return { events, ignored };
}
