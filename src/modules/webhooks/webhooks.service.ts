import type { ServiceContext } from '../../context.ts';
import { QUEUES, type VerifyStatusJob } from '../../jobs/queue.ts';
import type { ParsedProviderEvent, ProviderKind } from '../../providers/provider.ts';
import {
  findProviderVersion,
  type IngestOutcome,
  ingestProviderNote,
  ingestProviderStatus,
  type ProviderLocator,
} from '../status-events/status-events.service.ts';

export interface WebhookReport {
  received: number;
  outcomes: Record<string, number>;
}

function locatorOf(provider: ProviderKind, event: ParsedProviderEvent): ProviderLocator {
  return {
    provider,
    // Gupshup's callbacks name the app by its name, not the app id a market is bound to.
    providerAccount: provider === 'meta' ? event.account : undefined,
    providerTemplateId: event.providerTemplateId,
    providerTemplateName: event.name,
    providerLanguageCode: event.languageCode,
  };
}

/** A category or quality change: kept on the version (and so on what is served) and in its history. */
function noteOf(event: Extract<ParsedProviderEvent, { kind: 'category' | 'quality' }>) {
  if (event.kind === 'quality') {
    return {
      reason: 'QUALITY_CHANGED',
      reasonText: `Quality ${event.previousQuality ?? 'UNKNOWN'} → ${event.quality}`,
      set: { qualityScore: event.quality },
    };
  }
  if (event.impending) {
    const future = event.correctCategory ?? event.category;
    return {
      reason: 'CATEGORY_CHANGE_ANNOUNCED',
      reasonText: `The provider will recategorise ${event.category} → ${future}${event.effectiveAt ? ` on ${event.effectiveAt.toISOString()}` : ''}`,
      set: { pendingCategory: future, pendingCategoryAt: event.effectiveAt ?? null },
    };
  }
  return {
    reason: 'CATEGORY_CHANGED',
    reasonText: `The provider recategorised ${event.previousCategory ?? 'the template'} → ${event.category}`,
    set: { providerCategory: event.category, pendingCategory: null, pendingCategoryAt: null },
  };
}

/** Meta's webhook changes, each ingested on its own: one bad change never loses the others. */
export async function ingestMetaEvents(
  ctx: ServiceContext,
  events: ParsedProviderEvent[],
): Promise<WebhookReport> {
  return report(ctx, 'meta', events, (event) => {
    const common = {
      ...locatorOf('meta', event),
      source: 'webhook' as const,
      occurredAt: event.occurredAt,
      raw: event.raw,
      dedupeKey: event.dedupeKey,
    };
    if (event.kind === 'status') {
      return ingestProviderStatus(ctx, {
        ...common,
        providerStatus: event.status,
        reason: event.reason ?? null,
        reasonText: event.reasonText ?? null,
        providerCategory: event.category,
      });
    }
    return ingestProviderNote(ctx, { ...common, ...noteOf(event) });
  });
}

/**
 * Gupshup's webhook is unsigned: a status it reports is applied only as Gupshup's API confirms it
 * when read back. A read that fails leaves the check to a status-read job instead.
 */
export async function ingestGupshupEvents(
  ctx: ServiceContext,
  events: ParsedProviderEvent[],
): Promise<WebhookReport> {
  return report(ctx, 'gupshup', events, async (event) => {
    const locator = locatorOf('gupshup', event);
    if (event.kind !== 'status') {
      return ingestProviderNote(ctx, {
        ...locator,
        source: 'webhook',
        occurredAt: event.occurredAt,
        raw: event.raw,
        dedupeKey: event.dedupeKey,
        ...noteOf(event),
      });
    }
    const version = await findProviderVersion(ctx, locator);
    if (!version?.providerAccount || !version.providerTemplateName || !version.providerLanguageCode) {
      return { outcome: 'unknown-version' };
    }
    const adapter = ctx.providers.get('gupshup');
    let confirmed: Awaited<ReturnType<typeof adapter.fetchStatus>>;
    try {
      confirmed = await adapter.fetchStatus({
        account: version.providerAccount,
        name: version.providerTemplateName,
        languageCode: version.providerLanguageCode,
        providerTemplateId: version.providerTemplateId,
      });
    } catch (error) {
      ctx.log.warn(
        { err: error, versionId: version.id },
        'Gupshup read-back failed; a status read is queued',
      );
      await ctx.queue.send(QUEUES.verifyStatus, { versionId: version.id } satisfies VerifyStatusJob, {
        singletonKey: version.id,
      });
      return { outcome: 'verify', version };
    }
    if (!confirmed) return { outcome: 'unknown-version' };
    return ingestProviderStatus(ctx, {
      versionId: version.id,
      providerStatus: confirmed.status,
      reason: confirmed.reason ?? event.reason ?? null,
      reasonText: confirmed.reasonText ?? event.reasonText ?? null,
      source: 'webhook',
      occurredAt: ctx.clock(),
      dedupeKey: event.dedupeKey,
      providerTemplateId: confirmed.providerTemplateId,
      raw: { webhook: event.raw, readBack: confirmed.raw ?? null },
      // What Gupshup says when asked now is its current truth, whatever order its webhooks came in.
      authoritative: true,
    });
  });
}

async function report(
  ctx: ServiceContext,
  provider: ProviderKind,
  events: ParsedProviderEvent[],
  ingest: (event: ParsedProviderEvent) => Promise<IngestOutcome>,
): Promise<WebhookReport> {
  const outcomes: Record<string, number> = {};
  for (const event of events) {
    const { outcome } = await ingest(event);
    ctx.metrics.webhookEvent(provider, event.kind, outcome);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  return { received: events.length, outcomes };
}
