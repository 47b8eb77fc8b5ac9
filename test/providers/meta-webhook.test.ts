import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  parseMetaWebhook,
  verifyMetaHandshake,
  verifyMetaSignature,
} from '../../src/providers/meta/meta-webhook.ts';
import { FakeMetaServer, signedDelivery } from '../fakes/meta-server.ts';

const SECRET = 'meta-app-secret';
const encoder = new TextEncoder();

// Computed here, independently of the code under test.
const sign = (bytes: Uint8Array, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;

function envelope(field: string, value: unknown, { waba = '1029384756', time = 1767000000 } = {}) {
  return { object: 'whatsapp_business_account', entry: [{ id: waba, time, changes: [{ field, value }] }] };
}

const rejected = {
  event: 'REJECTED',
  message_template_id: 880011223344,
  message_template_name: 'order_shipped_v3',
  message_template_language: 'pl',
  message_template_category: 'UTILITY',
  reason: 'INVALID_FORMAT',
  rejection_info: { reason: 'The body ends with a variable.', recommendation: 'Add text after {{2}}.' },
};

describe('Meta webhook signature', () => {
  const body = encoder.encode(JSON.stringify(envelope('message_template_status_update', rejected)));

  it('accepts the signature Meta computes over the raw bytes', () => {
    expect(verifyMetaSignature(body, sign(body), SECRET)).toBe(true);
    expect(verifyMetaSignature(body, sign(body).toUpperCase().replace('SHA256=', 'sha256='), SECRET)).toBe(
      true,
    );
  });

  it('refuses a body with one flipped byte', () => {
    const tampered = Uint8Array.from(body);
    tampered[10] = (tampered[10] ?? 0) ^ 1;
    expect(verifyMetaSignature(tampered, sign(body), SECRET)).toBe(false);
  });

  it('refuses a flipped signature, another secret, a wrong length, a malformed or a missing header', () => {
    const good = sign(body);
    const flipped = `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`;
    expect(verifyMetaSignature(body, flipped, SECRET)).toBe(false);
    expect(verifyMetaSignature(body, sign(body, 'another-secret'), SECRET)).toBe(false);
    expect(verifyMetaSignature(body, good.slice(0, -2), SECRET)).toBe(false);
    expect(verifyMetaSignature(body, `${good}00`, SECRET)).toBe(false);
    expect(verifyMetaSignature(body, good.replace('sha256=', 'sha1='), SECRET)).toBe(false);
    expect(verifyMetaSignature(body, good.replace('sha256=', ''), SECRET)).toBe(false);
    expect(verifyMetaSignature(body, 'sha256=zz', SECRET)).toBe(false);
    expect(verifyMetaSignature(body, '', SECRET)).toBe(false);
    expect(verifyMetaSignature(body, undefined, SECRET)).toBe(false);
  });

  it('refuses everything when no app secret is configured', () => {
    expect(verifyMetaSignature(body, sign(body, ''), '')).toBe(false);
  });
});

describe('Meta webhook handshake', () => {
  const query = { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': 'our-token' };

  it('answers the challenge when the mode is subscribe and the token matches', () => {
    expect(verifyMetaHandshake(query, 'our-token')).toBe('1158201444');
  });

  it('refuses a wrong or missing token, another mode, a missing challenge, or an empty configured token', () => {
    expect(verifyMetaHandshake({ ...query, 'hub.verify_token': 'our-tokeN' }, 'our-token')).toBeNull();
    expect(verifyMetaHandshake({ ...query, 'hub.verify_token': 'our-token-longer' }, 'our-token')).toBeNull();
    expect(verifyMetaHandshake({ ...query, 'hub.verify_token': undefined }, 'our-token')).toBeNull();
    expect(verifyMetaHandshake({ ...query, 'hub.mode': 'unsubscribe' }, 'our-token')).toBeNull();
    expect(verifyMetaHandshake({ ...query, 'hub.challenge': undefined }, 'our-token')).toBeNull();
    expect(verifyMetaHandshake({ ...query, 'hub.verify_token': '' }, '')).toBeNull();
  });
});

describe('Meta webhook parsing', () => {
  it('turns a rejection into a status event with the WABA, a string id, the reason and its details', () => {
    const { events, ignored } = parseMetaWebhook(envelope('message_template_status_update', rejected));
    expect(ignored).toEqual([]);
    expect(events).toEqual([
      {
        kind: 'status',
        account: '1029384756',
        name: 'order_shipped_v3',
        languageCode: 'pl',
        providerTemplateId: '880011223344',
        status: 'REJECTED',
        reason: 'INVALID_FORMAT',
        reasonText: 'The body ends with a variable.\nAdd text after {{2}}.',
        category: 'UTILITY',
        occurredAt: new Date(1767000000 * 1000),
        dedupeKey: expect.stringMatching(/^meta:[0-9a-f]{64}$/),
        raw: rejected,
      },
    ]);
  });

  it.each([
    'APPROVED',
    'PENDING',
    'REJECTED',
    'PAUSED',
    'DISABLED',
    'IN_APPEAL',
    'PENDING_DELETION',
    'DELETED',
    'LIMIT_EXCEEDED',
    'ARCHIVED',
    'FLAGGED',
    'LOCKED',
    'REINSTATED',
    'UNARCHIVED',
    'SOMETHING_META_ADDS_LATER',
  ])('keeps the %s event word as received', (event) => {
    const { events } = parseMetaWebhook(
      envelope('message_template_status_update', {
        ...rejected,
        event,
        reason: 'NONE',
        rejection_info: undefined,
      }),
    );
    expect(events).toMatchObject([{ kind: 'status', status: event, reason: 'NONE', reasonText: null }]);
  });

  it('keeps a null reason (scheduled for deletion), pause details and a disable date as text', () => {
    const [deletion] = parseMetaWebhook(
      envelope('message_template_status_update', { ...rejected, event: 'PENDING_DELETION', reason: null }),
    ).events;
    expect(deletion).toMatchObject({ status: 'PENDING_DELETION', reason: null });
    const [paused] = parseMetaWebhook(
      envelope('message_template_status_update', {
        ...rejected,
        event: 'PAUSED',
        reason: 'NONE',
        rejection_info: undefined,
        other_info: { title: 'FIRST_PAUSE', description: 'Paused for 3 hours because of low quality.' },
      }),
    ).events;
    expect(paused).toMatchObject({
      status: 'PAUSED',
      reasonText: 'FIRST_PAUSE: Paused for 3 hours because of low quality.',
    });
    const [disabled] = parseMetaWebhook(
      envelope('message_template_status_update', {
        ...rejected,
        event: 'DISABLED',
        reason: 'NONE',
        rejection_info: undefined,
        disable_info: { disable_date: 1767100000 },
      }),
    ).events;
    expect(disabled).toMatchObject({ status: 'DISABLED', reasonText: 'disabled on: 1767100000' });
  });

  it('normalises en-US to en_US', () => {
    const { events } = parseMetaWebhook(
      envelope('message_template_status_update', { ...rejected, message_template_language: 'en-US' }),
    );
    expect(events[0]?.languageCode).toBe('en_US');
  });

  it('reads an impending category change: new_category is the current one, correct_category the future one', () => {
    const value = {
      message_template_id: 880011223344,
      message_template_name: 'order_shipped_v3',
      message_template_language: 'ru',
      new_category: 'UTILITY',
      correct_category: 'MARKETING',
      category_update_timestamp: 1767086400,
    };
    expect(parseMetaWebhook(envelope('template_category_update', value)).events).toEqual([
      expect.objectContaining({
        kind: 'category',
        impending: true,
        category: 'UTILITY',
        correctCategory: 'MARKETING',
        effectiveAt: new Date(1767086400 * 1000),
        providerTemplateId: '880011223344',
        languageCode: 'ru',
      }),
    ]);
  });

  it('reads a completed category change from previous_category to new_category', () => {
    const value = {
      message_template_id: 880011223344,
      message_template_name: 'order_shipped_v3',
      message_template_language: 'ru',
      previous_category: 'UTILITY',
      new_category: 'MARKETING',
    };
    const [event] = parseMetaWebhook(envelope('template_category_update', value)).events;
    expect(event).toMatchObject({
      kind: 'category',
      impending: false,
      previousCategory: 'UTILITY',
      category: 'MARKETING',
    });
    expect(event).toHaveProperty('correctCategory', undefined);
  });

  it('reads a quality change', () => {
    const value = {
      message_template_id: 880011223344,
      message_template_name: 'order_shipped_v3',
      message_template_language: 'tr',
      previous_quality_score: 'GREEN',
      new_quality_score: 'YELLOW',
    };
    expect(parseMetaWebhook(envelope('message_template_quality_update', value)).events).toMatchObject([
      { kind: 'quality', previousQuality: 'GREEN', quality: 'YELLOW', account: '1029384756' },
    ]);
  });

  it('sets aside other fields and values of an unexpected shape, keeping the rest of the batch', () => {
    const components = { field: 'message_template_components_update', value: { message_template_id: 1 } };
    const messages = { field: 'messages', value: { metadata: { phone_number_id: '1' } } };
    const broken = { field: 'message_template_status_update', value: { message_template_id: 1 } };
    const good = { field: 'message_template_status_update', value: { ...rejected, event: 'APPROVED' } };
    const { events, ignored } = parseMetaWebhook({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', time: 1767000000, changes: [components, messages, broken, good] }],
    });
    expect(events.map((e) => e.kind === 'status' && e.status)).toEqual(['APPROVED']);
    expect(ignored).toEqual([components, messages, broken]);
  });

  it('keeps unknown fields of a known value in raw', () => {
    const value = { ...rejected, some_new_field: { nested: true } };
    expect(parseMetaWebhook(envelope('message_template_status_update', value)).events[0]?.raw).toEqual(value);
  });

  it('throws a ZodError only when the envelope is not Meta’s', () => {
    expect(() => parseMetaWebhook({ object: 'page', entry: [] })).toThrow(ZodError);
    expect(() => parseMetaWebhook({ object: 'whatsapp_business_account' })).toThrow(ZodError);
    expect(() => parseMetaWebhook('nope')).toThrow(ZodError);
    expect(parseMetaWebhook({ object: 'whatsapp_business_account', entry: [] })).toEqual({
      events: [],
      ignored: [],
    });
  });

  it('parses a batch of 1000 changes across entries into 1000 events with 1000 distinct keys', () => {
    const entries = Array.from({ length: 10 }, (_, e) => ({
      id: `waba${e}`,
      time: 1767000000 + e,
      changes: Array.from({ length: 100 }, (_, c) => ({
        field: 'message_template_status_update',
        value: { ...rejected, message_template_id: 880011220000 + c, event: c % 2 ? 'APPROVED' : 'REJECTED' },
      })),
    }));
    const { events } = parseMetaWebhook({ object: 'whatsapp_business_account', entry: entries });
    expect(events).toHaveLength(1000);
    expect(new Set(events.map((e) => e.dedupeKey)).size).toBe(1000);
    expect(events[999]).toMatchObject({ account: 'waba9', providerTemplateId: '880011220099' });
  });
});

describe('Meta webhook dedupe keys', () => {
  const key = (body: unknown) => parseMetaWebhook(body).events[0]?.dedupeKey;
  const change = (value: unknown, options?: { waba?: string; time?: number }) =>
    envelope('message_template_status_update', value, options);

  it('gives the same change the same key, whatever the key order of the JSON', () => {
    const reordered = Object.fromEntries(Object.entries(rejected).reverse());
    expect(key(change(rejected))).toBe(key(change(rejected)));
    expect(key(change(reordered))).toBe(key(change(rejected)));
    expect(key(JSON.parse(JSON.stringify(change(rejected))))).toBe(key(change(rejected)));
  });

  it('gives different changes different keys: another event, reason, template, account, time or field', () => {
    const keys = [
      key(change(rejected)),
      key(change({ ...rejected, event: 'APPROVED' })),
      key(change({ ...rejected, reason: 'PROMOTIONAL' })),
      key(change({ ...rejected, rejection_info: { ...rejected.rejection_info, recommendation: 'x' } })),
      key(change({ ...rejected, message_template_id: 880011223345 })),
      key(change(rejected, { waba: '1029384757' })),
      key(change(rejected, { time: 1767000001 })),
      key(
        envelope('template_category_update', {
          ...rejected,
          new_category: 'MARKETING',
          previous_category: 'UTILITY',
        }),
      ),
      key(
        envelope('template_category_update', {
          ...rejected,
          new_category: 'MARKETING',
          previous_category: 'UTILITY',
          category_update_timestamp: 1,
        }),
      ),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('the fake Meta server’s webhook deliveries', () => {
  it('are signed as Meta signs them and parse into the stored template’s event', () => {
    const meta = new FakeMetaServer();
    meta.templates.set('880011223344', {
      id: '880011223344',
      waba: '1029384756',
      name: 'order_shipped_v3',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      parameterFormat: 'NAMED',
      components: [],
      rejectedReason: 'NONE',
      qualityScore: 'GREEN',
    });
    const { rawBody, headers } = signedDelivery(meta.statusWebhook('880011223344', 'PAUSED'), SECRET);
    expect(verifyMetaSignature(encoder.encode(rawBody), headers['x-hub-signature-256'], SECRET)).toBe(true);
    expect(parseMetaWebhook(JSON.parse(rawBody)).events).toMatchObject([
      { kind: 'status', status: 'PAUSED', providerTemplateId: '880011223344', languageCode: 'en_US' },
    ]);
  });
});
