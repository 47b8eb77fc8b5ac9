import type en from '../locales/en/translation.json';

/**
 * The closed list of problem types the API answers with. Senders branch on these slugs
 * (`/problems/<type>`), so a type is never renamed once published.
 */
export const PROBLEM_STATUS = {
  'malformed-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'unknown-template': 404,
  'unknown-market': 404,
  'unknown-version': 404,
  'no-approved-variant': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'version-frozen': 409,
  'market-upcoming': 409,
  'invalid-transition': 409,
  'precondition-failed': 412,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'validation-failed': 422,
  'invalid-variables': 422,
  'lint-failed': 422,
  'idempotency-key-reused': 422,
  'precondition-required': 428,
  'rate-limited': 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ProblemType = keyof typeof PROBLEM_STATUS;

export type MessageParams = Record<string, string | number>;

/** Dotted paths of a locale subtree's texts: `{a: {b: 'x'}}` gives `'a.b'`. */
type TextKeys<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : TextKeys<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** A key under `fields.` in the locale files; a key the English file lacks does not compile. */
export type FieldMessageKey = TextKeys<(typeof en)['fields']>;

/**
 * One field's problem in `errors[]`. Our own checks name a locale key (see `fieldError`); zod's
 * built-in checks carry zod's English text. problemBody writes both in the caller's language.
 */
export type FieldError =
  | { path: string; messageKey: FieldMessageKey; params: MessageParams }
  | { path: string; message: string };

/** A field error whose message is `fields.<messageKey>` of the caller's language, filled from `params`. */
export function fieldError(
  path: string,
  messageKey: FieldMessageKey,
  params: MessageParams = {},
): FieldError {
  return { path, messageKey, params };
}

/**
 * The one error services throw. It carries a stable problem type, the values the localised
 * detail is built from, and optional extra members that end up in the problem document.
 */
export class AppError extends Error {
  readonly type: ProblemType;
  readonly status: number;
  readonly params: Record<string, string | number>;
  readonly errors: FieldError[] | undefined;
  readonly extensions: Record<string, unknown>;
  /** Response header fields that belong to the problem (Retry-After, RateLimit). */
  readonly headers: Record<string, string>;

  constructor(
    type: ProblemType,
    options: {
      params?: Record<string, string | number>;
      errors?: FieldError[];
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
      message?: string;
    } = {},
  ) {
    super(options.message ?? type);
    this.name = 'AppError';
    this.type = type;
    this.status = PROBLEM_STATUS[type];
    this.params = options.params ?? {};
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}
