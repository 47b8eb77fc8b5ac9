import { describe, expect, it } from 'vitest';
import {
  BUTTON_TYPES,
  contentHash,
  TEMPLATE_CATEGORIES,
  VARIABLE_TYPES,
  type VersionContent,
} from '../../src/domain/content.ts';

const content: VersionContent = {
  header: 'Заказ {{order_id}}',
  body: 'Здравствуйте, {{first_name}}!',
  footer: 'Vetted',
  buttons: [
    { type: 'url', text: 'Open', url: 'https://example.com/{{order_id}}' },
    { type: 'quick_reply', text: 'OK' },
  ],
};

describe('contentHash', () => {
  it('is a sha256 hex digest', () => {
    expect(contentHash(content)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is stable for the same content', () => {
    expect(contentHash(content)).toBe(contentHash(structuredClone(content)));
  });

  it('ignores key order', () => {
    const reordered: VersionContent = {
      buttons: [
        { url: 'https://example.com/{{order_id}}', text: 'Open', type: 'url' },
        { text: 'OK', type: 'quick_reply' },
      ],
      footer: 'Vetted',
      body: 'Здравствуйте, {{first_name}}!',
      header: 'Заказ {{order_id}}',
    };
    expect(contentHash(reordered)).toBe(contentHash(content));
  });

  it('treats null, undefined and empty optional parts alike', () => {
    const base = contentHash({ body: 'x' });
    expect(contentHash({ body: 'x', header: null, footer: null, buttons: null })).toBe(base);
    expect(contentHash({ body: 'x', header: '', footer: '', buttons: [] })).toBe(base);
    expect(
      contentHash({ body: 'x', buttons: [{ type: 'quick_reply', text: 'OK', url: undefined } as const] }),
    ).toBe(contentHash({ body: 'x', buttons: [{ type: 'quick_reply', text: 'OK' }] }));
  });

  it('changes when any part changes, including button order', () => {
    const variants: VersionContent[] = [
      { ...content, header: 'Заказ' },
      { ...content, body: 'Здравствуйте!' },
      { ...content, footer: null },
      { ...content, buttons: [...(content.buttons ?? [])].reverse() },
      { ...content, buttons: [{ type: 'quick_reply', text: 'OK', example: 'x' }] },
    ];
    const hashes = new Set([contentHash(content), ...variants.map(contentHash)]);
    expect(hashes.size).toBe(variants.length + 1);
  });

  it('does not confuse a value moved between components', () => {
    expect(contentHash({ body: 'a', footer: 'b' })).not.toBe(contentHash({ body: 'b', footer: 'a' }));
    expect(contentHash({ body: 'a', header: 'b' })).not.toBe(contentHash({ body: 'a', footer: 'b' }));
  });
});

describe('content vocabularies', () => {
  it('lists the variable types, categories and button types', () => {
    expect(VARIABLE_TYPES).toEqual(['text', 'number', 'currency', 'date', 'datetime', 'url_suffix']);
    expect(TEMPLATE_CATEGORIES).toEqual(['utility', 'marketing', 'authentication']);
    expect(BUTTON_TYPES).toEqual(['quick_reply', 'url', 'phone_number', 'copy_code']);
  });
});
