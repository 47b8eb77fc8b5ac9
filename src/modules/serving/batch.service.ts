import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { Principal } from '../../http/principal.ts';
import { zodFieldErrors } from '../../http/problem.ts';
import type { ProviderRegistry } from '../../providers/registry.ts';
import { type RenderResult, renderServed, resolveServed } from './render.service.ts';
import type { ServedVersion } from '../../domain/served-version.ts';
import type { ServingIndex } from './serving-index.ts';

export const MAX_BATCH_RECIPIENTS = 10_000;

export const RecipientSchema = z
  .object({
    to: z.string().regex(/^\+?[0-9]{6,20}$/, 'a phone number in international format'),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Z]{2}|-[A-Z][a-z]{3})?$/)
      .optional(),
    variables: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export interface BatchRequest {
  template: string;
  market: string;
  allowFallback?: boolean | undefined;
  recipients: unknown[];
}

export type BatchItem =
  | { index: number; status: 200; result: RenderResult }
  | { index: number; status: number; error: AppError };

/**
 * Renders each recipient on its own: one failing recipient yields its problem and the batch goes
 * on. Which version serves a language is worked out once per language, not per recipient.
 */
export function* renderBatch(
  index: ServingIndex,
  providers: ProviderRegistry,
  principal: Principal,
  request: BatchRequest,
): Generator<BatchItem> {
  const resolved = new Map<string, { served: ServedVersion; requestedLanguage: string } | AppError>();
  const resolve = (language: string | undefined) => {
    const cacheKey = language ?? '';
    let hit = resolved.get(cacheKey);
    if (!hit) {
      try {
        hit = resolveServed(index, principal, { ...request, language });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        hit = error;
      }
      resolved.set(cacheKey, hit);
    }
    if (hit instanceof AppError) throw hit;
    return hit;
  };
  for (let i = 0; i < request.recipients.length; i++) {
    try {
      const parsed = RecipientSchema.safeParse(request.recipients[i]);
      if (!parsed.success) throw new AppError('validation-failed', { errors: zodFieldErrors(parsed.error) });
      const { served, requestedLanguage } = resolve(parsed.data.language);
      yield {
        index: i,
        status: 200,
        result: renderServed(
          index,
          providers,
          served,
          requestedLanguage,
          parsed.data.variables,
          parsed.data.to,
        ),
      };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      yield { index: i, status: error.status, error };
    }
  }
}
