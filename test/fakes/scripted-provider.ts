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
 * worker through failures. It adopts an existing (name, language) like the real adapters must.
 */
export class ScriptedProvider implements ProviderAdapter {
  readonly kind = 'meta' as const;
  readonly parameterFormat = 'named' as const;
  readonly templates = new Map<string, ProviderTemplate>();
  readonly calls: number[] = [];
  creates = 0;
  script: Step[] = [];

  languageCode(language: string): string | null {
    return toMetaLanguageCode(language);
  }

  async submit(request: SubmitRequest): Promise<ProviderTemplate> {
    this.calls.push(Date.now());
    const step = this.script.shift() ?? 'ok';
    const id = `${request.account}/${request.name}/${request.languageCode}`;
    const existing = this.templates.get(id);
    if (existing) return existing;
    if (typeof step === 'object') {
      throw new ProviderError(step.transient ? 'HTTP 503 from the provider' : 'HTTP 400: invalid parameter', {
        transient: step.transient,
        ...(step.retryAfterSeconds ? { retryAfterSeconds: step.retryAfterSeconds } : {}),
      });
    }
    const created: ProviderTemplate = {
      providerTemplateId: `fake-${++this.creates}`,
      status: 'PENDING',
      category: 'UTILITY',
    };
    this.templates.set(id, created);
    if (step === 'create-then-timeout')
      throw new ProviderError('timed out waiting for the provider', { transient: true });
    return created;
  }

  async fetchStatus(locator: TemplateLocator): Promise<ProviderTemplate | null> {
    return this.templates.get(`${locator.account}/${locator.name}/${locator.languageCode}`) ?? null;
  }

  parseStatusEvents(): [] {
    return [];
  }

  buildSendPayload = buildMetaSendPayload;
}
