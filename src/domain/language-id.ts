import { detectAll, supportedLanguages, toISO3 } from 'tinyld';

/*
 * The one place that knows which identifier reads a text's language (tinyld: see bench/language-id.ts
 * for why). Codes are ISO 639-1 primary subtags, lower case.
 */

export interface LanguageGuess {
  language: string;
  /** The identifier's confidence, 0–1; guesses are ordered by it, best first. */
  score: number;
}

const known = new Set(supportedLanguages);

/** Whether the identifier can recognise this language at all (it never names one it does not know). */
export function identifiable(language: string): boolean {
  const iso3 = toISO3(language.toLowerCase());
  return iso3 !== '' && known.has(iso3);
}

/** The languages the text may be written in, most likely first; none when it cannot tell. */
export function guessLanguages(text: string): LanguageGuess[] {
  return detectAll(text)
    .map(({ lang, accuracy }) => ({ language: lang, score: accuracy }))
    .sort((a, b) => b.score - a.score);
}
