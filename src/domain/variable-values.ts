import { z } from 'zod';
import type { TemplateVariable, VariableType } from './content.ts';
import { unsafeCharacter } from './text-safety.ts';

export interface FormatContext {
  /** The served variant's language (BCP 47), which decides number and date formats. */
  language: string;
  timezone: string;
  currency: string;
}

/**
 * Why a value was refused, as a code: the HTTP layer writes it in the caller's language
 * (`fields.value.<code>` in the locale files).
 */
const VALUE_ERROR_CODES = [
  'undeclared',
  'expected-number',
  'expected-finite-number',
  'expected-string',
  'control-characters',
  'url-suffix-escapes',
  'expected-date',
  'expected-datetime',
  'invalid',
] as const;
export type ValueErrorCode = (typeof VALUE_ERROR_CODES)[number];

const isValueErrorCode = (value: string): value is ValueErrorCode =>
  (VALUE_ERROR_CODES as readonly string[]).includes(value);

export interface ValueError {
  name: string;
  code: ValueErrorCode;
}

export type ValueFormatter = (raw: Record<string, unknown>) => {
  values: Record<string, string>;
  errors: ValueError[];
};

const numeric = z
  .union(
    [
      z.number(),
      z
        .string()
        .trim()
        .regex(/^[+-]?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?$/, 'expected-number')
        .transform(Number),
    ],
    { error: 'expected-number' },
  )
  // "1e999" is well-formed yet Infinity, which would be shown as ∞.
  .refine(Number.isFinite, 'expected-finite-number')
  .transform((n) => (Object.is(n, -0) ? 0 : n));
const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });
// The schemas' messages are ValueErrorCodes.
// Line breaks and tabs are left to the send-time rules, which name them.
const text = z
  .union([z.string(), z.number().transform(String)], { error: 'expected-string' })
  .refine((value) => unsafeCharacter(value, 'text') === undefined, 'control-characters');

const DOT_SEGMENT = /(^|[/\\])\.{1,2}([/\\]|$)/;
const MAX_DECODINGS = 3;

// Dots and slashes are ASCII, so decoding the ASCII escapes reveals them, as the most lenient
// server would, without failing on a malformed escape elsewhere.
const decodeAsciiEscapes = (value: string) =>
  value.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/**
 * A URL suffix is appended to the URL the provider approved. A dot segment or a backslash (which
 * browsers read as a slash) would climb out of that prefix, also once the receiving server has
 * percent-decoded it, possibly more than once.
 */
function staysUnderPrefix(suffix: string): boolean {
  let value = suffix;
  for (let decodings = 0; decodings <= MAX_DECODINGS; decodings++) {
    if (value.includes('\\') || DOT_SEGMENT.test(value)) return false;
    const decoded = decodeAsciiEscapes(value);
    if (decoded === value) return true;
    value = decoded;
  }
  // Still changing after several decodings: nothing legitimate is encoded that deep.
  return false;
}

const urlSuffix = text.refine(staysUnderPrefix, 'url-suffix-escapes');

/**
 * One formatter per type and format context; the Intl formatters are built once, since building
 * them costs far more than using them.
 */
function typeFormatter(type: VariableType, ctx: FormatContext): (value: unknown) => string | RefusedValue {
  const { language, timezone, currency } = ctx;
  switch (type) {
    case 'text':
      // A clean string, the common case, skips the schema: the same check, without its allocations.
      return (value) =>
        typeof value === 'string' && unsafeCharacter(value, 'text') === undefined
          ? value
          : parseOr(text, value, (v) => v);
    case 'number': {
      const format = new Intl.NumberFormat(language);
      return (value) => parseOr(numeric, value, (n) => format.format(n));
    }
    case 'currency': {
      const format = new Intl.NumberFormat(language, { style: 'currency', currency });
      return (value) => parseOr(numeric, value, (n) => format.format(n));
    }
    case 'date': {
      // A bare date is a calendar day: format it in UTC so no time zone moves it to another day.
      const dayFormat = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' });
      const instantFormat = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: timezone });
      return (value) => {
        if (typeof value === 'string' && isoDate.safeParse(value).success)
          return dayFormat.format(new Date(`${value}T00:00:00Z`));
        return parseOr(isoDateTime, value, (v) => instantFormat.format(new Date(v)), 'expected-date');
      };
    }
    case 'datetime': {
      const format = new Intl.DateTimeFormat(language, {
        dateStyle: 'long',
        timeStyle: 'short',
        timeZone: timezone,
      });
      return (value) => parseOr(isoDateTime, value, (v) => format.format(new Date(v)), 'expected-datetime');
    }
    case 'url_suffix':
      // Percent-encode each path segment; the slashes between them stay.
      return (value) => parseOr(urlSuffix, value, (v) => v.split('/').map(encodeURIComponent).join('/'));
  }
}

class RefusedValue {
  readonly code: ValueErrorCode;
  constructor(code: ValueErrorCode) {
    this.code = code;
  }
}

function parseOr<T>(
  schema: z.ZodType<T>,
  value: unknown,
  format: (parsed: T) => string,
  code?: ValueErrorCode,
) {
  const parsed = schema.safeParse(value);
  if (parsed.success) return format(parsed.data);
  const message = parsed.error.issues[0]?.message ?? '';
  return new RefusedValue(code ?? (isValueErrorCode(message) ? message : 'invalid'));
}

/**
 * Validates and formats the values a sender gives for a template's typed variables, for one
 * language, time zone and currency: `date`/`datetime` take ISO 8601, `number`/`currency` take
 * numbers or numeric strings, `url_suffix` is percent-encoded, and a name the template does not
 * declare is an error.
 */
export function createValueFormatter(variables: TemplateVariable[], ctx: FormatContext): ValueFormatter {
  const formatters = new Map(variables.map((variable) => [variable.name, typeFormatter(variable.type, ctx)]));
  return (raw) => {
    const values: Record<string, string> = {};
    const errors: ValueError[] = [];
    for (const [name, value] of Object.entries(raw)) {
      const format = formatters.get(name);
      if (!format) {
        errors.push({ name, code: 'undeclared' });
        continue;
      }
      const result = format(value);
      if (result instanceof RefusedValue) errors.push({ name, code: result.code });
      else values[name] = result;
    }
    return { values, errors };
  };
}
