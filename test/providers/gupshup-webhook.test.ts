import { describe, expect, it } from 'vitest';
import { parseGupshupWebhook } from '../../src/providers/gupshup/gupshup-webhook.ts';
import type { ParsedProviderEvent } from '../../src/providers/provider.ts';

const ID = '0b6f2a4e-9d1c-4c55-8d7e-1f2a3b4c5d6e';
const AT = 1767000000000;

function delivery(payload: Record<string, unknown>, envelope: Record<string, unknown> = {}) {
  return {
    app: 'shop-pl',
    timestamp: AT,
    version: 2,
    type: 'template-event',
    payload: { id: ID, elementName: 'order_shipped_pl_v3', languageCode: 'pl', ...payload },
    ...envelope,
  };
}

function only(body: unknown): ParsedProviderEvent {
  const { events, ignored } = parseGupshupWebhook(body);
  expect(ignored).toEqual([]);
  expect(events).toHaveLength(1);
  const [event] = events;
  if (!event) throw new Error('no event');
  return event;
}

const keyOf = (body: unknown) => only(body).dedupeKey;

describe('parseGupshupWebhook: status events', () => {
  it.each([
    ['approved', 'APPROVED'],
    ['rejected', 'REJECTED'],
    ['deleted', 'DELETED'],
    ['disabled', 'DISABLED'],
    ['in_appeal', 'IN_APPEAL'],
    ['paused', 'PAUSED'],
    ['failed', 'FAILED'],
    ['pending', 'PENDING'],
  ])('reads a %s template-event as status %s', (status, expected) => {
    expect(only(delivery({ status }))).toMatchObject({ kind: 'status', status: expected });
  });

  it('keeps the Gupshup uuid, the app, the name, the language and the provider time', () => {
    const body = delivery({ status: 'rejected', rejectedReason: 'INVALID_FORMAT' });
    expect(only(body)).toEqual({
      kind: 'status',
      status: 'REJECTED',
      reason: 'INVALID_FORMAT',
      reasonText: null,
      category: undefined,
      providerTemplateId: ID,
      account: 'shop-pl',
      name: 'order_shipped_pl_v3',
      languageCode: 'pl',
      occurredAt: new Date(AT),
      dedupeKey: expect.stringMatching(/^gupshup:[0-9a-f]{64}$/),
      raw: body,
    });
  });

  it('takes a pause’s description as the reason text and normalises a hyphenated language', () => {
    const event = only(
      delivery({
        type: 'status-update',
        status: 'paused',
        languageCode: 'en-US',
        description: 'Your WhatsApp message template has been paused for 3 hours.',
      }),
    );
    expect(event).toMatchObject({
      kind: 'status',
      status: 'PAUSED',
      reason: null,
      reasonText: 'Your WhatsApp message template has been paused for 3 hours.',
      languageCode: 'en_US',
    });
  });

  it('accepts a numeric-string timestamp and leaves the account out when there is no app', () => {
    const event = only(delivery({ status: 'approved' }, { timestamp: String(AT), app: undefined }));
    expect(event.occurredAt).toEqual(new Date(AT));
    expect(event.account).toBeUndefined();
  });
});

describe('parseGupshupWebhook: what it ignores', () => {
  it('ignores other event types, quality updates and bodies that are not template events', () => {
    const bodies = [
      { app: 'shop-pl', timestamp: AT, type: 'message-event', payload: { id: 'm1', type: 'delivered' } },
      {
        app: 'shop-pl',
        timestamp: AT,
        type: 'account-event',
        payload: { type: 'status-update', status: 'approved' },
      },
      delivery({ type: 'quality-update', status: 'approved', quality: 'GREEN' }),
      delivery({ status: 'approved' }, { timestamp: undefined }),
      delivery({ status: 'approved', id: '' }),
      delivery({ status: '' }),
      null,
      'not json',
      42,
    ];
    for (const body of bodies) expect(parseGupshupWebhook(body)).toEqual({ events: [], ignored: [body] });
  });

  it('reads an array item by item, keeping the unknown ones aside', () => {
    const approved = delivery({ status: 'approved' });
    const message = { app: 'shop-pl', timestamp: AT, type: 'message-event', payload: {} };
    const { events, ignored } = parseGupshupWebhook([approved, message]);
    expect(events.map((event) => event.kind)).toEqual(['status']);
    expect(ignored).toEqual([message]);
  });
});

describe('parseGupshupWebhook: deduplication keys', () => {
  it('gives the same delivery the same key, however its JSON is ordered', () => {
    const body = delivery({ status: 'rejected', rejectedReason: 'SCAM' });
    const reordered = JSON.parse(
      JSON.stringify({
        payload: { ...body.payload },
        type: body.type,
        timestamp: body.timestamp,
        app: body.app,
      }),
    );
    expect(keyOf(body)).toBe(keyOf(structuredClone(body)));
    expect(keyOf(body)).toBe(keyOf(reordered));
  });

  it('gives different changes different keys', () => {
    const keys = [
      keyOf(delivery({ status: 'rejected', rejectedReason: 'SCAM' })),
      keyOf(delivery({ status: 'rejected', rejectedReason: 'INVALID_FORMAT' })),
      keyOf(delivery({ status: 'rejected' })),
      keyOf(delivery({ status: 'approved' })),
      keyOf(delivery({ status: 'approved' }, { timestamp: AT + 1 })),
      keyOf(delivery({ status: 'approved', id: 'another-uuid' })),
      keyOf(delivery({ type: 'category-update', category: { old: 'UTILITY', new: 'MARKETING' } })),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('parseGupshupWebhook: category changes', () => {
  it('reads a category-update with the old and new category', () => {
    expect(
      only(delivery({ type: 'category-update', category: { old: 'utility', new: 'marketing' } })),
    ).toMatchObject({
      kind: 'category',
      impending: false,
      previousCategory: 'UTILITY',
      category: 'MARKETING',
      providerTemplateId: ID,
    });
  });

  it('reads the flat spelling, and an announced change as impending', () => {
    expect(
      only(delivery({ type: 'category-update', oldCategory: 'UTILITY', newCategory: 'MARKETING' })),
    ).toMatchObject({
      kind: 'category',
      previousCategory: 'UTILITY',
      category: 'MARKETING',
      impending: false,
    });
    expect(
      only(delivery({ type: 'category-update', category: 'UTILITY', correctCategory: 'MARKETING' })),
    ).toMatchObject({ kind: 'category', category: 'UTILITY', correctCategory: 'MARKETING', impending: true });
  });
});
