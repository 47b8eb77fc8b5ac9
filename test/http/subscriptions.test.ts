import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptions, versions } from '../../db/schema/index.ts';
import { serviceContext, withTransaction } from '../../src/context.ts';
import { recordStatusChange } from '../../src/modules/status-events/status-events.service.ts';
import { createDraft, createTemplate, submitAndWait, TURKISH_BODY } from '../support/fixtures.ts';
import {
  ADMIN_KEY,
  openTestDatabase,
  startTestVetted,
  type TestResponse,
  type TestVetted,
  useTestVetted,
  waitFor,
} from '../support/harness.ts';
import { type Received, Receiver } from '../support/receiver.ts';

/** Fast retries (1 s apart) and a receiver on 127.0.0.1, which only SUBSCRIPTION_ALLOW_PRIVATE_URLS lets through. */
const ENV = {
  SUBSCRIPTION_ALLOW_PRIVATE_URLS: 'true',
  NOTIFICATION_RETRY_DELAY_SECONDS: '1',
  NOTIFICATION_RETRY_DELAY_MAX_SECONDS: '1',
  PUBLIC_URL: 'https://vetted.example.com/',
};
const SECRET = 'test-signing-secret-0123456789';

const vt = useTestVetted({ env: ENV });
const receiver = new Receiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

