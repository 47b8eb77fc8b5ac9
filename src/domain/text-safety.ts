/*
 * Character classes for text that reaches a database, a provider or a recipient's screen, written
 * as regular-expression class bodies so larger patterns can reuse them.
 */

/** C0 controls, DEL and C1 controls (NEL included). PostgreSQL cannot store NUL at all. */
const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f';
/** The same without tab, line feed and carriage return, which a body may hold. */
const CONTROL_BUT_LAYOUT = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f';
/** Spaces as a reader sees them: the ASCII space, no-break spaces and the typographic spaces. */
const SPACE = ' \\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000';
/** Line breaks, including the Unicode line and paragraph separators, NEL, vertical tab and form feed. */
const LINE_BREAK = '\\n\\r\\u000b\\u000c\\u0085\\u2028\\u2029';
/** Characters that reorder text on screen: embeddings, overrides, isolates and the directional marks. */
const BIDI_CONTROL = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
/** Characters with no width: zero-width space, joiners, word joiner and the byte-order mark. */
const ZERO_WIDTH = '\\u200b-\\u200d\\u2060\\ufeff';

const anyControl = new RegExp(`[${CONTROL}]`);
const controlButLayout = new RegExp(`[${CONTROL_BUT_LAYOUT}]`);
const hidden = new RegExp(`[${BIDI_CONTROL}${ZERO_WIDTH}]`);
// With the u flag a surrogate pair is one code point, so only a lone half matches.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/**
 * - `name`: one line, and nothing hidden, so two names never look alike (keys, market names);
 * - `line`: one line of text (a header, a label, a URL);
 * - `text`: tabs and line breaks allowed (a body, a description).
 */
export type TextKind = 'name' | 'line' | 'text';
export type UnsafeCharacter = 'malformed' | 'control' | 'hidden';

/** Why a text may not be stored as given, or undefined when it may. */
export function unsafeCharacter(text: string, kind: TextKind): UnsafeCharacter | undefined {
  // A lone surrogate cannot be encoded as UTF-8; the database would silently store U+FFFD instead.
  if (LONE_SURROGATE.test(text)) return 'malformed';
  if ((kind === 'text' ? controlButLayout : anyControl).test(text)) return 'control';
  if (kind === 'name' && hidden.test(text)) return 'hidden';
  return undefined;
}

const hiddenCharacters = new RegExp(hidden.source, 'g');
const JOINERS = '\u200c\u200d';
// A joiner between pictographs builds one emoji (👨‍👩‍👧); between letters of a script that joins
// (Persian, Hindi) it shapes the word. Neither hides anything; in Latin or Cyrillic text it would.
const EMOJI_BEFORE = /\p{Extended_Pictographic}[\u{fe0f}\u{1f3fb}-\u{1f3ff}]?$/u;
const EMOJI_AFTER = /^\p{Extended_Pictographic}/u;
const LETTER_BEFORE = /[\p{L}\p{M}]$/u;
const LETTER_AFTER = /^\p{L}/u;
const NON_JOINING_SCRIPT = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]/u;

function joinerAtWork(character: string, before: string, after: string): boolean {
  if (character === '\u200d' && EMOJI_BEFORE.test(before) && EMOJI_AFTER.test(after)) return true;
  const letterBefore = LETTER_BEFORE.exec(before)?.[0];
  const letterAfter = LETTER_AFTER.exec(after)?.[0];
  return (
    JOINERS.includes(character) &&
    letterBefore !== undefined &&
    letterAfter !== undefined &&
    !NON_JOINING_SCRIPT.test(letterBefore + letterAfter)
  );
}

export interface HiddenCharacter {
  index: number;
  /** Such as `U+202E`. */
  codePoint: string;
}

/** Bidi controls and zero-width characters a reader cannot see, except joiners doing their job. */
export function hiddenCharactersIn(text: string): HiddenCharacter[] {
  const found: HiddenCharacter[] = [];
  for (const match of text.matchAll(hiddenCharacters)) {
    const character = match[0];
    const before = text.slice(Math.max(0, match.index - 4), match.index);
    const after = text.slice(match.index + 1, match.index + 3);
    if (joinerAtWork(character, before, after)) continue;
    found.push({ index: match.index, codePoint: codePointLabel(character) });
  }
  return found;
}

function codePointLabel(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Any line break, Unicode separators included. */
export const LINE_BREAK_PATTERN = new RegExp(`\\r\\n|[${LINE_BREAK}]`);
/** One space of any kind, for patterns built around it. */
export const SPACE_CLASS = `[${SPACE}]`;
const TOO_MANY_SPACES = new RegExp(`${SPACE_CLASS}{5}`);

export function hasLineBreak(text: string): boolean {
  return LINE_BREAK_PATTERN.test(text);
}

/** WhatsApp refuses more than four spaces in a row in a parameter; a no-break space is still a space. */
export function hasTooManySpaces(text: string): boolean {
  return TOO_MANY_SPACES.test(text);
}

/** A parameter value WhatsApp accepts at send time: one line, no tab, at most four spaces in a row. */
export function isSendableValue(text: string): boolean {
  return !hasLineBreak(text) && !text.includes('\t') && !hasTooManySpaces(text);
}
