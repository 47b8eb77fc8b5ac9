import type { Context } from 'hono';
import { AppError } from '../errors.ts';

/** Strong ETag of a mutable resource: its identity plus its revision counter. */
export function etagOf(id: string, revision: number): string {
  return `"${id}.${revision}"`;
}

/** The If-Match values of a request; PATCH and DELETE refuse to run without one (428). */
export function requireIfMatch(c: Context): string[] {
  const header = c.req.header('if-match');
  if (!header?.trim()) throw new AppError('precondition-required');
  return header.split(',').map((value) => value.trim());
}

export function assertEtagMatches(ifMatch: string[], current: string): void {
  if (ifMatch.includes('*') || ifMatch.includes(current)) return;
  throw new AppError('precondition-failed');
}
