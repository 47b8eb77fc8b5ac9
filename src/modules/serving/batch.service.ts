import { z } from 'zod';
import type { ServedVersion } from '../../domain/served-version.ts';
import { AppError, fieldError } from '../../errors.ts';
import { fieldMessage } from '../../http/field-messages.ts';
import type { Principal } from '../../http/principal.ts';
import { zodFieldErrors } from '../../http/problem.ts';
import type { ProviderRegistry } from '../../providers/registry.ts';
import {
  fastRecipient,
  LANGUAGE_TAG,
  MAX_RECIPIENT_VARIABLES,
  MAX_VARIABLE_NAME_LENGTH,
  PHONE_NUMBER,
  type Recipient,
} from './fast-input.ts';
import { type RenderResult, renderServed, resolveServed } from './render.service.ts';
import type { ServingIndex } from './serving-index.ts';

export const MAX_BATCH_RECIPIENTS = 10_000;
/** Variables over the whole batch: 10 per recipient of a full batch. */
export const MAX_BATCH_VARIABLES = 100_000;
/** Undeclared names quoted per recipient: enough to spot a typo, never an echo of the request. */
const QUOTED_UNDECLARED = 5;

export const RecipientSchema = z
  .object({
    to: z.string().regex(PHONE_NUMBER, fieldMessage('phone-number')),
    language: z.string().regex(LANGUAGE_TAG).optional(),
    // Checked as a whole, so a problem never quotes a caller's arbitrary key back.
    variables: z
      .record(z.string(), z.unknown())
      .default({})
      .refine(
        (variables) => Object.keys(variables).length <= MAX_RECIPIENT_VARIABLES,
        fieldMessage('variables.too-many', { max: MAX_RECIPIENT_VARIABLES }),
      )
      .refine(
        (variables) => Object.keys(variables).every((name) => name.length <= MAX_VARIABLE_NAME_LENGTH),
        fieldMessage('variables.name-too-long', { max: MAX_VARIABLE_NAME_LENGTH }),
      ),
  })
  .strict();

/** Refuses, before any rendering, a batch carrying more variables than any sensible send needs. */
export function assertBatchSize(recipients: unknown[]): void {
  let total = 0;
  for (const recipient of recipients) {
    const variables: unknown =
      typeof recipient === 'object' && recipient !== null ? Reflect.get(recipient, 'variables') : undefined;
    if (typeof variables === 'object' && variables !== null) total += Object.keys(variables).length;
  }
  if (total > MAX_BATCH_VARIABLES) {
    throw new AppError('validation-failed', {
      errors: [fieldError('/recipients', 'variables.batch-too-many', { total, max: MAX_BATCH_VARIABLES })],
    });
  }
}

/**
 * Names the served template does not declare: 422 invalid-variables, as `POST /v1/render` answers,
 * quoting a few of them and counting the rest.
 */
function assertDeclared(declared: ReadonlySet<string>, variables: Record<string, unknown>): void {
  if (allDeclared(declared, variables)) return;
  const undeclared = Object.keys(variables).filter((name) => !declared.has(name));
  const errors = undeclared
    .slice(0, QUOTED_UNDECLARED)
    .map((name) => fieldError(`/variables/${name}`, 'value.undeclared'));
  if (undeclared.length > QUOTED_UNDECLARED) {
    errors.push(
      fieldError('/variables', 'variables.more-undeclared', { more: undeclared.length - QUOTED_UNDECLARED }),
    );
  }
  throw new AppError('invalid-variables', { errors });
}

/** The common case, checked without allocating. */
function allDeclared(declared: ReadonlySet<string>, variables: Record<string, unknown>): boolean {
  for (const name in variables) if (!declared.has(name)) return false;
  return true;
}

function parseRecipient(input: unknown): Recipient {
  const parsed = RecipientSchema.safeParse(input);
  if (!parsed.success) throw new AppError('validation-failed', { errors: zodFieldErrors(parsed.error) });
  return parsed.data;
}

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
  const resolved = new Map<
    string,
    { served: ServedVersion; requestedLanguage: string; declared: ReadonlySet<string> } | AppError
  >();
  const resolve = (language: string | undefined) => {
    const cacheKey = language ?? '';
    let hit = resolved.get(cacheKey);
    if (!hit) {
      try {
        const found = resolveServed(index, principal, { ...request, language });
        const template = index.templates.get(found.served.templateKey);
        hit = { ...found, declared: new Set(template?.variables.map((variable) => variable.name)) };
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
      const input = request.recipients[i];
      const recipient = fastRecipient(input) ?? parseRecipient(input);
      const { served, requestedLanguage, declared } = resolve(recipient.language);
      assertDeclared(declared, recipient.variables);
      yield {
        index: i,
        status: 200,
        result: renderServed(index, providers, served, requestedLanguage, recipient.variables, recipient.to),
      };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      yield { index: i, status: error.status, error };
    }
  }
}