/** The README's verification: `t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`, within 5 minutes. */
function verify(secret: string, header: string, rawBody: string): boolean {
  const fields = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]));
  const t = Number(fields.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300 || !fields.v1) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(fields.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function subscribe(
  instance: TestVetted,
  body: Record<string, unknown>,
  key = ADMIN_KEY,
): Promise<TestResponse['body']> {
  const res = await instance.request('POST', '/v1/subscriptions', { key, body: { secret: SECRET, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

function deliveries(instance: TestVetted, id: string) {
  return instance.request('GET', `/v1/subscriptions/${id}/deliveries`);
}

/** The subscription's newest delivery once it is no longer pending: the receiver has a request a moment before Vetted has its answer. */
function settled(instance: TestVetted, id: string) {
  return waitFor(async () => {
    const [item] = (await deliveries(instance, id)).body.items;
    return item?.status !== 'pending' && item;
  });
}

/** Requests to `path` about one template. */
function about(path: string, template: string): Received[] {
  return receiver.at(path).filter((request) => request.body.includes(template));
}

describe('notifications to a local receiver', () => {
  it('posts an approval as version.approved with its template, market, language and version, signed as documented', async () => {
    const sub = await subscribe(vt, { url: receiver.url('/approved'), events: ['version.approved'] });
    expect(sub.secret).toBe(SECRET);
    const key = await createTemplate(vt);
    expect(await submitAndWait(vt, key, await createDraft(vt, key), ['approved'])).toBe('approved');

    const [request] = await waitFor(
      async () => about('/approved', key).length > 0 && about('/approved', key),
    );
    if (!request) throw new Error('no request');
    const signature = String(request.headers['vetted-signature']);
    expect(verify(SECRET, signature, request.body)).toBe(true);
    expect(verify('another-secret-0123456789', signature, request.body)).toBe(false);
    expect(verify(SECRET, signature, request.body.replace('approved', 'rejected'))).toBe(false);

    const payload = JSON.parse(request.body);
    expect(payload).toMatchObject({
      id: request.headers['vetted-event-id'],
      type: 'version.approved',
      occurredAt: expect.any(String),
      data: {
        template: key,
        market: 'TR',
        language: 'tr',
        version: 1,
        status: 'approved',
        previousStatus: 'pending',
        consoleUrl: `https://vetted.example.com/ui/templates/${key}`,
      },
    });
    await settled(vt, sub.id);
    const log = await deliveries(vt, sub.id);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        id: request.headers['vetted-delivery-id'],
        event: 'version.approved',
        eventId: payload.id,
        status: 'delivered',
        attempts: 1,
        deliveredAt: expect.any(String),
      }),
    ]);
    // The secret is shown at creation only.
    const list = await vt.request('GET', '/v1/subscriptions');
    expect(list.body.items.find((item: { id: string }) => item.id === sub.id)).not.toHaveProperty('secret');
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
  });

  it('tells a rejection with its reason, as JSON and as a chat line in the market’s language with a console link', async () => {
    const json = await subscribe(vt, { url: receiver.url('/rejected'), events: ['version.rejected'] });
    await subscribe(vt, { url: receiver.url('/chat'), events: ['version.rejected'], format: 'chat' });
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key, {
      body: 'Merhaba {{student_name}}, büyük indirim kampanyası {{lesson_at}} tarihine kadar sürüyor!',
    });
    expect(await submitAndWait(vt, key, n)).toBe('rejected');

    const [rejected] = await waitFor(
      async () => about('/rejected', key).length > 0 && about('/rejected', key),
    );
    const [chat] = await waitFor(async () => about('/chat', key).length > 0 && about('/chat', key));
    expect(JSON.parse(rejected?.body ?? '')).toMatchObject({
      type: 'version.rejected',
      data: {
        template: key,
        status: 'rejected',
        reason: 'INCORRECT_CATEGORY',
        reasonText: expect.stringContaining('indirim'),
      },
    });
    const { text } = JSON.parse(chat?.body ?? '');
    expect(text).toMatch(
      new RegExp(
        `^❌ ${key} TR/tr v1 reddedildi: INCORRECT_CATEGORY — .*indirim.*https://vetted\\.example\\.com/ui/templates/${key}$`,
      ),
    );
    expect(verify(SECRET, String(chat?.headers['vetted-signature']), chat?.body ?? '')).toBe(true);
    // The event id is shared by every subscription's delivery of it; each delivery has its own id.
    expect(chat?.headers['vetted-event-id']).toBe(rejected?.headers['vetted-event-id']);
    expect(chat?.headers['vetted-delivery-id']).not.toBe(rejected?.headers['vetted-delivery-id']);
    expect((await deliveries(vt, json.id)).body.items).toHaveLength(1);
  });

  it('delivers on the sixth try to a receiver that failed five times: one delivery id, attempts 6 in the log', async () => {
    receiver.script('/flaky', [500, 503, 500, 404, 500]);
    const sub = await subscribe(vt, { url: receiver.url('/flaky'), events: ['version.approved'] });
    const key = await createTemplate(vt);
    await submitAndWait(vt, key, await createDraft(vt, key), ['approved']);

    const failing = await waitFor(async () => {
      const [item] = (await deliveries(vt, sub.id)).body.items;
      return item?.lastError && item.status === 'pending' && item;
    });
    expect(failing.lastError).toMatch(/^HTTP 5\d\d$/);
    await waitFor(async () => about('/flaky', key).some((request) => request.status === 200), 30_000);

    const requests = about('/flaky', key);
    expect(requests.map((request) => request.status)).toEqual([500, 503, 500, 404, 500, 200]);
    expect(new Set(requests.map((request) => request.headers['vetted-delivery-id'])).size).toBe(1);
    expect(new Set(requests.map((request) => request.headers['vetted-event-id'])).size).toBe(1);
    expect(new Set(requests.map((request) => request.body)).size).toBe(1);
    const item = await settled(vt, sub.id);
    expect(item).toMatchObject({
      status: 'delivered',
      attempts: 6,
      id: requests[0]?.headers['vetted-delivery-id'],
    });
    expect(item).not.toHaveProperty('lastError');
  }, 60_000);

  it('delivers only events within a scoped subscription’s markets and languages', async () => {
    const scoped = await vt.request('POST', '/v1/api-keys', {
      body: { name: 'PL admin', role: 'admin', markets: ['PL'] },
    });
    const plAdmin = scoped.body.key as string;
    const pl = await subscribe(vt, { url: receiver.url('/pl'), events: ['version.approved'] }, plAdmin);
    expect(pl.markets).toEqual(['PL']);
    const trOnly = await subscribe(vt, {
      url: receiver.url('/tr'),
      events: ['version.approved'],
      markets: ['TR'],
      languages: ['tr'],
    });
    const enOnly = await subscribe(vt, {
      url: receiver.url('/en'),
      events: ['version.approved'],
      languages: ['en'],
    });

    // No wider than the key: a PL admin cannot subscribe to TR, nor see or delete what is wider than PL.
    const wider = await vt.request('POST', '/v1/subscriptions', {
      key: plAdmin,
      body: { url: receiver.url('/pl'), events: ['version.approved'], markets: ['TR'] },
    });
    expect(wider.status).toBe(403);
    expect(wider.body.type).toBe('/problems/forbidden');
    const listed = await vt.request('GET', '/v1/subscriptions?limit=200', { key: plAdmin });
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([pl.id]);
    expect((await vt.request('DELETE', `/v1/subscriptions/${trOnly.id}`, { key: plAdmin })).status).toBe(404);
    expect(
      (await vt.request('GET', `/v1/subscriptions/${trOnly.id}/deliveries`, { key: plAdmin })).status,
    ).toBe(404);

    const key = await createTemplate(vt);
    await submitAndWait(vt, key, await createDraft(vt, key), ['approved']);
    await waitFor(async () => about('/tr', key).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(about('/pl', key)).toEqual([]);
    expect(about('/en', key)).toEqual([]);
    expect((await deliveries(vt, enOnly.id)).body.items).toEqual([]);
  });

  it('notifies nobody of a change that rolls back, and once of the same change committed', async () => {
    const sub = await subscribe(vt, { url: receiver.url('/outbox'), events: ['submission.failed'] });
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    const ctx = serviceContext(vt.deps);
    const [version] = await ctx.db
      .select()
      .from(versions)
      .where(and(eq(versions.templateKey, key), eq(versions.version, n)));
    if (!version) throw new Error('no version');
    const failed = {
      toStatus: 'submit_failed',
      source: 'api',
      reasonText: 'refused by the provider',
    } as const;
    await expect(
      withTransaction(ctx, async (tx) => {
        await recordStatusChange(tx, version, failed);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await withTransaction(ctx, (tx) => recordStatusChange(tx, version, failed));

    const item = await settled(vt, sub.id);
    expect(item).toMatchObject({ event: 'submission.failed', status: 'delivered' });
    expect((await deliveries(vt, sub.id)).body.items).toHaveLength(1);
    expect(JSON.parse(about('/outbox', key)[0]?.body ?? '')).toMatchObject({
      type: 'submission.failed',
      data: { template: key, status: 'submit_failed', reasonText: 'refused by the provider' },
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(about('/outbox', key)).toHaveLength(1);
  });

  it('deletes idempotently, audits creation and deletion without the secret, and sends nothing more', async () => {
    const sub = await subscribe(vt, { url: receiver.url('/deleted'), events: ['version.approved'] });
    expect((await vt.request('DELETE', `/v1/subscriptions/${sub.id}`)).status).toBe(204);
    expect((await vt.request('DELETE', `/v1/subscriptions/${sub.id}`)).status).toBe(204);
    expect((await vt.request('DELETE', `/v1/subscriptions/${randomUUID()}`)).status).toBe(404);
    expect((await deliveries(vt, sub.id)).status).toBe(404);
    const audit = await vt.request('GET', `/v1/audit?objectType=subscription&objectId=${sub.id}`);
    expect(audit.body.items.map((entry: { action: string }) => entry.action)).toEqual([
      'subscription.delete',
      'subscription.create',
    ]);
    expect(JSON.stringify(audit.body)).not.toContain(SECRET);

    const key = await createTemplate(vt);
    await submitAndWait(vt, key, await createDraft(vt, key), ['approved']);
    await waitFor(async () => about('/approved', key).length > 0);
    expect(about('/deleted', key)).toEqual([]);
  });
});

describe('a restart while a delivery is pending', () => {
  it('loses nothing: the next instance delivers it, with the same delivery id', async () => {
    const { database, dispose } = await openTestDatabase();
    let instance = await startTestVetted({ env: ENV, database });
    try {
      receiver.script('/restart', [500, 500, 500, 500, 500, 500, 500, 500]);
      const sub = await subscribe(instance, { url: receiver.url('/restart'), events: ['version.approved'] });
      const key = await createTemplate(instance);
      await submitAndWait(instance, key, await createDraft(instance, key), ['approved']);
      await waitFor(async () => about('/restart', key).length > 0);
      await instance.stop();
      const beforeRestart = about('/restart', key).length;
      receiver.script('/restart', []);

      instance = await startTestVetted({ env: ENV, database });
      await waitFor(async () => about('/restart', key).some((request) => request.status === 200), 30_000);
      const requests = about('/restart', key);
      expect(requests.length).toBeGreaterThan(beforeRestart);
      expect(requests.filter((request) => request.status === 200)).toHaveLength(1);
      expect(new Set(requests.map((request) => request.headers['vetted-delivery-id'])).size).toBe(1);
      const item = await settled(instance, sub.id);
      expect(item).toMatchObject({ status: 'delivered', attempts: requests.length });
    } finally {
      await instance.stop();
      await dispose();
    }
  }, 90_000);
});

describe('the SSRF guard (SUBSCRIPTION_ALLOW_PRIVATE_URLS off)', () => {
  const guarded = useTestVetted();

  it('refuses private, loopback, link-local and similar destinations with 422, and accepts a public one', async () => {
    for (const url of [
      receiver.url('/guard'),
      receiver.url('/guard', 'localhost'),
      'http://10.1.2.3/hook',
      'http://192.168.0.10/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://100.64.0.1/hook',
      'http://0.0.0.0/hook',
      'http://[::1]/hook',
      'http://[fd00::1]/hook',
      'http://[fe80::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://224.0.0.1/hook',
    ]) {
      const res = await guarded.request('POST', '/v1/subscriptions', {
        body: { url, events: ['version.approved'] },
      });
      expect(res.status, url).toBe(422);
      expect(res.body.type).toBe('/problems/validation-failed');
      expect(res.body.errors).toEqual([
        { path: '/url', message: expect.stringContaining('not a public address') },
      ]);
    }
    const ftp = await guarded.request('POST', '/v1/subscriptions', {
      body: { url: 'ftp://93.184.215.14/hook', events: ['version.approved'] },
    });
    expect(ftp.status).toBe(422);
    const pub = await guarded.request('POST', '/v1/subscriptions', {
      body: { url: 'https://93.184.215.14/hook', events: ['template.recategorised'] },
    });
    expect(pub.status, JSON.stringify(pub.body)).toBe(201);
    expect(pub.body.secret).toMatch(/^whsec_[\w-]{40,}$/);
  });

  it('checks again at delivery, after name resolution: a loopback destination stored earlier gets nothing', async () => {
    const ids: string[] = [];
    for (const url of [receiver.url('/guard'), receiver.url('/guard', 'localhost')]) {
      const [row] = await guarded.deps.database.db
        .insert(subscriptions)
        .values({ url, events: ['version.approved'], format: 'json', secret: SECRET })
        .returning();
      if (row) ids.push(row.id);
    }
    const key = await createTemplate(guarded);
    await submitAndWait(guarded, key, await createDraft(guarded, key, { body: TURKISH_BODY }), ['approved']);
    for (const id of ids) {
      const item = await waitFor(async () => {
        const [first] = (await guarded.request('GET', `/v1/subscriptions/${id}/deliveries`)).body.items;
        return first?.lastError && first;
      });
      expect(item).toMatchObject({
        status: 'pending',
        lastError: expect.stringContaining('not a public address'),
      });
    }
    expect(receiver.at('/guard')).toEqual([]);
  });
});
