import { parseTemplateText } from './template-syntax.ts';

export interface PositionalText {
  /** The text with each named placeholder replaced by `{{1}}`, `{{2}}`… */
  text: string;
  /** `names[i]` is the variable behind `{{i + 1}}`: the mapping kept on the submission. */
  names: string[];
}

/**
 * Named placeholders → positional ones, numbered in order of first appearance, as providers'
 * positional format wants (Meta numbers each component from 1; Gupshup's body likewise).
 * The text must have passed the syntax allowlist.
 */
export function toPositionalText(text: string): PositionalText {
  const parsed = parseTemplateText(text);
  let result = '';
  let cursor = 0;
  for (const placeholder of parsed.placeholders) {
    result += `${text.slice(cursor, placeholder.start)}{{${parsed.variables.indexOf(placeholder.name) + 1}}}`;
    cursor = placeholder.end;
  }
  return { text: result + text.slice(cursor), names: parsed.variables };
}

/** The variable behind each positional parameter, per component (button index → its names). */
export interface ParameterMapping {
  header: string[];
  body: string[];
  buttons: string[][];
}
