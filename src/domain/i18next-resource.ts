import type { VersionContent } from './content.ts';
import { characterCount, TEXT_LIMITS, usedVariables } from './lint.ts';

/** WhatsApp's limit on a button's label. */
export const BUTTON_TEXT_LIMIT = 25;
export const COMPONENT_LIMITS = { ...TEXT_LIMITS, buttons: BUTTON_TEXT_LIMIT } as const;

/** One template's translatable texts as an i18next JSON v4 object; buttons by index ("0", "1", …). */
export interface ResourceEntry {
  header?: string;
  body?: string;
  footer?: string;
  buttons?: Record<string, string>;
}

export type Resource = Record<string, ResourceEntry>;
export type ResourceStyle = 'nested' | 'flat';

export function toResourceEntry(content: VersionContent): ResourceEntry {
  const buttons = content.buttons ?? [];
  return {
    ...(content.header ? { header: content.header } : {}),
    body: content.body,
    ...(content.footer ? { footer: content.footer } : {}),
    ...(buttons.length ? { buttons: Object.fromEntries(buttons.map((b, i) => [String(i), b.text])) } : {}),
  };
}

/** The flat style: `"lesson_rescheduled.body"`, `"lesson_rescheduled.buttons.0"` (i18next's keySeparator is "."). */
export function flattenResource(resource: Resource): Record<string, string> {
  const flat: Record<string, string> = {};
  const walk = (prefix: string, value: unknown) => {
    if (typeof value === 'string') flat[prefix] = value;
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(`${prefix}.${k}`, v);
  };
  for (const [key, entry] of Object.entries(resource)) walk(key, entry);
  return flat;
}

/**
 * Why an import refuses an entry: a stable code, and the values its reason is written from (in the
 * caller's language, `import.<code>` in the locale files; `context` picks a variant of the text).
 */
export const REFUSAL_CODES = [
  'unknown-template',
  'no-base-version',
  'not-a-string',
  'malformed',
  'unknown-button',
  'variables-differ',
  'too-long',
  'lint-errors',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];
export interface Refusal {
  code: RefusalCode;
  params: Record<string, string | number>;
}

export interface ParsedResource {
  entries: Map<string, ResourceEntry>;
  /** Keys whose shape is not a template's texts, with why. */
  malformed: Array<{ key: string } & Refusal>;
}

const TEXT_COMPONENTS = new Set(['header', 'body', 'footer']);

/**
 * Reads a resource in either style, or a mix of both: every leaf is flattened to its dotted path
 * first, so `{"k": {"body": …}}` and `{"k.body": …}` land on the same entry.
 */
export function parseResource(input: Record<string, unknown>): ParsedResource {
  const entries = new Map<string, ResourceEntry>();
  const malformed = new Map<string, Refusal>();
  const leaves: Array<[string[], unknown]> = [];
  const walk = (path: string[], value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk([...path, ...k.split('.')], v);
    } else leaves.push([path, value]);
  };
  for (const [k, v] of Object.entries(input)) walk(k.split('.'), v);
  for (const [path, value] of leaves) {
    const [key = '', component = '', index, ...rest] = path;
    const entry = entries.get(key) ?? {};
    entries.set(key, entry);
    if (typeof value !== 'string') {
      malformed.set(key, { code: 'not-a-string', params: { path: path.join('.') } });
    } else if (TEXT_COMPONENTS.has(component) && index === undefined) {
      entry[component as 'header' | 'body' | 'footer'] = value;
    } else if (component === 'buttons' && index !== undefined && /^\d+$/.test(index) && !rest.length) {
      entry.buttons = { ...entry.buttons, [index]: value };
    } else {
      malformed.set(key, { code: 'malformed', params: { path: path.join('.') } });
    }
  }
  for (const key of malformed.keys()) entries.delete(key);
  return { entries, malformed: [...malformed].map(([key, refusal]) => ({ key, ...refusal })) };
}

/**
 * The draft an entry makes from `base` (the variant's newest version, or another language's when
 * the variant has none): the entry's texts replace the base's; buttons keep their type and URL.
 */
export function applyEntry(
  base: VersionContent,
  entry: ResourceEntry,
): { content: VersionContent } | { refused: Refusal } {
  const buttons = base.buttons ?? [];
  const extra = Object.keys(entry.buttons ?? {}).filter((index) => Number(index) >= buttons.length);
  if (extra.length)
    return {
      refused: { code: 'unknown-button', params: { buttons: `buttons.${extra.join(', buttons.')}` } },
    };
  return {
    content: {
      header: entry.header !== undefined ? entry.header || null : (base.header ?? null),
      body: entry.body ?? base.body,
      footer: entry.footer !== undefined ? entry.footer || null : (base.footer ?? null),
      buttons: buttons.length
        ? buttons.map((button, i) => ({ ...button, text: entry.buttons?.[String(i)] ?? button.text }))
        : null,
    },
  };
}

const variableList = (names: string[]) => names.map((name) => `{{${name}}}`).join(', ');

/** Why a translated text cannot be a draft of a template with these variables, or null. */
export function entryProblem(content: VersionContent, templateVariables: string[]): Refusal | null {
  const used = new Set(usedVariables(content));
  const declared = new Set(templateVariables);
  const missing = [...declared].filter((name) => !used.has(name));
  const unknown = [...used].filter((name) => !declared.has(name));
  if (missing.length || unknown.length) {
    const context = missing.length && unknown.length ? 'both' : missing.length ? 'missing' : 'unknown';
    const params = { missing: variableList(missing), unknown: variableList(unknown), context };
    return { code: 'variables-differ', params };
  }
  const tooLong = (component: string, text: string, limit: number): Refusal | null => {
    const length = characterCount(text);
    return length > limit ? { code: 'too-long', params: { component, limit, length } } : null;
  };
  for (const component of ['header', 'body', 'footer'] as const) {
    const text = content[component];
    const refusal = text ? tooLong(component, text, COMPONENT_LIMITS[component]) : null;
    if (refusal) return refusal;
  }
  for (const [i, button] of (content.buttons ?? []).entries()) {
    const refusal = tooLong(`buttons.${i}`, button.text, BUTTON_TEXT_LIMIT);
    if (refusal) return refusal;
  }
  return null;
}
