import { describe, expect, it } from 'vitest';
import {
  META_TEMPLATE_NAME_PATTERN,
  parseProviderTemplateName,
  providerTemplateName,
  TEMPLATE_KEY_PATTERN,
} from '../../src/domain/naming.ts';

describe('TEMPLATE_KEY_PATTERN', () => {
  it.each(['lesson_rescheduled', 'a', 'otp2', `a${'b'.repeat(63)}`])('accepts %s', (key) => {
    expect(TEMPLATE_KEY_PATTERN.test(key)).toBe(true);
  });

  it.each(['', '2fa', '_x', 'Lesson', 'lesson-rescheduled', 'урок', `a${'b'.repeat(64)}`])(
    'rejects %j',
    (key) => {
      expect(TEMPLATE_KEY_PATTERN.test(key)).toBe(false);
    },
  );
});

describe('providerTemplateName', () => {
  it('joins key, market and version and lower-cases the result', () => {
    expect(providerTemplateName('lesson_rescheduled', 'TR', 3)).toBe('lesson_rescheduled_tr_v3');
  });

  it('gives each version its own name', () => {
    expect(providerTemplateName('otp', 'RU', 1)).not.toBe(providerTemplateName('otp', 'RU', 2));
  });

  it('always produces a name Meta accepts', () => {
    const name = providerTemplateName(`a${'b'.repeat(63)}`, 'PL', 123456);
    expect(META_TEMPLATE_NAME_PATTERN.test(name)).toBe(true);
  });

  it.each<[string, string, number]>([
    ['Bad-Key', 'TR', 1],
    ['ok', 'TUR', 1],
    ['ok', 'T1', 1],
    ['ok', 'TR', 0],
    ['ok', 'TR', 1.5],
  ])('refuses invalid input (%s, %s, %d)', (key, market, version) => {
    expect(() => providerTemplateName(key, market, version)).toThrow(RangeError);
  });
});

describe('parseProviderTemplateName', () => {
  it('reverses providerTemplateName, even when the key contains underscores', () => {
    expect(parseProviderTemplateName('lesson_rescheduled_tr_v3')).toEqual({
      key: 'lesson_rescheduled',
      market: 'TR',
      version: 3,
    });
  });

  it.each(['hello_world', 'x_tr_v0', 'x_tr_v', '_tr_v1', 'Lesson_tr_v1'])('returns null for %s', (name) => {
    expect(parseProviderTemplateName(name)).toBeNull();
  });
});

describe('META_TEMPLATE_NAME_PATTERN', () => {
  it('accepts lower-case letters, digits and underscores up to 512 characters', () => {
    expect(META_TEMPLATE_NAME_PATTERN.test('a_1')).toBe(true);
    expect(META_TEMPLATE_NAME_PATTERN.test('a'.repeat(512))).toBe(true);
    expect(META_TEMPLATE_NAME_PATTERN.test('a'.repeat(513))).toBe(false);
    expect(META_TEMPLATE_NAME_PATTERN.test('A')).toBe(false);
    expect(META_TEMPLATE_NAME_PATTERN.test('')).toBe(false);
  });
});
