import {
  type RenderedContent,
  renderContent,
  renderedLengthProblems,
  sendTimeValueProblems,
} from '../../domain/render.ts';
import type { ServedVersion } from '../../domain/served-version.ts';
import { AppError, type FieldError, fieldError } from '../../errors.ts';
import { inScope, type Principal } from '../../http/principal.ts';
import type { ProviderRegistry } from '../../providers/registry.ts';
import type { ServingIndex, VersionOutcome } from './serving-index.ts';

export interface RenderRequest {
  template: string;
  market: string;
  language?: string | undefined;
  variables: Record<string, unknown>;
  to?: string | undefined;
  allowFallback?: boolean | undefined;
}

export interface RenderResult {
  template: string;
  market: string;
  language: string;
  requestedLanguage: string;
  fallback: boolean;
  version: number;
  provider: string;
  providerTemplateName: string;
  languageCode: string;
  category: string;
  text: string;
  components: RenderedContent;
  payload: unknown;
}

/** Finds what to serve: the requested language, then the market's fallbacks when the caller allows them. */
export function resolveServed(
  index: ServingIndex,
  principal: Principal,
  request: Pick<RenderRequest, 'template' | 'market' | 'language' | 'allowFallback'>,
): { served: ServedVersion; requestedLanguage: string } {
  const template = index.templates.get(request.template);
  const market = index.markets.get(request.market);
  if (!market || !inScope(principal, request.market)) {
    throw new AppError('unknown-market', { params: { market: request.market } });
  }
  if (!template || template.archived)
    throw new AppError('unknown-template', { params: { template: request.template } });
  const requestedLanguage = request.language ?? market.defaultLanguage;
  const candidates = [
    requestedLanguage,
    ...(request.allowFallback ? (market.fallbacks[requestedLanguage] ?? []) : []),
  ];
  for (const language of candidates) {
    if (!inScope(principal, market.code, language)) continue;
    const served = index.served(template.key, market.code, language);
    if (served) return { served, requestedLanguage };
  }
  // Languages outside the key's scope are left out: a key learns nothing about them.
  const visible = (language: string) => inScope(principal, market.code, language);
  const variants = candidates.filter(visible).map((language) => {
    const state = index.state(template.key, market.code, language);
    if (!state) return { language, status: 'missing', newestVersion: null };
    return {
      language,
      status: state.status,
      newestVersion: state.version,
      statusAt: state.at.toISOString(),
      ...(state.reason ? { reason: state.reason } : {}),
      // What stopped the last version that was served, when it is not the newest one.
      ...(state.stopped && state.stopped.version !== state.version
        ? { lastServed: outcomeView(state.stopped) }
        : {}),
    };
  });
  const isServed = (language: string) =>
    visible(language) && !!index.served(template.key, market.code, language);
  const fallback = request.allowFallback
    ? undefined
    : (market.fallbacks[requestedLanguage] ?? []).find(isServed);
  throw new AppError('no-approved-variant', {
    params: {
      template: template.key,
      market: market.code,
      language: requestedLanguage,
      ...(fallback ? { context: 'fallback', fallback } : {}),
    },
    extensions: {
      variants,
      servedLanguages: market.languages.filter(
        (language) => language !== requestedLanguage && isServed(language),
      ),
      ...(request.allowFallback ? {} : { fallbackWouldServe: fallback ?? null }),
    },
  });
}

function outcomeView(outcome: VersionOutcome) {
  return {
    version: outcome.version,
    status: outcome.status,
    statusAt: outcome.at.toISOString(),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
  };
}

/**
 * Typed values for the served version: each parsed and formatted for the served language and the
 * market's zone and currency, every variable of the version present, WhatsApp's send-time rules kept.
 */
function valuesFor(
  index: ServingIndex,
  served: ServedVersion,
  raw: Record<string, unknown>,
): Record<string, string> {
  const template = index.templates.get(served.templateKey);
  const market = index.markets.get(served.market);
  if (!template || !market)
    throw new AppError('unknown-template', { params: { template: served.templateKey } });
  const { values, errors } = index.formatterFor(served, template, market)(raw);
  const problems: FieldError[] = errors.map(({ name, code }) =>
    fieldError(`/variables/${name}`, `value.${code}`),
  );
  for (const name of served.requiredVariables) {
    if (!Object.hasOwn(raw, name)) problems.push(fieldError(`/variables/${name}`, 'variables.required'));
    else if (values[name]?.trim() === '') problems.push(fieldError(`/variables/${name}`, 'variables.empty'));
  }
  for (const { name, problem } of sendTimeValueProblems(values)) {
    problems.push(fieldError(`/variables/${name}`, `variables.send-time.${problem}`));
  }
  if (problems.length) throw new AppError('invalid-variables', { errors: problems });
  return values;
}

export function renderServed(
  index: ServingIndex,
  providers: ProviderRegistry,
  served: ServedVersion,
  requestedLanguage: string,
  variables: Record<string, unknown>,
  to: string | undefined,
): RenderResult {
  const values = valuesFor(index, served, variables);
  const components = renderContent(served.content, served.compiled, values);
  const tooLong = renderedLengthProblems(components);
  if (tooLong.length) {
    throw new AppError('invalid-variables', {
      errors: tooLong.map(({ component, length, limit }) =>
        fieldError('/variables', 'variables.rendered-too-long', { component, length, limit }),
      ),
    });
  }
  const text = [components.header, components.body, components.footer].filter((part) => part).join('\n\n');
  return {
    template: served.templateKey,
    market: served.market,
    language: served.language,
    requestedLanguage,
    fallback: served.language !== requestedLanguage,
    version: served.version,
    provider: served.provider,
    providerTemplateName: served.providerTemplateName,
    languageCode: served.providerLanguageCode,
    category: served.category,
    text,
    components,
    payload: providers.get(served.provider).buildSendPayload(served, values, to),
  };
}

export function renderRequest(
  index: ServingIndex,
  providers: ProviderRegistry,
  principal: Principal,
  request: RenderRequest,
): RenderResult {
  const { served, requestedLanguage } = resolveServed(index, principal, request);
  return renderServed(index, providers, served, requestedLanguage, request.variables, request.to);
}
