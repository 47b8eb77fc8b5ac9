import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { i18n, TFunction } from 'i18next';
import type { Logger } from 'pino';
import type { ZodError } from 'zod';
import { AppError, type FieldError, PROBLEM_STATUS, type ProblemType } from '../errors.ts';
import { translatorFor } from '../i18n.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function zodFieldErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? `/${issue.path.map(String).join('/')}` : '/',
    message: issue.message,
  }));
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
    ...(error.errors ? { errors: error.errors } : {}),
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
    if (appError.status >= 500) log.error({ err: error, path: c.req.path }, 'request failed');
    return problemResponse(c, appError, i18n);
  };
}
