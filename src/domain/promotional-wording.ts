import { z } from 'zod';
import words from './data/promotional-words.json' with { type: 'json' };

const lists = z.record(z.string(), z.array(z.string().min(1))).parse(words);

/**
 * Promotional phrases found in a text, by the language's word list (stems match word starts, so
 * "скидк" finds "скидка" and "скидку"). Unknown languages fall back to the English list.
 */
export function promotionalPhrases(text: string, language: string): string[] {
  const base = language.split('-')[0] ?? language;
  const list = lists[base] ?? lists.en ?? [];
  const lower = text.toLocaleLowerCase(base);
  return list.filter((phrase) => lower.includes(phrase.toLocaleLowerCase(base)));
}
