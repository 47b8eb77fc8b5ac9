import { readdirSync, readFileSync } from 'node:fs';
import i18next, { type i18n, type TFunction } from 'i18next';
import { z } from 'zod';
import { MESSAGE_FORMATS } from './domain/lint.ts';

export const SUPPORTED_LANGUAGES = ['en', 'ru', 'pl', 'tr'] as const;
export type UiLanguage = (typeof SUPPORTED_LANGUAGES)[number];

const LOCALES_DIR = new URL('../locales/', import.meta.url);

type Resource = { [key: string]: string | Resource };
const resourceSchema: z.ZodType<Resource> = z.record(
  z.string(),
  z.union([z.string(), z.lazy(() => resourceSchema)]),
);

function loadResources(): Record<string, { translation: Resource }> {
  const resources: Record<string, { translation: Resource }> = {};
  for (const language of readdirSync(LOCALES_DIR)) {
    const file = new URL(`${language}/translation.json`, LOCALES_DIR);
    resources[language] = { translation: resourceSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) };
  }
  return resources;
}

/** One i18next instance for the process; requests use `getFixedT`, never `changeLanguage`. */
export async function createI18n(): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.init({
    resources: loadResources(),
    supportedLngs: [...SUPPORTED_LANGUAGES],
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  for (const [name, format] of Object.entries(MESSAGE_FORMATS)) {
    instance.services.formatter?.add(name, (value: unknown, lng) => format(String(value), lng ?? 'en'));
  }
  return instance;
}

/** Picks the best supported language from an Accept-Language header (q-values honoured). */
export function negotiateLanguage(header: string | undefined): UiLanguage {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    const match = SUPPORTED_LANGUAGES.find((language) => language === base);
    if (match) return match;
  }
  return 'en';
}

/** The translation function for a request's Accept-Language header. */
export function translatorFor(instance: i18n, acceptLanguage: string | undefined): TFunction {
  return instance.getFixedT(negotiateLanguage(acceptLanguage));
}

/** The language a translator from `translatorFor` writes in (i18next keeps it on the fixed `t`). */
export function languageOf(t: TFunction): UiLanguage {
  const language: unknown = Reflect.get(t, 'lng');
  return SUPPORTED_LANGUAGES.find((supported) => supported === language) ?? 'en';
}

export type { TFunction };
