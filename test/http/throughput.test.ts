import { describe, expect, it } from 'vitest';
import { createDraft, createTemplate, getStatus, versionsPath } from '../support/fixtures.ts';
import { useTestVetted, waitFor } from '../support/harness.ts';

const vt = useTestVetted({ env: { SANDBOX_REVIEW_DELAY_MS: '0', JOB_POLL_INTERVAL_MS: '500' } });

describe('a market launch', () => {
  // One job per 500 ms poll took 50 s for 100 submissions and as long again for their reviews;
  // the bound leaves room for a loaded CI machine.
  it('takes a hundred submissions through submission and review in seconds, not minutes', async () => {
    const key = await createTemplate(vt);
    const bodies = Array.from(
      { length: 100 },
      (_, i) => `Merhaba {{student_name}}, ${i + 1}. dersiniz {{lesson_at}} tarihine taşındı.`,
    );
    const numbers: number[] = [];
    for (const body of bodies) numbers.push(await createDraft(vt, key, { body }));
    const started = Date.now();
    for (const n of numbers) {
      expect((await vt.request('POST', `${versionsPath(key)}/${n}/submit`)).status).toBe(202);
    }
    await waitFor(async () => {
      const statuses = await Promise.all(numbers.map((n) => getStatus(vt, key, n)));
      return statuses.every((s) => s === 'approved' || s === 'rejected');
    }, 60_000);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
