import { describe, expect, it } from 'vitest';
import {
  createDraft,
  createTemplate,
  decide,
  getStatus,
  render,
  submitAndWait,
  versionsPath,
} from '../support/fixtures.ts';
import { useTestVetted } from '../support/harness.ts';

const vt = useTestVetted();

describe('template lifecycle on the sandbox provider', () => {
  it('takes a draft through submission and approval to a rendered message with the provider payload', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    expect(n).toBe(1);
    expect(await submitAndWait(vt, key, n)).toBe('approved');

    const res = await render(vt, key, { to: '905551112233' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      template: key,
      market: 'TR',
      language: 'tr',
      requestedLanguage: 'tr',
      fallback: false,
      version: 1,
      provider: 'sandbox',
      providerTemplateName: `${key}_tr_v1`,
      text: 'Merhaba Ayşe, dersiniz 12 Mayıs 15:00 tarihine taşındı. Görüşmek üzere.',
    });
    expect(res.body.payload).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '905551112233',
      type: 'template',
      template: {
        name: `${key}_tr_v1`,
        language: { code: 'tr' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', parameter_name: 'student_name', text: 'Ayşe' },
              { type: 'text', parameter_name: 'lesson_at', text: '12 Mayıs 15:00' },
            ],
          },
        ],
      },
    });
    const events = await vt.request('GET', `${versionsPath(key)}/1/events`);
    expect(events.body.items.map((e: { toStatus: string }) => e.toStatus)).toEqual([
      'queued',
      'pending',
      'approved',
    ]);
  });

  it('keeps a rejection with its reason and serves nothing for that variant', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key, {
      body: 'Merhaba {{student_name}}, büyük indirim kampanyası {{lesson_at}} tarihine kadar sürüyor!',
    });
    expect(await submitAndWait(vt, key, n)).toBe('rejected');
    const events = await vt.request('GET', `${versionsPath(key)}/${n}/events`);
    const rejection = events.body.items.at(-1);
    expect(rejection).toMatchObject({
      toStatus: 'rejected',
      reason: 'INCORRECT_CATEGORY',
      source: 'sandbox',
    });
    expect(rejection.reasonText).toContain('indirim');

    const res = await render(vt, key);
    expect(res.status).toBe(404);
    expect(res.body.type).toBe('/problems/no-approved-variant');
    expect(res.body.variants).toEqual([
      {
        language: 'tr',
        status: 'rejected',
        newestVersion: 1,
        statusAt: expect.any(String),
        reason: 'INCORRECT_CATEGORY',
      },
    ]);
  });
});

describe('serving while newer versions are reviewed', () => {
  // The sandbox would review after ten minutes: every decision here is forced, so "pending" holds.
  const slow = useTestVetted({ env: { SANDBOX_REVIEW_DELAY_MS: '600000' } });

  it('keeps serving v1 while v2 is pending, falls back from a paused v3 to v1 and never serves a disabled one', async () => {
    const key = await createTemplate(slow);
    const v1 = await createDraft(slow, key);
    expect(await submitAndWait(slow, key, v1, ['pending'])).toBe('pending');
    expect((await render(slow, key)).status).toBe(404);
    await decide(slow, key, v1, 'approved');
    expect((await render(slow, key)).body.version).toBe(1);

    const v2 = await createDraft(slow, key, { fromVersion: 1 });
    expect(await submitAndWait(slow, key, v2, ['pending'])).toBe('pending');
    expect((await render(slow, key)).body.version).toBe(1);
    await decide(slow, key, v2, 'rejected', 'TR', 'INVALID_FORMAT');
    expect((await render(slow, key)).body.version).toBe(1);

    const v3 = await createDraft(slow, key, { body: 'Selam {{student_name}}, ders {{lesson_at}} saatinde.' });
    expect(await submitAndWait(slow, key, v3, ['pending'])).toBe('pending');
    await decide(slow, key, v3, 'approved');
    expect((await render(slow, key)).body.version).toBe(3);

    await decide(slow, key, v3, 'paused');
    expect(await getStatus(slow, key, v3)).toBe('paused');
    const fallback = await render(slow, key);
    expect(fallback.status).toBe(200);
    expect(fallback.body.version).toBe(1);

    await decide(slow, key, v3, 'reinstated');
    expect((await render(slow, key)).body.version).toBe(3);

    await decide(slow, key, v3, 'disabled');
    expect((await render(slow, key)).body.version).toBe(1);
    // Disabled is final: the provider itself refuses to bring it back.
    const revive = await slow.request('POST', '/v1/sandbox/decisions', {
      body: { providerTemplateName: `${key}_tr_v${v3}`, status: 'reinstated' },
    });
    expect(revive.status).toBe(409);
    expect(await getStatus(slow, key, v3)).toBe('disabled');
    expect((await render(slow, key)).body.version).toBe(1);

    await decide(slow, key, v1, 'disabled');
    const none = await render(slow, key);
    expect(none.status).toBe(404);
    expect(none.body.variants).toEqual([
      {
        language: 'tr',
        status: 'disabled',
        newestVersion: 3,
        statusAt: expect.any(String),
        lastServed: { version: v1, status: 'disabled', statusAt: expect.any(String) },
      },
    ]);
  });
});
