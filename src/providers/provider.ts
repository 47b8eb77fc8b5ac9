import type { TemplateCategory, TemplateVariable, VersionContent } from '../domain/content.ts';
import type { ServedVersion } from '../domain/served-version.ts';

export type ProviderKind = 'sandbox' | 'meta' | 'gupshup';
export type ParameterFormat = 'named' | 'positional';

export interface SubmitRequest {
  account: string;
  name: string;
  languageCode: string;
  category: TemplateCategory;
  content: VersionContent;
  variables: TemplateVariable[];
  parameterFormat: ParameterFormat;
}

/** A template as the provider reports it (create response, status read, list entry). */
export interface ProviderTemplate {
  providerTemplateId: string;
  /** The provider's own status word, mapped by the lifecycle module. */
  status: string;
  /** The category the provider assigned, upper case as the provider writes it; may differ from the one asked. */
  category?: string;
  reason?: string | null;
  reasonText?: string | null;
  qualityScore?: string | null;
  /** The provider's answer as received, kept on the event it produces. */
  raw?: unknown;
}

export interface TemplateLocator {
  account: string;
  name: string;
  languageCode: string;
  providerTemplateId?: string | null;
}

interface ParsedEventBase {
  /** The provider account (Meta: WABA id; Gupshup: app id or name) when the event names it. */
  account?: string | undefined;
  name?: string | undefined;
  /** The provider's language code, normalised (`en-US` → `en_US`). */
  languageCode?: string | undefined;
  providerTemplateId?: string | undefined;
  occurredAt: Date;
  /** Same change, same key: a webhook delivered ten times is one change. */
  dedupeKey: string;
  raw: unknown;
}

/** A change reported by a provider's webhook, ready for ingestion. */
export type ParsedProviderEvent =
  | (ParsedEventBase & {
      kind: 'status';
      /** The provider's status word as received (APPROVED, rejected, FLAGGED…). */
      status: string;
      reason?: string | null | undefined;
      reasonText?: string | null | undefined;
      category?: string | undefined;
    })
  | (ParsedEventBase & {
      kind: 'category';
      /** Impending: the provider announced a change (`correctCategory` from `effectiveAt`); otherwise done. */
      impending: boolean;
      previousCategory?: string | undefined;
      /** The category in force after this event. */
      category: string;
      correctCategory?: string | undefined;
      effectiveAt?: Date | undefined;
    })
  | (ParsedEventBase & {
      kind: 'quality';
      previousQuality?: string | undefined;
      quality: string;
    });

/**
 * Thrown by adapters. `transient` failures (timeouts, 5xx, 429) are retried; the others are final.
 * `duplicate`: the provider already holds this (name, language), so the caller may adopt it.
 */
export class ProviderError extends Error {
  readonly transient: boolean;
  readonly retryAfterSeconds: number | undefined;
  /** The provider's error code and subcode as it sent them (Meta: `100` / `2388024`). */
  readonly code: string | undefined;
  readonly subcode: string | undefined;
  readonly duplicate: boolean;

  constructor(
    message: string,
    options: {
      transient: boolean;
      retryAfterSeconds?: number | undefined;
      code?: string | undefined;
      subcode?: string | undefined;
      duplicate?: boolean;
    },
  ) {
    super(message);
    this.name = 'ProviderError';
    this.transient = options.transient;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.code = options.code;
    this.subcode = options.subcode;
    this.duplicate = options.duplicate ?? false;
  }
}

export interface ProviderAdapter {
  readonly kind: ProviderKind;
  readonly parameterFormat: ParameterFormat;
  /** The provider's code for a language tag, or null when the provider does not support it. */
  languageCode(language: string): string | null;
  /**
   * Creates the template. It never looks for an existing one: adopting after an ambiguous failure
   * is the submission worker's job (through `fetchStatus`), so it holds for every provider.
   */
  create(request: SubmitRequest): Promise<ProviderTemplate>;
  /** The template by id when known, else by name and language; null when the provider has none. */
  fetchStatus(locator: TemplateLocator): Promise<ProviderTemplate | null>;
  /** The provider's send-message body for a rendered version, ready to post. */
  buildSendPayload(served: ServedVersion, values: Record<string, string>, to: string | undefined): unknown;
}
