import type { Context } from 'hono';
import { AppError } from '../errors.ts';
import { requestHeader } from './headers.ts';

/** The request body as JSON, for routes that validate it themselves: 415 unless JSON, 400 when it does not parse. */
export async function readJson(c: Context): Promise<unknown> {
  const type = requestHeader(c, 'content-type');
  if (!type || !/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type))
    throw new AppError('unsupported-media-type');
  try {
    return await c.req.json();
  } catch {
    throw new AppError('malformed-request');
  }
}
