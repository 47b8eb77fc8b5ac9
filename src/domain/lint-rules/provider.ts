import { META_TEMPLATE_NAME_PATTERN } from '../naming.ts';
import { type DefinedRule, defineRule } from './rule.ts';

/** Gupshup forwards to Meta, so Meta's characters apply, within Gupshup's shorter elementName limit. */
const TEMPLATE_NAME_RULES: Record<string, { pattern: RegExp; limit: number }> = {
  meta: { pattern: META_TEMPLATE_NAME_PATTERN, limit: 512 },
  sandbox: { pattern: META_TEMPLATE_NAME_PATTERN, limit: 512 },
  gupshup: { pattern: /^[a-z0-9_]{1,180}$/, limit: 180 },
};

const providerTemplateNameRule = defineRule(
  'provider-template-name',
  'The template name {name} is not valid for {provider}: use lower-case letters, digits and _, at most {limit} characters.',
  (ctx, _parsed, report) => {
    const provider = ctx.provider;
    const rule =
      provider && Object.hasOwn(TEMPLATE_NAME_RULES, provider.kind)
        ? TEMPLATE_NAME_RULES[provider.kind]
        : undefined;
    if (!provider || !rule || rule.pattern.test(provider.templateName)) return [];
    return [
      report({
        severity: 'error',
        component: 'body',
        params: { name: provider.templateName, provider: provider.kind, limit: rule.limit },
      }),
    ];
  },
);

const providerLanguageRule = defineRule(
  'provider-language',
  'The language {language} is not supported by {provider}; it has no language code for it.',
  (ctx, _parsed, report) => {
    if (!ctx.provider || ctx.provider.languageCode !== null) return [];
    return [
      report({
        severity: 'error',
        component: 'body',
        params: { language: ctx.language, provider: ctx.provider.kind },
      }),
    ];
  },
);

export const providerRules: DefinedRule[] = [providerTemplateNameRule, providerLanguageRule];
