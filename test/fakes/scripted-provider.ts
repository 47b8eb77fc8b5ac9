import { toMetaLanguageCode } from '../../src/domain/language-codes.ts';
import { buildMetaSendPayload } from '../../src/providers/meta/send-payload.ts';
import {
  type ProviderAdapter,
  ProviderError,
  type ProviderTemplate,
  type SubmitRequest,
  type TemplateLocator,
} from '../../src/providers/provider.ts';

/** What the next submit call does: succeed, fail, or create the template and then time out. */
export type Step = 'ok' | 'create-then-timeout' | { transient: boolean; retryAfterSeconds?: number };

/**
 * A provider that keeps its templates in memory and follows a script, to drive the submission
 * worker through failures. Like Meta, it refuses a second create of one (name, language): adopting
 * the existing one is the worker's job.
 */
export class ScriptedProvider implements ProviderAdapter {
  readonly kind = 'meta' as const;
  readonly parameterFormat = 'named' as const;
  readonly templates = new Map<string, ProviderTemplate>();
  readonly calls: number[] = [];
  creates = 0;
  lookups = 0;
  /** The category the provider assigns, when it overrules the one asked. */
  assignCategory: string | undefined;
  script: Step[] = [];

  languageCode(language: string): string | null {
    return toMetaLanguageCode(language);
  }

  async create(request: SubmitRequest): Promise<ProviderTemplate> {
    this.calls.push(Date.now());
    const step = this.script.shift() ?? 'ok';
    const id = `${request.account}/${request.name}/${request.languageCode}`;
    if (this.templates.has(id)) {
      throw new ProviderError('Content in this language already exists', {
        transient: false,
        duplicate: true,
      });
    }
    if (typeof step === 'object') {
      throw new ProviderError(step.transient ? 'HTTP 503 from the provider' : 'HTTP 400: invalid parameter', {
        transient: step.transient,
        ...(step.retryAfterSeconds ? { retryAfterSeconds: step.retryAfterSeconds } : {}),
      });
    }
    const created: ProviderTemplate = {
      providerTemplateId: `fake-${++this.creates}`,
      status: 'PENDING',
      category: this.assignCategory ?? request.category.toUpperCase(),
    };
    this.templates.set(id, created);
    if (step === 'create-then-timeout')
      throw new ProviderError('timed out waiting for the provider', { transient: true });
    return created;
  }

  async fetchStatus(locator: TemplateLocator): Promise<ProviderTemplate | null> {
    this.lookups += 1;
    return this.templates.get(`${locator.account}/${locator.name}/${locator.languageCode}`) ?? null;
  }

  buildSendPayload = buildMetaSendPayload;
}
