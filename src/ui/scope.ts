import type { Context } from 'hono';
import type { Actor } from '../context.ts';
import { AppError } from '../errors.ts';
import { assertInScope } from '../http/principal.ts';
import type { VariantRef } from '../modules/serving/serving-index.ts';
import type { UiEnv } from './ui-env.ts';

/** The variant named by the path, checked against the key's markets and languages as the API does (404). */
export function variantOf(c: Context<UiEnv>): VariantRef {
  const { key = '', market = '', language = '' } = c.req.param();
  assertInScope(
    c.var.principal,
    market,
    language,
    new AppError('not-found', { params: { resource: c.req.path } }),
  );
  return { templateKey: key, market, language };
}

/** Who is making the change, for the audit trail: the session's key, as with the API. */
export function uiActor(c: Context<UiEnv>): Actor {
  return { keyId: c.var.principal.keyId, name: c.var.principal.name, requestId: c.var.requestId };
}
