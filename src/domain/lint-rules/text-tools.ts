import type { Button, ContentComponent, VersionContent } from '../content.ts';
import type { Placeholder } from '../template-syntax.ts';

export type TextComponent = Exclude<ContentComponent, 'buttons'>;

/** Header, body and footer as written, skipping the absent ones. */
export function textComponents(content: VersionContent): Array<{ component: TextComponent; text: string }> {
  const texts: Array<{ component: TextComponent; text: string }> = [];
  if (content.header) texts.push({ component: 'header', text: content.header });
  texts.push({ component: 'body', text: content.body });
  if (content.footer) texts.push({ component: 'footer', text: content.footer });
  return texts;
}

export function buttonsOf(content: VersionContent): Button[] {
  return content.buttons ?? [];
}

/** The text between placeholders, in order: one more segment than there are placeholders. */
export function literalSegments(text: string, placeholders: readonly Placeholder[]): string[] {
  const segments: string[] = [];
  let from = 0;
  for (const placeholder of placeholders) {
    segments.push(text.slice(from, placeholder.start));
    from = placeholder.end;
  }
  segments.push(text.slice(from));
  return segments;
}

/** The text with every placeholder replaced by a space, so words on either side stay apart. */
export function literalText(text: string, placeholders: readonly Placeholder[]): string {
  return literalSegments(text, placeholders).join(' ');
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

export function hasLetterOrDigit(text: string): boolean {
  return LETTER_OR_DIGIT.test(text);
}

export function countLettersAndDigits(text: string): number {
  return text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
}

// A grapheme shown as an emoji: emoji-presentation characters, text symbols forced to emoji by VS16,
// keycaps (1️⃣) and flags (regional-indicator pairs). Plain ©, ™ or digits are not counted.
const EMOJI_GRAPHEME =
  /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\u20E3|\p{Regional_Indicator}/u;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

// Any character an emoji grapheme must contain; most texts have none and skip segmentation.
const EMOJI_CHARACTER = /\p{Emoji_Presentation}|\p{Extended_Pictographic}|\u20E3|\p{Regional_Indicator}/u;

export function emojiCount(text: string): number {
  if (!EMOJI_CHARACTER.test(text)) return 0;
  let count = 0;
  for (const { segment } of graphemes.segment(text)) if (EMOJI_GRAPHEME.test(segment)) count++;
  return count;
}

const URL_IN_TEXT = /\bhttps?:\/\/\S+|\bwww\.[^\s.]+\.\S+/giu;

export function urlsIn(text: string): string[] {
  return text.match(URL_IN_TEXT) ?? [];
}

export function withoutUrls(text: string): string {
  return text.replace(URL_IN_TEXT, ' ');
}

export function formatList(items: readonly string[]): string {
  return items.length ? items.join(', ') : '—';
}
