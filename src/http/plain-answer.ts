import type { Context } from 'hono';
import type { AppEnv } from './env.ts';

/**
 * Marks an answer that carries X-Request-Id already, so the observing middleware leaves its headers
 * alone. A property, not a WeakSet: weak entries for every request cost the garbage collector.
 */
const CARRIES_REQUEST_ID = Symbol('carries X-Request-Id');

/**
 * An answer with its headers as a plain object, X-Request-Id included. @hono/node-server writes
 * such a response on its fast path; `c.json` or `c.body` after any `c.header` call build a web
 * `Headers` object that the adapter then reads back entry by entry, a few microseconds per request.
 * For the hot routes (render, bundle revalidation). `headers` is a fresh object: X-Request-Id is
 * added to it.
 */
export function plainAnswer(
  c: Context<AppEnv>,
  body: string | null,
  status: number,
  headers: Record<string, string>,
): Response {
  const requestId = c.get('requestId');
  if (requestId === undefined) return new Response(body, { status, headers });
  headers['x-request-id'] = requestId;
  const answer = new Response(body, { status, headers });
  Object.defineProperty(answer, CARRIES_REQUEST_ID, { value: true });
  return answer;
}

/** A JSON answer from an already serialised body (the content type `c.json` sends). */
export function jsonAnswer(c: Context<AppEnv>, body: string, status = 200): Response {
  return plainAnswer(c, body, status, { 'content-type': 'application/json' });
}

export function carriesRequestId(answer: Response): boolean {
  return CARRIES_REQUEST_ID in answer;
}
