import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { zodFieldErrors } from '../http/problem.ts';
import type { UiEnv } from './ui-env.ts';

/** A form's text fields; uploads are read where a page takes one. Browsers send CRLF: kept as LF. */
export async function formFields(c: Context<UiEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') fields[name] = value.replace(/\r\n?/g, '\n');
  }
  return fields;
}

/** Input checked by the same zod schema the API uses: a failure is the API's 422, field by field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new AppError('validation-failed', { errors: zodFieldErrors(result.error) });
  return result.data;
}

/** "TR, PL" → ["TR", "PL"]; empty → undefined. */
export function listField(value: string | undefined): string[] | undefined {
  const items = (value ?? '')
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}
