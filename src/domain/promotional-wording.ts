import { z } from 'zod';
import words from './data/promotional-words.json' with { type: 'json' };

const lists = z.record(z.string(), z.array(z.string().min(1))).parse(words);
const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/** True when `phrase` occurs in `text` at the start of a word ("акци" in "акция", not in "транзакция"). */
function startsAWord(text: string, phrase: string): boolean {
  if (!WORD_CHARACTER.test(phrase.charAt(0))) return text.includes(phrase);
  for (let index = text.indexOf(phrase); index !== -1; index = text.indexOf(phrase, index + 1)) {
    if (!WORD_CHARACTER.test(text.charAt(index - 1))) return true;
  }
  return false;
}

/**
 * Promotional phrases found in a text, by the language's word list. Entries are stems matched at
 * word starts, so "скидк" finds "скидка" and "скидку" while "deal" does not find "ideal".
 * Unknown languages fall back to the English list.
 */
export function promotionalPhrases(text: string, language: string): string[] {
  const base = language.split('-')[0] ?? language;
  const list = lists[base] ?? lists.en ?? [];
  const lower = text.toLocaleLowerCase(base);
  return list.filter((phrase) => startsAWord(lower, phrase.toLocaleLowerCase(base)));
}
