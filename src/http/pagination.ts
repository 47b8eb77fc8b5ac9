import { z } from '@hono/zod-openapi';
import { unsafeCharacter } from '../domain/text-safety.ts';
import { AppError, fieldError } from '../errors.ts';
import { fieldMessage } from './field-messages.ts';
import { INT4_MAX } from './safe-input.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ description: 'Page size, at most 200' }),
  cursor: z
    .string()
    .max(500)
    .regex(/^[\w-]*$/, fieldMessage('cursor'))
    .optional()
    .openapi({ description: 'Opaque cursor from a previous page' }),
};

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export function encodeCursor(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

const invalidCursor = () => new AppError('validation-failed', { errors: [fieldError('/cursor', 'cursor')] });

/** A cursor is only what encodeCursor wrote: the same bytes back, one line of well-formed text. */
export function decodeCursor(cursor: string): string {
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!value || encodeCursor(value) !== cursor || unsafeCharacter(value, 'line')) throw invalidCursor();
  return value;
}

/**
 * A cursor holding a row number (version number, event id), within the column's range: `max` is
 * PostgreSQL's `integer` unless the column is a `bigint`.
 */
export function decodeIntegerCursor(cursor: string, max = INT4_MAX): number {
  const value = decodeCursor(cursor);
  if (!/^\d{1,16}$/.test(value) || Number(value) > max) throw invalidCursor();
  return Number(value);
}

// What Date.toISOString writes for years 0001–9999, the range PostgreSQL timestamps and JavaScript agree on.
const ISO_TIMESTAMP = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A cursor holding a timestamp. */
export function decodeDateCursor(cursor: string): Date {
  const text = decodeCursor(cursor);
  const value = new Date(text);
  if (!ISO_TIMESTAMP.test(text) || Number.isNaN(value.getTime()) || value.toISOString() !== text)
    throw invalidCursor();
  return value;
}
