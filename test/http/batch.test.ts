import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, createTemplate, submitAndWait } from '../support/fixtures.ts';
import { ADMIN_KEY, useTestVetted } from '../support/harness.ts';

const vt = useTestVetted();

let key: string;
let server: ServerType;
let base: string;

beforeAll(async () => {
  key = await createTemplate(vt);
  expect(await submitAndWait(vt, key, await createDraft(vt, key))).toBe('approved');
  // Over real sockets: a blocked event loop shows only when requests arrive as I/O.
  server = serve({ fetch: vt.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const recipient = (i: number, variables: Record<string, unknown> = {}) => ({
  to: `9055${String(i).padStart(8, '0')}`,
  variables: { student_name: `Öğrenci ${i}`, lesson_at: '15:00', ...variables },
});

async function postBatch(recipients: unknown[]) {
  const started = performance.now();
  const res = await fetch(`${base}/v1/render/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ template: key, market: 'TR', recipients }),
  });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - started };
}

describe('a batch that shares the server', () => {
  it('answers /healthz promptly while a 10,000-recipient batch renders', async () => {
    const recipients = Array.from({ length: 10_000 }, (_, i) => recipient(i));
    let running = true;
    const batch = postBatch(recipients).finally(() => {
      running = false;
    });
    const latencies: number[] = [];
    while (running) {
      const started = performance.now();
      const health = await fetch(`${base}/healthz`);
      await health.text();
      latencies.push(performance.now() - started);
    }
    const { status, text, ms } = await batch;
    expect(status).toBe(200);
    expect(JSON.parse(text).items).toHaveLength(10_000);
    const worst = Math.max(...latencies);
    // Relative to the batch: without yielding, one health check waits for most of it.
    expect(worst, `worst /healthz ${worst.toFixed(0)} ms during a ${ms.toFixed(0)} ms batch`).toBeLessThan(
      ms / 4,
    );
  }, 120_000);

  it('refuses variables the template does not declare, quoting a few names and never the values', async () => {
    const undeclared = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`extra_${i}`, `SECRET_VALUE_${i}`]),
    );
    const { status, text } = await postBatch([recipient(0), recipient(1, undeclared), recipient(2)]);
    expect(status).toBe(200);
    const items = JSON.parse(text).items;
    expect(items.map((item: { status: number }) => item.status)).toEqual([200, 422, 200]);
    expect(items[1].problem.type).toBe('/problems/invalid-variables');
    expect(items[1].problem.errors.map((e: { path: string }) => e.path)).toEqual([
      '/variables/extra_0',
      '/variables/extra_1',
      '/variables/extra_2',
      '/variables/extra_3',
      '/variables/extra_4',
      '/variables',
    ]);
    expect(text).not.toContain('SECRET_VALUE');
    expect(text).not.toContain('extra_5');
  });

  it('answers a batch of 250 undeclared variables per recipient small and fast', async () => {
    const undeclared = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`v${i}`, 'x']));
    const recipients = Array.from({ length: 10_000 }, (_, i) => recipient(i, undeclared));
    const whole = await postBatch(recipients);
    expect(whole.status).toBe(422);
    expect(whole.text.length).toBeLessThan(2_000);
    expect(JSON.parse(whole.text).errors[0].path).toBe('/recipients');

    // Under the batch's cap, each recipient over its own cap gets one short problem.
    const some = await postBatch(Array.from({ length: 300 }, (_, i) => recipient(i, undeclared)));
    expect(some.status).toBe(200);
    const items = JSON.parse(some.text).items;
    expect(items[299].problem.errors).toEqual([
      expect.objectContaining({ path: '/variables', message: expect.stringContaining('at most 50') }),
    ]);
    expect(some.text.length).toBeLessThan(300 * 1_000);
  }, 60_000);
});
