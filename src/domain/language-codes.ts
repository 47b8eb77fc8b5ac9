/**
 * Meta's template language codes with their English names, as listed on "Supported Languages"
 * (developers.facebook.com/documentation/business-messaging/whatsapp/templates/supported-languages, May 2026).
 * Note the gaps: no ru_RU, pl_PL, tr_TR, it_IT, de_DE, fr_FR or id_ID, and no bare pt.
 */
export const META_LANGUAGES = {
  af: 'Afrikaans',
  sq: 'Albanian',
  ar: 'Arabic',
  ar_EG: 'Arabic (EGY)',
  ar_AE: 'Arabic (UAE)',
  ar_LB: 'Arabic (LBN)',
  ar_MA: 'Arabic (MAR)',
  ar_QA: 'Arabic (QAT)',
  az: 'Azerbaijani',
  be_BY: 'Belarusian',
  bn: 'Bengali',
  bn_IN: 'Bengali (IND)',
  bg: 'Bulgarian',
  ca: 'Catalan',
  zh_CN: 'Chinese (CHN)',
  zh_HK: 'Chinese (HKG)',
  zh_TW: 'Chinese (TAI)',
  hr: 'Croatian',
  cs: 'Czech',
  da: 'Danish',
  prs_AF: 'Dari',
  nl: 'Dutch',
  nl_BE: 'Dutch (BEL)',
  en: 'English',
  en_GB: 'English (UK)',
  en_US: 'English (US)',
  en_AE: 'English (UAE)',
  en_AU: 'English (AUS)',
  en_CA: 'English (CAN)',
  en_GH: 'English (GHA)',
  en_IE: 'English (IRL)',
  en_IN: 'English (IND)',
  en_JM: 'English (JAM)',
  en_MY: 'English (MYS)',
  en_NZ: 'English (NZL)',
  en_QA: 'English (QAT)',
  en_SG: 'English (SGP)',
  en_UG: 'English (UGA)',
  en_ZA: 'English (ZAF)',
  et: 'Estonian',
  fil: 'Filipino',
  fi: 'Finnish',
  fr: 'French',
  fr_BE: 'French (BEL)',
  fr_CA: 'French (CAN)',
  fr_CH: 'French (CHE)',
  fr_CI: 'French (CIV)',
  fr_MA: 'French (MAR)',
  ka: 'Georgian',
  de: 'German',
  de_AT: 'German (AUT)',
  de_CH: 'German (CHE)',
  el: 'Greek',
  gu: 'Gujarati',
  ha: 'Hausa',
  he: 'Hebrew',
  hi: 'Hindi',
  hu: 'Hungarian',
  id: 'Indonesian',
  ga: 'Irish',
  it: 'Italian',
  ja: 'Japanese',
  kn: 'Kannada',
  kk: 'Kazakh',
  rw_RW: 'Kinyarwanda',
  ko: 'Korean',
  ky_KG: 'Kyrgyz (Kyrgyzstan)',
  lo: 'Lao',
  lv: 'Latvian',
  lt: 'Lithuanian',
  mk: 'Macedonian',
  ms: 'Malay',
  ml: 'Malayalam',
  mr: 'Marathi',
  nb: 'Norwegian',
  ps_AF: 'Pashto',
  fa: 'Persian',
  pl: 'Polish',
  pt_BR: 'Portuguese (BR)',
  pt_PT: 'Portuguese (POR)',
  pa: 'Punjabi',
  ro: 'Romanian',
  ru: 'Russian',
  sr: 'Serbian',
  si_LK: 'Sinhala',
  sk: 'Slovak',
  sl: 'Slovenian',
  es: 'Spanish',
  es_AR: 'Spanish (ARG)',
  es_CL: 'Spanish (CHL)',
  es_CO: 'Spanish (COL)',
  es_CR: 'Spanish (CRI)',
  es_DO: 'Spanish (DOM)',
  es_EC: 'Spanish (ECU)',
  es_HN: 'Spanish (HND)',
  es_MX: 'Spanish (MEX)',
  es_PA: 'Spanish (PAN)',
  es_PE: 'Spanish (PER)',
  es_ES: 'Spanish (SPA)',
  es_UY: 'Spanish (URY)',
  sw: 'Swahili',
  sv: 'Swedish',
  ta: 'Tamil',
  te: 'Telugu',
  th: 'Thai',
  tr: 'Turkish',
  uk: 'Ukrainian',
  ur: 'Urdu',
  uz: 'Uzbek',
  vi: 'Vietnamese',
  zu: 'Zulu',
} as const satisfies Record<string, string>;

export type MetaLanguageCode = keyof typeof META_LANGUAGES;

export const META_LANGUAGE_CODES: ReadonlySet<string> = new Set(Object.keys(META_LANGUAGES));

export const LANGUAGE_TAG_PATTERN = /^[a-z]{2,3}(-[A-Z]{2}|-[A-Za-z]{4})?$/;

export function isMetaLanguageCode(code: string): code is MetaLanguageCode {
  return META_LANGUAGE_CODES.has(code);
}

interface TagParts {
  language: string;
  region: string | null;
  script: string | null;
}

/** Splits `en-US`, `en_us`, `zh-Hant` or `EN` into normalised subtags. */
function splitTag(tag: string): TagParts | null {
  const match = /^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|[A-Za-z]{4}))?$/.exec(tag.trim());
  if (!match) return null;
  const language = (match[1] ?? '').toLowerCase();
  const subtag = match[2];
  if (subtag === undefined) return { language, region: null, script: null };
  if (subtag.length === 2) return { language, region: subtag.toUpperCase(), script: null };
  return { language, region: null, script: subtag.charAt(0).toUpperCase() + subtag.slice(1).toLowerCase() };
}

/**
 * BCP 47 tag as i18next writes it → Meta code. Exact match first (`es-ES` → `es_ES`), then the bare language
 * when Meta has one (`ru-RU` → `ru`, since Meta has no ru_RU); otherwise null (`pt` has no bare code).
 */
export function toMetaLanguageCode(language: string): MetaLanguageCode | null {
  const parts = splitTag(language);
  // Meta's codes carry no scripts, and guessing a script variant (zh-Hant) would send the wrong text.
  if (!parts || parts.script !== null) return null;
  if (parts.region !== null) {
    const exact = `${parts.language}_${parts.region}`;
    if (isMetaLanguageCode(exact)) return exact;
  }
  return isMetaLanguageCode(parts.language) ? parts.language : null;
}

/** Meta code (`en_US`) or an already hyphenated tag (`en-US`) → BCP 47 tag (`en-US`). */
export function fromMetaLanguageCode(code: string): string {
  const parts = splitTag(code);
  if (!parts) return code.trim().replaceAll('_', '-');
  const subtag = parts.region ?? parts.script;
  return subtag === null ? parts.language : `${parts.language}-${subtag}`;
}
