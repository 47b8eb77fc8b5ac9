import { describe, expect, it } from 'vitest';
import { dbKind, useTestVetted } from '../support/harness.ts';

const vt = useTestVetted();

describe('API description', () => {
  it('serves an OpenAPI 3.1 document generated from the routes, covering the v1 contract', async () => {
    const res = await vt.request('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    for (const path of [
      '/v1/markets',
      '/v1/markets/{market}',
      '/v1/templates',
      '/v1/templates/{key}',
      '/v1/templates/{key}/events',
      '/v1/templates/{key}/variants/{market}/{language}/versions',
      '/v1/templates/{key}/variants/{market}/{language}/versions/{n}',
      '/v1/templates/{key}/variants/{market}/{language}/versions/{n}/lint',
      '/v1/templates/{key}/variants/{market}/{language}/versions/{n}/submit',
      '/v1/templates/{key}/variants/{market}/{language}/versions/{n}/appeal',
      '/v1/templates/{key}/variants/{market}/{language}/versions/{n}/events',
      '/v1/render',
      '/v1/sandbox/decisions',
      '/v1/api-keys',
      '/v1/api-keys/{id}',
      '/healthz',
      '/readyz',
    ]) {
      expect(paths).toContain(path);
    }
    const operations = Object.values(res.body.paths).flatMap((item) => Object.values(item as object));
    for (const operation of operations) {
      expect(operation.operationId).toBeTruthy();
      expect(operation.summary).toBeTruthy();
    }
    expect(res.body.components.schemas.Problem).toBeDefined();
  });

  it('serves the reference page with its script from our own origin, not a CDN', async () => {
    const page = await vt.app.request('/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/docs/assets/standalone.js');
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg|fastly)\./);
    // Scalar's default fonts come from its font host; the page loads nothing from elsewhere.
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toMatch(/"withDefaultFonts":\s*false/);
    const script = await vt.app.request('/docs/assets/standalone.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  it('answers liveness and readiness without a key', async () => {
    expect((await vt.request('GET', '/healthz', { key: null })).body).toEqual({ status: 'ok' });
    const ready = await vt.request('GET', '/readyz', { key: null });
    expect(ready.status).toBe(200);
    // On PostgreSQL the change listener is a check of its own; PGlite has none.
    expect(ready.body.checks).toEqual({
      database: 'ok',
      migrations: 'ok',
      ...(dbKind === 'postgres' ? { listener: 'ok' } : {}),
    });
  });
});
