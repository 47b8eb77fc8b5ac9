import type { TemplateCategory, TemplateVariable, VersionContent } from '../domain/content.ts';
import type { ServedVersion } from '../modules/serving/serving-index.ts';

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

export interface ProviderTemplate {
  providerTemplateId: string;
  /** The provider's own status word, mapped by the lifecycle module. */
  status: string;
  category?: string;
  reason?: string | null;
}

export interface TemplateLocator {
  account: string;
  name: string;
  languageCode: string;
  providerTemplateId?: string | null;
}

/** A status change reported by a provider, ready for status-event ingestion. */
export interface ParsedStatusEvent {
  account: string;
  name: string;
  languageCode: string;
  providerTemplateId?: string;
  status: string;
  reason?: string | null;
  reasonText?: string | null;
  category?: string;
  occurredAt: Date;
  dedupeKey: string;
  raw: unknown;
}

/** Thrown by adapters; `transient` failures (timeouts, 5xx, 429) are retried, the others are final. */
export class ProviderError extends Error {
  readonly transient: boolean;
  readonly retryAfterSeconds: number | undefined;
  readonly code: string | undefined;

  constructor(message: string, options: { transient: boolean; retryAfterSeconds?: number; code?: string }) {
    super(message);
    this.name = 'ProviderError';
    this.transient = options.transient;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.code = options.code;
  }
}

export interface ProviderAdapter {
  readonly kind: ProviderKind;
  readonly parameterFormat: ParameterFormat;
  /** The provider's code for a language tag, or null when the provider does not support it. */
  languageCode(language: string): string | null;
  /** Creates the template, or adopts the one already there under the same name and language. */
  submit(request: SubmitRequest): Promise<ProviderTemplate>;
  fetchStatus(locator: TemplateLocator): Promise<ProviderTemplate | null>;
  parseStatusEvents(body: unknown): ParsedStatusEvent[];
  /** The provider's send-message body for a rendered version, ready to post. */
  buildSendPayload(served: ServedVersion, values: Record<string, string>, to: string | undefined): unknown;
}
