import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { markets, type notificationEvents } from '../../../db/schema/index.ts';
import type { ServiceContext } from '../../context.ts';
import { SUPPORTED_LANGUAGES, type UiLanguage } from '../../i18n.ts';

type EventRow = typeof notificationEvents.$inferSelect;

/** The fields of a stored event's data that a chat line reads. */
const ChatFacts = z.object({
  template: z.string(),
  market: z.string(),
  language: z.string(),
  version: z.number(),
  category: z.string().optional(),
  reason: z.string().optional(),
  reasonText: z.string().optional(),
  consoleUrl: z.string().optional(),
});

/** The JSON body: the event id receivers deduplicate by, its type, when it happened and its data. */
export function jsonBody(event: EventRow): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    data: event.data,
  });
}

/** A team channel reads the market's own language where Vetted speaks it, else English. */
async function channelLanguage(ctx: ServiceContext, market: string): Promise<UiLanguage> {
  const [row] = await ctx.db
    .select({ defaultLanguage: markets.defaultLanguage })
    .from(markets)
    .where(eq(markets.code, market));
  const base = row?.defaultLanguage.split('-')[0];
  return SUPPORTED_LANGUAGES.find((language) => language === base) ?? 'en';
}

/**
 * The chat body: `{text}`, which Slack and Microsoft Teams incoming webhooks accept as is. One line:
 * what happened, the provider's reason (not for an approval), and the console link when PUBLIC_URL is set.
 */
export async function chatBody(ctx: ServiceContext, event: EventRow): Promise<string> {
  const facts = ChatFacts.parse(event.data);
  const t = ctx.i18n.getFixedT(await channelLanguage(ctx, event.market));
  const what = t(`notifications.${event.type}`, { ...facts, category: facts.category ?? '' });
  const reason =
    event.type === 'version.approved'
      ? ''
      : [facts.reason, facts.reasonText].filter((part) => part && part !== 'NONE').join(' — ');
  const sentence = `${what}${reason ? `: ${reason}` : ''}`;
  const ended = /[.!?…]$/.test(sentence) ? sentence : `${sentence}.`;
  const text = facts.consoleUrl ? `${ended} ${facts.consoleUrl}` : ended;
  return JSON.stringify({ text });
}
