import type { FieldMessageKey, MessageParams } from '../errors.ts';

/**
 * Our own messages for zod checks, written in the caller's language like every field error: an
 * issue carries `params: { messageKey, …values }` and zodFieldErrors turns it into a `fieldError`
 * (`fields.<messageKey>` in the locale files).
 */
const MESSAGE_KEY = 'messageKey';

/** The `params` of a custom issue: `ctx.addIssue({ code: 'custom', params: issueParams('…') })`. */
export function issueParams(messageKey: FieldMessageKey, params: MessageParams = {}) {
  return { ...params, [MESSAGE_KEY]: messageKey };
}

/**
 * The option that gives any check our message: `.regex(re, fieldMessage('…'))`,
 * `.refine(fn, fieldMessage('…'))`. Built-in checks (regex, min, enum…) have no `params` of their
 * own, so the check's error map puts them on the issue and leaves the text to the next map.
 */
export function fieldMessage(messageKey: FieldMessageKey, params: MessageParams = {}) {
  const keyed = issueParams(messageKey, params);
  return {
    error: (issue: object): undefined => {
      Object.assign(issue, { params: keyed });
      return undefined;
    },
  };
}

/** The message key and values an issue was given by `issueParams` or `fieldMessage`, if any. */
export function keyedMessage(
  issue: object,
): { messageKey: FieldMessageKey; params: MessageParams } | undefined {
  const params: unknown = Reflect.get(issue, 'params');
  if (typeof params !== 'object' || params === null) return undefined;
  const { [MESSAGE_KEY]: messageKey, ...rest } = params as MessageParams;
  // Only issueParams writes the key, and its argument is a FieldMessageKey.
  return typeof messageKey === 'string'
    ? { messageKey: messageKey as FieldMessageKey, params: rest }
    : undefined;
}
