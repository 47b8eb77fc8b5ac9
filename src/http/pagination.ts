import { z } from '@hono/zod-openapi';
import { AppError } from '../errors.ts';

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
  cursor: z.string().max(500).optional().openapi({ description: 'Opaque cursor from a previous page' }),
};

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export function encodeCursor(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

const invalidCursor = () =>
  new AppError('validation-failed', { errors: [{ path: '/cursor', message: 'Invalid cursor' }] });

export function decodeCursor(cursor: string): string {
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!value) throw invalidCursor();
  return value;
}

/** A cursor holding a row number (version number, event id). */
export function decodeIntegerCursor(cursor: string): number {
  const value = Number(decodeCursor(cursor));
  if (!Number.isSafeInteger(value)) throw invalidCursor();
  return value;
}

/** A cursor holding a timestamp. */
export function decodeDateCursor(cursor: string): Date {
  const value = new Date(decodeCursor(cursor));
  if (Number.isNaN(value.getTime())) throw invalidCursor();
  return value;
}
