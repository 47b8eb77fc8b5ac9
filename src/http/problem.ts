import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { i18n, TFunction } from 'i18next';
import type { Logger } from 'pino';
import { type ZodError, z } from 'zod';
import type { $ZodErrorMap, $ZodRawIssue } from 'zod/v4/core';
import { en, pl, ru, tr } from 'zod/v4/locales';
import { AppError, type FieldError, fieldError, PROBLEM_STATUS, type ProblemType } from '../errors.ts';
import { languageOf, translatorFor, type UiLanguage } from '../i18n.ts';
import type { AppEnv } from './env.ts';
import { keyedMessage } from './field-messages.ts';
import { requestLog, routeOf } from './observe.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const ZOD_LOCALES: Record<UiLanguage, $ZodErrorMap> = {
  en: en().localeError,
  ru: ru().localeError,
  pl: pl().localeError,
  tr: tr().localeError,
};

/**
 * Marks issues whose message is zod's own (a schema's custom message never reaches this hook) and
 * keeps what the locales need to say what was received: zod drops `input` from finished issues.
 * JSON bodies hold no class instances, so an empty object or array stands in for one.
 */
const LOCALISABLE = 'vettedLocalisable';
z.config({
  customError: (issue) => {
    // Only "expected X, received Y" reads the input; a long string is not worth keeping for others.
    const input = issue.code === 'invalid_type' ? issue.input : undefined;
    const standIn = Array.isArray(input) ? [] : typeof input === 'object' && input !== null ? {} : input;
    Object.assign(issue, { [LOCALISABLE]: { input: standIn } });
    return undefined;
  },
});

/** The zod issue behind a field error, so its message can be written in each caller's language. */
const issueOfFieldError = new WeakMap<FieldError, $ZodRawIssue>();

export function zodFieldErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.length ? `/${issue.path.map(String).join('/')}` : '/';
    const keyed = keyedMessage(issue);
    if (keyed) return fieldError(path, keyed.messageKey, keyed.params);
    const zodError = { path, message: issue.message };
    const localisable: unknown = Reflect.get(issue, LOCALISABLE);
    if (typeof localisable === 'object' && localisable !== null) {
      const raw = Object.fromEntries(Object.entries(issue).filter(([key]) => key !== LOCALISABLE));
      issueOfFieldError.set(zodError, { ...raw, input: Reflect.get(localisable, 'input') } as $ZodRawIssue);
    }
    return zodError;
  });
}

function localisedFieldError(error: FieldError, t: TFunction): { path: string; message: string } {
  if ('messageKey' in error)
    return { path: error.path, message: t(`fields.${error.messageKey}`, error.params) };
  const issue = issueOfFieldError.get(error);
  const localised = issue ? ZOD_LOCALES[languageOf(t)](issue) : undefined;
  const message = typeof localised === 'string' ? localised : localised?.message;
  return { path: error.path, message: message ?? error.message };
}

function statusToType(status: number): ProblemType {
  const match = (Object.entries(PROBLEM_STATUS) as Array<[ProblemType, number]>).find(
    ([, s]) => s === status,
  );
  return match ? match[0] : status >= 500 ? 'internal' : 'malformed-request';
}

/** Turns anything thrown into an AppError; unknown errors become an opaque 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 400 && /json/i.test(error.message)) return new AppError('malformed-request');
    return new AppError(statusToType(error.status));
  }
  if (error instanceof Error && error.name === 'PayloadTooLargeError')
    return new AppError('payload-too-large');
  return new AppError('internal');
}

/**
 * The problem document of an error, localised with `t`. `defaults` fill placeholders the error
 * leaves out (the request path as `resource`), so a detail never shows a raw `{{placeholder}}`.
 */
export function problemBody(
  error: AppError,
  t: TFunction,
  defaults: Record<string, string | number> = {},
): Record<string, unknown> {
  return {
    type: `/problems/${error.type}`,
    title: t(`problems.${error.type}.title`),
    status: error.status,
    detail: t(`problems.${error.type}.detail`, { ...defaults, ...error.params }),
    ...(error.errors ? { errors: error.errors.map((fieldError) => localisedFieldError(fieldError, t)) } : {}),
    ...error.extensions,
  };
}

/**
 * The path as the client sent it, still percent-encoded (a URI reference, as RFC 9457 wants): the
 * decoded one can hold a NUL, which no stored answer (jsonb) can.
 */
function sentPath(c: Context): string {
  return new URL(c.req.url).pathname;
}

export function problemResponse(c: Context, error: AppError, i18n: i18n): Response {
  const t = translatorFor(i18n, c.req.header('accept-language'));
  const requestId = c.get('requestId' as never) as string | undefined;
  const path = sentPath(c);
  const { type, title, status, detail, ...rest } = problemBody(error, t, { resource: path });
  const body = {
    type,
    title,
    status,
    detail,
    instance: path,
    ...(requestId ? { requestId } : {}),
    ...rest,
  };
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE };
  if (requestId) headers['x-request-id'] = requestId;
  const retryAfter = error.extensions.retryAfter;
  if (typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
  Object.assign(headers, error.headers);
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

export function createErrorHandler(i18n: i18n, log: Logger) {
  return (error: unknown, c: Context): Response => {
    const appError = toAppError(error);
    // The route pattern, not the path: a path can hold a secret (Gupshup's webhook token).
    if (appError.status >= 500)
      requestLog(c as Context<AppEnv>, log).error({ err: error, route: routeOf(c) }, 'request failed');
    return problemResponse(c, appError, i18n);
  };
}
