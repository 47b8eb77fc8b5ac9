export const TEMPLATE_KEY_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const META_TEMPLATE_NAME_PATTERN = /^[a-z0-9_]{1,512}$/;

const MARKET_PATTERN = /^[A-Za-z]{2}$/;
const PROVIDER_TEMPLATE_NAME = /^([a-z][a-z0-9_]*)_([a-z]{2})_v([1-9][0-9]*)$/;

/** `{key}_{market}_v{n}` lower-cased: one provider template per version, so a name is never reused. */
export function providerTemplateName(key: string, market: string, version: number): string {
  if (!TEMPLATE_KEY_PATTERN.test(key)) throw new RangeError(`Invalid template key: ${JSON.stringify(key)}`);
  if (!MARKET_PATTERN.test(market)) throw new RangeError(`Invalid market: ${JSON.stringify(market)}`);
  if (!Number.isSafeInteger(version) || version < 1)
    throw new RangeError(`Invalid version number: ${version}`);
  const name = `${key}_${market}_v${version}`.toLowerCase();
  if (!META_TEMPLATE_NAME_PATTERN.test(name)) throw new RangeError(`Invalid provider template name: ${name}`);
  return name;
}

/** Reverses providerTemplateName; null for names this service did not create. */
export function parseProviderTemplateName(
  name: string,
): { key: string; market: string; version: number } | null {
  const match = PROVIDER_TEMPLATE_NAME.exec(name);
  if (!match) return null;
  const [, key = '', market = '', version = ''] = match;
  if (!TEMPLATE_KEY_PATTERN.test(key)) return null;
  return { key, market: market.toUpperCase(), version: Number(version) };
}
