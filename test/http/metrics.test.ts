import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, createTemplate, versionsPath } from '../support/fixtures.ts';
import { startTestVetted, type TestVetted } from '../support/harness.ts';

let vt: TestVetted;
beforeAll(async () => {
  // No workers: a submission's job stays queued, as behind a stuck worker.
  vt = await startTestVetted({ workers: false });
});
afterAll(() => vt.stop());

const sample = (text: string, name: string) =>
  text.split('\n').find((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`));

describe('/metrics', () => {
  it('counts a submission waiting for a worker and how old it is', async () => {
    const before = await vt.request('GET', '/metrics', { key: null });
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toContain('text/plain');
    expect(sample(before.body, 'vetted_jobs{queue="submit-version",state="created"}')).toBeUndefined();

    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    expect((await vt.request('POST', `${versionsPath(key)}/${n}/submit`)).status).toBe(202);

    const after = (await vt.request('GET', '/metrics', { key: null })).body as string;
    expect(sample(after, 'vetted_jobs{queue="submit-version",state="created"}')).toMatch(/ 1$/);
    const oldest = sample(after, 'vetted_job_oldest_seconds{queue="submit-version"}');
    expect(Number(oldest?.split(' ')[1])).toBeGreaterThanOrEqual(0);
  });
});
