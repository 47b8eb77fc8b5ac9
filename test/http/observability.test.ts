import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createDraft, createTemplate, render, submitAndWait } from '../support/fixtures.ts';
import { ADMIN_KEY, useTestVetted } from '../support/harness.ts';

const GUPSHUP_TOKEN = 'observability-gupshup-token-0123';
const vt = useTestVetted({ env: { GUPSHUP_WEBHOOK_TOKEN: GUPSHUP_TOKEN } });

/** The value of one sample of the exposition text, 0 when the series does not exist yet. */
async function sample(series: string): Promise<number> {
  const text = (await vt.request('GET', '/metrics', { key: null })).body as string;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

async function approvedTemplate(): Promise<string> {
  const key = await createTemplate(vt);
  const n = await createDraft(vt, key);
  // The sandbox reviews at once here, and approves a plain utility text.
  expect(await submitAndWait(vt, key, n)).toBe('approved');
  return key;
}

describe('request ids', () => {
  it('are echoed on every answer, success or problem, and a caller’s sensible id is kept', async () => {
    const ok = await vt.request('GET', '/v1/markets');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const created = await vt.request('POST', '/v1/templates', {
      body: { key: 'request_id_check', category: 'utility', variables: [] },
      headers: { 'x-request-id': 'sender-trace-7' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toBe('sender-trace-7');
    const missing = await vt.request('GET', '/nowhere', { headers: { 'x-request-id': 'a b<c>' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.body.requestId).toBe(missing.headers.get('x-request-id'));
  });

  it('are in every request’s log line, with the route pattern and never the raw path', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const app = createApp({ ...vt.deps, log: pino({ level: 'debug' }, sink) });
    const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'x-request-id': 'trace-log-1' };
    expect((await app.request('/v1/markets/TR', { headers })).status).toBe(200);
    const refused = await app.request(`/v1/webhooks/gupshup/not-the-token-${GUPSHUP_TOKEN}`, {
      method: 'POST',
      body: '{}',
      headers: { 'x-request-id': 'trace-log-2' },
    });
    expect(refused.status).toBe(401);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toContainEqual(
      expect.objectContaining({
        requestId: 'trace-log-1',
        msg: 'request',
        method: 'GET',
        route: '/v1/markets/:market',
        status: 200,
        level: 20,
      }),
    );
    // A failed request is logged at info, the default level.
    expect(lines).toContainEqual(
      expect.objectContaining({ requestId: 'trace-log-2', route: '/v1/webhooks/gupshup/:token', level: 30 }),
    );
    expect(JSON.stringify(lines)).not.toContain(GUPSHUP_TOKEN);
  });
});

describe('/metrics', () => {
  it('counts requests by method, route pattern and status, unknown paths as unmatched', async () => {
    const series = (route: string, status: number, method = 'GET') =>
      `vetted_http_requests_seconds_count{method="${method}",route="${route}",status="${status}"}`;
    const before = await sample(series('/v1/markets/:market', 200));
    await vt.request('GET', '/v1/markets/TR');
    await vt.request('GET', '/v1/markets/PL');
    expect(await sample(series('/v1/markets/:market', 200))).toBe(before + 2);
    // A refused key is still counted on the route it asked for.
    await vt.request('GET', '/v1/markets/TR', { key: 'vt_live_not_a_key_000000000000000000' });
    expect(await sample(series('/v1/markets/:market', 401))).toBeGreaterThanOrEqual(1);
    const unmatched = await sample(series('unmatched', 404));
    await vt.request('GET', `/no/such/path/${Date.now()}`);
    expect(await sample(series('unmatched', 404))).toBe(unmatched + 1);
    await vt.request('POST', `/v1/webhooks/gupshup/${GUPSHUP_TOKEN}x`, { key: null, body: {} });
    const text = (await vt.request('GET', '/metrics', { key: null })).body as string;
    expect(text).toContain('route="/v1/webhooks/gupshup/:token",status="401"');
    expect(text).not.toContain(GUPSHUP_TOKEN);
    expect(text).toContain('vetted_http_requests_seconds_bucket{le="0.005",method="GET"');
  });

  it('counts renders by market, language and outcome, single and per batch recipient', async () => {
    const key = await approvedTemplate();
    const served = 'vetted_renders_total{market="TR",language="tr",outcome="served"}';
    const before = await sample(served);
    expect((await render(vt, key)).status).toBe(200);
    expect(await sample(served)).toBe(before + 1);

    const unknown = 'vetted_renders_total{market="TR",language="tr",outcome="unknown-template"}';
    const unknownBefore = await sample(unknown);
    expect((await render(vt, 'no_such_template')).status).toBe(404);
    expect(await sample(unknown)).toBe(unknownBefore + 1);
    // Codes the market does not hold are not labels of their own.
    expect((await render(vt, key, { market: 'ZZ', language: 'qq' })).status).toBe(404);
    expect(
      await sample('vetted_renders_total{market="other",language="other",outcome="unknown-market"}'),
    ).toBe(1);

    const invalid = 'vetted_renders_total{market="TR",language="tr",outcome="invalid-variables"}';
    const invalidBefore = await sample(invalid);
    const batchBefore = await sample(served);
    const variables = { student_name: 'Ayşe', lesson_at: '15:00' };
    const batch = await vt.request('POST', '/v1/render/batch', {
      body: {
        template: key,
        market: 'TR',
        recipients: [
          { to: '905551112233', variables },
          { to: '905551112234', language: 'tr', variables },
          { to: '905551112235', variables: { student_name: 'Ayşe' } },
        ],
      },
    });
    expect(batch.status).toBe(200);
    expect(await sample(served)).toBe(batchBefore + 2);
    expect(await sample(invalid)).toBe(invalidBefore + 1);
  });

  it('counts submissions by provider and outcome, and cache sizes', async () => {
    const created = 'vetted_submissions_total{provider="sandbox",outcome="created"}';
    const before = await sample(created);
    await approvedTemplate();
    expect(await sample(created)).toBe(before + 1);
    expect(await sample('vetted_cache_entries{cache="served"}')).toBeGreaterThanOrEqual(1);
    expect(await sample('vetted_cache_entries{cache="api_keys"}')).toBeGreaterThanOrEqual(1);
  });

  it('counts Gupshup webhook events by type and outcome', async () => {
    const unknown = 'vetted_webhook_events_total{provider="gupshup",type="status",outcome="unknown-version"}';
    const before = await sample(unknown);
    const res = await vt.request('POST', `/v1/webhooks/gupshup/${GUPSHUP_TOKEN}`, {
      key: null,
      body: {
        app: 'shop',
        timestamp: Date.now(),
        type: 'template-event',
        payload: {
          id: 'no-such-template',
          status: 'approved',
          elementName: 'nothing_pl_v1',
          languageCode: 'pl',
        },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await sample(unknown)).toBe(before + 1);
  });

  it('answers its own scrape without a key', async () => {
    const res = await vt.request('GET', '/metrics', { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toContain('# TYPE vetted_http_requests_seconds histogram');
    expect(res.body).toContain('# TYPE vetted_cache_invalidation_lag_seconds histogram');
  });
});
