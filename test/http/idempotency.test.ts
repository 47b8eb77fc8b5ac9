import { describe, expect, it } from 'vitest';
import { createDraft, createTemplate, versionsPath } from '../support/fixtures.ts';
import { dbKind, useTestVetted } from '../support/harness.ts';

// Reviews wait ten minutes, so a submitted version stays where the submit left it.
const vt = useTestVetted({ env: { SANDBOX_REVIEW_DELAY_MS: '600000' } });

const submit = (key: string, n: number, idempotencyKey: string) =>
  vt.request('POST', `${versionsPath(key)}/${n}/submit`, { headers: { 'idempotency-key': idempotencyKey } });

async function queuedEvents(key: string, n: number): Promise<number> {
  const events = await vt.request('GET', `${versionsPath(key)}/${n}/events`);
  return events.body.items.filter((e: { toStatus: string }) => e.toStatus === 'queued').length;
}

describe('Idempotency-Key on submit', () => {
  it('answers a repeated submit with the first answer and submits once', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    const first = await submit(key, n, 'submit-once-1');
    const again = await submit(key, n, 'submit-once-1');
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await queuedEvents(key, n)).toBe(1);
    // Without the key the same call is a new request, refused because the version is no longer a draft.
    expect((await vt.request('POST', `${versionsPath(key)}/${n}/submit`)).status).toBe(409);
  });

  it('refuses the same key with another request', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    const other = await createDraft(vt, key);
    expect((await submit(key, n, 'shared-key')).status).toBe(202);
    const reused = await submit(key, other, 'shared-key');
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe('/problems/idempotency-key-reused');
    expect((await vt.request('GET', `${versionsPath(key)}/${other}`)).body.status).toBe('draft');
  });

  it('replays a refusal too, so a retry sees what the first attempt saw', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key, { body: '{{#if student_name}}Merhaba{{/if}}' });
    const first = await submit(key, n, 'lint-refusal');
    expect(first.status).toBe(422);
    const again = await submit(key, n, 'lint-refusal');
    expect(again.status).toBe(422);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body.type).toBe('/problems/lint-failed');
  });

  it.skipIf(dbKind !== 'postgres')('lets 20 concurrent identical submits have one effect', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    const answers = await Promise.all(Array.from({ length: 20 }, () => submit(key, n, 'concurrent-submit')));
    for (const answer of answers) expect([202, 409]).toContain(answer.status);
    expect(answers.filter((a) => a.status === 202).length).toBeGreaterThanOrEqual(1);
    expect(await queuedEvents(key, n)).toBe(1);
  });
});
