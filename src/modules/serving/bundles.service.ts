import { createHash } from 'node:crypto';
import { AppError } from '../../errors.ts';
import { inScope, type Principal } from '../../http/principal.ts';
import type { ServingIndex } from './serving-index.ts';

/**
 * Every served version of a market, for senders to cache. The strong ETag is a hash of the body,
 * so it changes exactly when something served (or its variables) changes. Built once per market
 * and key scope, until the next change.
 */
export function marketBundle(
  index: ServingIndex,
  principal: Principal,
  marketCode: string,
): { etag: string; body: string } {
  const market = index.markets.get(marketCode);
  if (!market || !inScope(principal, marketCode))
    throw new AppError('unknown-market', { params: { market: marketCode } });
  const cacheKey = `${marketCode}|${principal.languages?.join(',') ?? '*'}`;
  const cached = index.cachedBundle(cacheKey);
  if (cached) return cached;
  const items = index
    .servedInMarket(marketCode)
    .filter((served) => inScope(principal, marketCode, served.language))
    .flatMap((served) => {
      const template = index.templates.get(served.templateKey);
      if (!template || template.archived) return [];
      return [
        {
          template: served.templateKey,
          language: served.language,
          version: served.version,
          category: template.category,
          provider: served.provider,
          providerTemplateName: served.providerTemplateName,
          languageCode: served.providerLanguageCode,
          parameterFormat: served.parameterFormat,
          ...(served.content.header ? { header: served.content.header } : {}),
          body: served.content.body,
          ...(served.content.footer ? { footer: served.content.footer } : {}),
          ...(served.content.buttons?.length ? { buttons: served.content.buttons } : {}),
          variables: template.variables.filter((v) => served.requiredVariables.includes(v.name)),
        },
      ];
    })
    .sort((a, b) => a.template.localeCompare(b.template) || a.language.localeCompare(b.language));
  const body = JSON.stringify({ market: marketCode, items });
  const bundle = { etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`, body };
  index.cacheBundle(cacheKey, bundle);
  return bundle;
}
