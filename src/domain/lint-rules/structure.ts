import type { ButtonType } from '../content.ts';
import { characterCount, type DefinedRule, defineRule } from './rule.ts';
import { buttonsOf } from './text-tools.ts';

/** Meta's button limits (components reference). */
export const BUTTON_LIMITS = {
  total: 10,
  quickReplies: 10,
  urls: 2,
  phoneNumbers: 1,
  copyCodes: 1,
  label: 25,
  url: 2000,
  phoneNumber: 20,
  copyCodeExample: 20,
} as const;

function countRule(id: string, englishTemplate: string, type: ButtonType, limit: number): DefinedRule {
  return defineRule(id, englishTemplate, (ctx, _parsed, report) => {
    const indexes = buttonsOf(ctx.content).flatMap((button, index) => (button.type === type ? [index] : []));
    if (indexes.length <= limit) return [];
    return [
      report({
        severity: 'error',
        component: 'buttons',
        buttonIndex: indexes[limit],
        params: { count: indexes.length, limit },
      }),
    ];
  });
}

const buttonCountRule = defineRule(
  'button-count',
  'A template may have at most {limit} buttons; it has {count}.',
  (ctx, _parsed, report) => {
    const count = buttonsOf(ctx.content).length;
    if (count <= BUTTON_LIMITS.total) return [];
    return [
      report({
        severity: 'error',
        component: 'buttons',
        buttonIndex: BUTTON_LIMITS.total,
        params: { count, limit: BUTTON_LIMITS.total },
      }),
    ];
  },
);

const quickReplyCountRule = countRule(
  'quick-reply-count',
  'A template may have at most {limit} quick-reply buttons; it has {count}.',
  'quick_reply',
  BUTTON_LIMITS.quickReplies,
);

const urlButtonCountRule = countRule(
  'url-button-count',
  'A template may have at most {limit} URL buttons; it has {count}.',
  'url',
  BUTTON_LIMITS.urls,
);

const phoneButtonCountRule = countRule(
  'phone-button-count',
  'A template may have at most {limit} phone-number button; it has {count}.',
  'phone_number',
  BUTTON_LIMITS.phoneNumbers,
);

const copyCodeCountRule = countRule(
  'copy-code-count',
  'A template may have at most {limit} copy-code button; it has {count}.',
  'copy_code',
  BUTTON_LIMITS.copyCodes,
);

const buttonLabelLengthRule = defineRule(
  'button-label-length',
  'The button label has {length} characters; the limit is {limit}.',
  (ctx, _parsed, report) =>
    buttonsOf(ctx.content).flatMap((button, buttonIndex) => {
      const length = characterCount(button.text);
      if (length <= BUTTON_LIMITS.label) return [];
      return [
        report({
          severity: 'error',
          component: 'buttons',
          buttonIndex,
          params: { length, limit: BUTTON_LIMITS.label },
        }),
      ];
    }),
);

const quickReplyGroupingRule = defineRule(
  'quick-reply-grouping',
  'Quick-reply buttons must come all before or all after the other buttons; the order is {order}.',
  (ctx, _parsed, report) => {
    const buttons = buttonsOf(ctx.content);
    // Valid orders are one run of quick replies and one run of others, in either order.
    let runs = 0;
    let firstOffending: number | undefined;
    buttons.forEach((button, index) => {
      const previous = buttons[index - 1];
      if (previous && (previous.type === 'quick_reply') === (button.type === 'quick_reply')) return;
      runs++;
      if (runs === 3) firstOffending = index;
    });
    if (runs <= 2) return [];
    return [
      report({
        severity: 'error',
        component: 'buttons',
        buttonIndex: firstOffending,
        params: { order: buttons.map((button) => button.type).join(', ') },
      }),
    ];
  },
);

const urlLengthRule = defineRule(
  'url-length',
  'The button URL has {length} characters; the limit is {limit}.',
  (ctx, _parsed, report) =>
    buttonsOf(ctx.content).flatMap((button, buttonIndex) => {
      if (button.type !== 'url') return [];
      const length = characterCount(button.url ?? '');
      if (length <= BUTTON_LIMITS.url) return [];
      return [
        report({
          severity: 'error',
          component: 'buttons',
          buttonIndex,
          params: { length, limit: BUTTON_LIMITS.url },
        }),
      ];
    }),
);

// A host made of anything but braces and separators, so "https://{{host}}" does not pass.
// The host must end before any variable: `https://example.com{{x}}` would let a value pick the host.
const HTTP_URL = /^https?:\/\/[^\s/?#{}]+(?:[/?#]|$)/i;

const urlSchemeRule = defineRule(
  'url-scheme',
  'A URL button needs an http:// or https:// address with a fixed host; found {url}.',
  (ctx, _parsed, report) =>
    buttonsOf(ctx.content).flatMap((button, buttonIndex) => {
      if (button.type !== 'url') return [];
      const url = button.url ?? '';
      if (HTTP_URL.test(url)) return [];
      return [report({ severity: 'error', component: 'buttons', buttonIndex, params: { url } })];
    }),
);

// E.164: a plus sign, a country code that never starts with 0, 8 to 15 digits in all.
const E164 = /^\+[1-9]\d{7,14}$/;

const phoneNumberFormatRule = defineRule(
  'phone-number-format',
  'The phone number {number} must be in international format: + and 8 to 15 digits, no spaces (e.g. +48221234567).',
  (ctx, _parsed, report) =>
    buttonsOf(ctx.content).flatMap((button, buttonIndex) => {
      if (button.type !== 'phone_number') return [];
      const number = button.phoneNumber ?? '';
      if (E164.test(number) && number.length <= BUTTON_LIMITS.phoneNumber) return [];
      return [report({ severity: 'error', component: 'buttons', buttonIndex, params: { number } })];
    }),
);

const copyCodeExampleRule = defineRule(
  'copy-code-example',
  'A copy-code button needs an example code of 1 to {limit} characters; it has {length}.',
  (ctx, _parsed, report) =>
    buttonsOf(ctx.content).flatMap((button, buttonIndex) => {
      if (button.type !== 'copy_code') return [];
      const length = characterCount((button.example ?? '').trim());
      if (length >= 1 && length <= BUTTON_LIMITS.copyCodeExample) return [];
      return [
        report({
          severity: 'error',
          component: 'buttons',
          buttonIndex,
          params: { length, limit: BUTTON_LIMITS.copyCodeExample },
        }),
      ];
    }),
);

export const structureRules: DefinedRule[] = [
  buttonCountRule,
  quickReplyCountRule,
  buttonLabelLengthRule,
  quickReplyGroupingRule,
  urlButtonCountRule,
  urlLengthRule,
  urlSchemeRule,
  phoneButtonCountRule,
  phoneNumberFormatRule,
  copyCodeCountRule,
  copyCodeExampleRule,
];
