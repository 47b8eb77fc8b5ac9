import { TEMPLATE_KEY_PATTERN } from '../../domain/naming.ts';
import type { RenderRequest } from './render.service.ts';

/**
 * The common shapes of a render request and of a batch recipient, checked by hand. A zod parse
 * costs a few microseconds per object, a large share of a render; these checks accept only input
 * their schema accepts, and give the same data (test/http/fast-input.test.ts holds them to that).
 * Anything else, including every bad input, returns undefined and goes through the schema, which
 * words the problem.
 */

export const PHONE_NUMBER = /^\+?[0-9]{6,20}$/;
export const MARKET_CODE = /^[A-Z]{2}$/;
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Z]{2}|-[A-Z][a-z]{3})?$/;
/** The longest string a render request may give as a variable value. */
export const MAX_VALUE_LENGTH = 2000;
/** A template declares at most 50 variables; a recipient may not send more names than that. */
export const MAX_RECIPIENT_VARIABLES = 50;
export const MAX_VARIABLE_NAME_LENGTH = 64;

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const matches = (value: unknown, pattern: RegExp): value is string =>
  typeof value === 'string' && pattern.test(value);

/** A string no longer than the limit, or a finite number. */
const isRenderValue = (value: unknown) =>
  typeof value === 'string' ? value.length <= MAX_VALUE_LENGTH : Number.isFinite(value);

/** `__proto__` as a key is left to the schema, which knows what to make of it. */
const UNSAFE_KEY = '__proto__';

export function fastRenderRequest(body: unknown): RenderRequest | undefined {
  if (!isObject(body)) return undefined;
  let template: string | undefined;
  let market: string | undefined;
  let language: string | undefined;
  let to: string | undefined;
  let variables: JsonObject = {};
  let allowFallback = false;
  for (const key in body) {
    const value = body[key];
    switch (key) {
      case 'template':
        if (!matches(value, TEMPLATE_KEY_PATTERN)) return undefined;
        template = value;
        break;
      case 'market':
        if (!matches(value, MARKET_CODE)) return undefined;
        market = value;
        break;
      case 'language':
        if (!matches(value, LANGUAGE_TAG)) return undefined;
        language = value;
        break;
      case 'to':
        if (!matches(value, PHONE_NUMBER)) return undefined;
        to = value;
        break;
      case 'allowFallback':
        if (typeof value !== 'boolean') return undefined;
        allowFallback = value;
        break;
      case 'variables':
        if (!isObject(value)) return undefined;
        for (const name in value) if (name === UNSAFE_KEY || !isRenderValue(value[name])) return undefined;
        variables = value;
        break;
      default:
        return undefined;
    }
  }
  if (template === undefined || market === undefined) return undefined;
  return { template, market, language, variables, to, allowFallback };
}

export interface Recipient {
  to: string;
  language?: string | undefined;
  variables: JsonObject;
}

export function fastRecipient(input: unknown): Recipient | undefined {
  if (!isObject(input)) return undefined;
  let to: string | undefined;
  let language: string | undefined;
  let variables: JsonObject = {};
  for (const key in input) {
    const value = input[key];
    switch (key) {
      case 'to':
        if (!matches(value, PHONE_NUMBER)) return undefined;
        to = value;
        break;
      case 'language':
        if (!matches(value, LANGUAGE_TAG)) return undefined;
        language = value;
        break;
      case 'variables': {
        if (!isObject(value)) return undefined;
        let count = 0;
        for (const name in value) {
          count += 1;
          if (name === UNSAFE_KEY || name.length > MAX_VARIABLE_NAME_LENGTH) return undefined;
        }
        if (count > MAX_RECIPIENT_VARIABLES) return undefined;
        variables = value;
        break;
      }
      default:
        return undefined;
    }
  }
  if (to === undefined) return undefined;
  return { to, language, variables };
}
