import { characterCount, TEXT_LIMITS } from '../../domain/lint.ts';
import { type RenderedContent, renderContent, sendTimeValueProblems } from '../../domain/render.ts';
import { AppError, type FieldError } from '../../errors.ts';
import { inScope, type Principal } from '../../http/principal.ts';
import type { ProviderRegistry } from '../../providers/registry.ts';
import type { ServedVersion, ServingIndex } from './serving-index.ts';

export interface RenderRequest {
  template: string;
  market: string;
  language?: string | undefined;
  variables: Record<string, string | number>;
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
  const variants = candidates.map((language) => {
    const state = index.state(template.key, market.code, language);
    return { language, status: state?.status ?? 'missing', newestVersion: state?.version ?? null };
  });
  throw new AppError('no-approved-variant', {
    params: { template: template.key, market: market.code, language: requestedLanguage },
    extensions: { variants },
  });
}

/** Checks the caller's values against the version: every variable present, nothing unknown, WhatsApp's send-time rules. */
function checkValues(served: ServedVersion, declared: Set<string>, raw: Record<string, string | number>) {
  const values: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (!declared.has(name))
      errors.push({ path: `/variables/${name}`, message: 'not a variable of this template' });
    else values[name] = String(value);
  }
  const { variables } = served.compiled;
  for (const name of new Set([...variables.header, ...variables.body, ...variables.buttons.flat()])) {
    if (!Object.hasOwn(values, name) || values[name] === '')
      errors.push({ path: `/variables/${name}`, message: 'required by the served version' });
  }
  for (const { name, problem } of sendTimeValueProblems(values)) {
    errors.push({ path: `/variables/${name}`, message: SEND_TIME_MESSAGES[problem] });
  }
  if (errors.length) throw new AppError('invalid-variables', { errors });
  return values;
}

const SEND_TIME_MESSAGES = {
  newline: 'WhatsApp refuses a newline in a variable value',
  tab: 'WhatsApp refuses a tab in a variable value',
  spaces: 'WhatsApp refuses more than 4 consecutive spaces in a variable value',
} as const;

export function renderRequest(
  index: ServingIndex,
  providers: ProviderRegistry,
  principal: Principal,
  request: RenderRequest,
): RenderResult {
  const { served, requestedLanguage } = resolveServed(index, principal, request);
  const template = index.templates.get(served.templateKey);
  const declared = new Set(template?.variables.map((v) => v.name) ?? []);
  const values = checkValues(served, declared, request.variables);
  const components = renderContent(served.content, served.compiled, values);
  const bodyLength = characterCount(components.body);
  if (bodyLength > TEXT_LIMITS.body) {
    throw new AppError('invalid-variables', {
      errors: [
        {
          path: '/variables',
          message: `the rendered body is ${bodyLength} characters; WhatsApp allows ${TEXT_LIMITS.body}`,
        },
      ],
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
    text,
    components,
    payload: providers.get(served.provider).buildSendPayload(served, values, request.to),
  };
}
