import { z } from '@hono/zod-openapi';
import { type TextKind, type UnsafeCharacter, unsafeCharacter } from '../domain/text-safety.ts';

/** The largest value of a PostgreSQL `integer` column; a bigger number is a 422, not a database error. */
export const INT4_MAX = 2_147_483_647;

const MESSAGES: Record<UnsafeCharacter, string> = {
  malformed: 'must be valid Unicode text (a lone surrogate is not)',
  control: 'must not contain control characters (NUL, escape, …)',
  hidden: 'must not contain invisible characters (bidi controls, zero-width characters)',
};
const LAYOUT_MESSAGE = 'must not contain control characters other than tab and line breaks';

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
      message: problem === 'control' && kind === 'text' ? LAYOUT_MESSAGE : MESSAGES[problem],
    });
  });
}
