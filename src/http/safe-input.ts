import { z } from '@hono/zod-openapi';
import { type TextKind, unsafeCharacter } from '../domain/text-safety.ts';
import { issueParams } from './field-messages.ts';

/** The largest value of a PostgreSQL `integer` column; a bigger number is a 422, not a database error. */
export const INT4_MAX = 2_147_483_647;

/**
 * A string field that refuses what cannot be stored or shown safely, per `kind` (see TextKind):
 * every string a client sends goes through one of these, so a NUL is a 422 naming the field
 * rather than a database error.
 */
export function safeText(kind: TextKind = 'line') {
  return z.string().superRefine((value, ctx) => {
    const problem = unsafeCharacter(value, kind);
    if (problem === undefined) return;
    ctx.addIssue({
      code: 'custom',
      params: issueParams(problem === 'control' && kind === 'text' ? 'text.layout' : `text.${problem}`),
    });
  });
}
