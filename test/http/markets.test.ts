import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, createTemplate } from '../support/fixtures.ts';
import {
  dbKind,
  startTestVetted,
  type TestResponse,
  type TestVetted,
  useTestVetted,
  waitFor,
} from '../support/harness.ts';

const vt = useTestVetted();

/** Codes no other test file uses; a market with versions stays, so a rerun finds it again. */
function market(code: string, overrides: Record<string, unknown> = {}) {
  return {
    name: `Market ${code}`,
    status: 'upcoming',
    languages: ['it', 'en'],
    defaultLanguage: 'it',
    fallbacks: { it: ['en'] },
    timezone: 'Europe/Rome',
    currency: 'EUR',
    provider: { kind: 'sandbox', account: `sandbox-${code.toLowerCase()}` },
    ...overrides,
  };
}

async function putFresh(code: string, overrides: Record<string, unknown> = {}): Promise<TestResponse> {
  const res = await vt.request('PUT', `/v1/markets/${code}`, { body: market(code, overrides) });
  expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
  return res;
}

function expectProblem(res: TestResponse, status: number, type: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body.type).toBe(`/problems/${type}`);
}

const mergePatch = (etag: string | null) => ({
  'content-type': 'application/merge-patch+json',
  ...(etag ? { 'if-match': etag } : {}),
});

describe('PUT accepts what GET returns', () => {
  it('takes the GET representation back with one field changed, read-only fields included', async () => {
    await putFresh('QA');
    const got = await vt.request('GET', '/v1/markets/QA');
    const res = await vt.request('PUT', '/v1/markets/QA', {
      body: { ...got.body, name: 'Renamed' },
      headers: { 'if-match': got.headers.get('etag') ?? '' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ code: 'QA', name: 'Renamed', createdAt: got.body.createdAt });
  });

  it('refuses a code that contradicts the path and a timestamp that is not the stored one, naming the field', async () => {
    await putFresh('QA');
    const got = await vt.request('GET', '/v1/markets/QA');
    const wrongCode = await vt.request('PUT', '/v1/markets/QA', { body: { ...got.body, code: 'QZ' } });
    expectProblem(wrongCode, 422, 'validation-failed');
    expect(wrongCode.body.errors).toEqual([expect.objectContaining({ path: '/code' })]);
    const wrongDate = await vt.request('PUT', '/v1/markets/QA', {
      body: { ...got.body, createdAt: '2001-01-01T00:00:00.000Z' },
    });
    expectProblem(wrongDate, 422, 'validation-failed');
    expect(wrongDate.body.errors).toEqual([expect.objectContaining({ path: '/createdAt' })]);
    expect((await vt.request('GET', '/v1/markets/QZ')).status).toBe(404);
  });
});

describe('PATCH /v1/markets/{market}', () => {
  it('activates a market with one merge patch, keeping every other field', async () => {
    await putFresh('QB');
    const got = await vt.request('GET', '/v1/markets/QB');
    const res = await vt.request('PATCH', '/v1/markets/QB', {
      body: { status: 'active' },
      headers: mergePatch(got.headers.get('etag')),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ ...got.body, status: 'active', updatedAt: res.body.updatedAt });
    expect(res.headers.get('etag')).not.toBe(got.headers.get('etag'));
    expect((await vt.request('GET', '/v1/markets/QB')).body.status).toBe('active');
    const audit = await vt.request('GET', '/v1/audit?objectId=QB');
    expect(audit.body.items[0]).toMatchObject({
      action: 'market.patch',
      before: { status: 'upcoming' },
      after: { status: 'active' },
    });
  });

  it('needs If-Match (428) and refuses a stale one (412)', async () => {
    await putFresh('QB');
    const got = await vt.request('GET', '/v1/markets/QB');
    expectProblem(
      await vt.request('PATCH', '/v1/markets/QB', { body: { name: 'X' }, headers: mergePatch(null) }),
      428,
      'precondition-required',
    );
    await vt.request('PATCH', '/v1/markets/QB', {
      body: { name: 'Newer' },
      headers: mergePatch(got.headers.get('etag')),
    });
    expectProblem(
      await vt.request('PATCH', '/v1/markets/QB', {
        body: { name: 'Stale' },
        headers: mergePatch(got.headers.get('etag')),
      }),
      412,
      'precondition-failed',
    );
  });

  it('removes a fallback with null and validates the merged market like PUT', async () => {
    await putFresh('QC');
    const etag = (await vt.request('GET', '/v1/markets/QC')).headers.get('etag');
    const removed = await vt.request('PATCH', '/v1/markets/QC', {
      body: { fallbacks: { it: null } },
      headers: mergePatch(etag),
    });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body.fallbacks).toEqual({});

    const next = removed.headers.get('etag');
    const badDefault = await vt.request('PATCH', '/v1/markets/QC', {
      body: { languages: ['en'] },
      headers: mergePatch(next),
    });
    expectProblem(badDefault, 422, 'validation-failed');
    expect(badDefault.body.errors).toEqual([expect.objectContaining({ path: '/defaultLanguage' })]);

    const unconfigured = await vt.request('PATCH', '/v1/markets/QC', {
      body: { provider: { kind: 'meta', account: 'waba-nobody-configured' } },
      headers: mergePatch(next),
    });
    expectProblem(unconfigured, 422, 'validation-failed');
    expect(unconfigured.body.errors).toEqual([expect.objectContaining({ path: '/provider' })]);

    const contradicting = await vt.request('PATCH', '/v1/markets/QC', {
      body: { code: 'QY' },
      headers: mergePatch(next),
    });
    expectProblem(contradicting, 422, 'validation-failed');
    expect((await vt.request('GET', '/v1/markets/QC')).headers.get('etag')).toBe(next);
  });

  it('answers 404 for a market that does not exist', async () => {
    expectProblem(
      await vt.request('PATCH', '/v1/markets/QX', { body: { status: 'active' }, headers: mergePatch('*') }),
      404,
      'unknown-market',
    );
  });
});

describe('DELETE /v1/markets/{market}', () => {
  it('removes a market without versions: reads, lists and bundles forget it', async () => {
    await putFresh('QD', { status: 'active' });
    expect((await vt.request('GET', '/v1/bundles/QD')).status).toBe(200);
    const etag = (await vt.request('GET', '/v1/markets/QD')).headers.get('etag') ?? '';
    expectProblem(await vt.request('DELETE', '/v1/markets/QD'), 428, 'precondition-required');
    expectProblem(
      await vt.request('DELETE', '/v1/markets/QD', { headers: { 'if-match': '"QD.0"' } }),
      412,
      'precondition-failed',
    );

    const res = await vt.request('DELETE', '/v1/markets/QD', { headers: { 'if-match': etag } });
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expectProblem(await vt.request('GET', '/v1/markets/QD'), 404, 'unknown-market');
    const list = await vt.request('GET', '/v1/markets');
    expect(list.body.items.map((m: { code: string }) => m.code)).not.toContain('QD');
    expectProblem(await vt.request('GET', '/v1/bundles/QD'), 404, 'unknown-market');
    const audit = await vt.request('GET', '/v1/audit?objectId=QD');
    expect(audit.body.items[0]).toMatchObject({ action: 'market.delete', after: null });
  });

  it('refuses (409) to delete a market with template versions, saying why', async () => {
    await putFresh('QE');
    const key = await createTemplate(vt);
    await createDraft(
      vt,
      key,
      { body: 'Ciao {{student_name}}, la lezione è spostata a {{lesson_at}}.' },
      'QE',
      'it',
    );
    const etag = (await vt.request('GET', '/v1/markets/QE')).headers.get('etag') ?? '';
    const res = await vt.request('DELETE', '/v1/markets/QE', { headers: { 'if-match': etag } });
    expectProblem(res, 409, 'conflict');
    expect(res.body.detail).toContain('QE has template versions');
    expect((await vt.request('GET', '/v1/markets/QE')).status).toBe(200);
  });
});

describe.skipIf(dbKind !== 'postgres')('a market deleted on another instance', () => {
  let other: TestVetted;
  beforeAll(async () => {
    other = await startTestVetted({ sameDatabaseAs: vt, workers: false });
  });
  afterAll(async () => {
    await other?.stop();
  });

  it('is forgotten there within a second', async () => {
    await putFresh('QF', { status: 'active' });
    await waitFor(async () => (await other.request('GET', '/v1/bundles/QF')).status === 200, 1000);
    const etag = (await vt.request('GET', '/v1/markets/QF')).headers.get('etag') ?? '';
    expect((await vt.request('DELETE', '/v1/markets/QF', { headers: { 'if-match': etag } })).status).toBe(
      204,
    );
    await waitFor(async () => (await other.request('GET', '/v1/bundles/QF')).status === 404, 1000);
  });
});

describe('a wrong method on a known path', () => {
  it('answers 405 with Allow as problem+json; an unknown path stays 404', async () => {
    const render = await vt.request('GET', '/v1/render');
    expectProblem(render, 405, 'method-not-allowed');
    expect(render.headers.get('allow')).toBe('POST');
    expect(render.body.detail).toContain('POST');

    const markets = await vt.request('DELETE', '/v1/markets');
    expectProblem(markets, 405, 'method-not-allowed');
    expect(markets.headers.get('allow')).toBe('GET, HEAD');

    const one = await vt.request('POST', '/v1/markets/TR');
    expect(one.status).toBe(405);
    expect(one.headers.get('allow')).toBe('DELETE, GET, HEAD, PATCH, PUT');

    expectProblem(await vt.request('GET', '/v1/nowhere'), 404, 'not-found');
  });
});

describe('OpenAPI', () => {
  it('describes a market as one object a GET answer satisfies (no allOf of closed objects)', async () => {
    const spec = await vt.request('GET', '/openapi.json', { key: null });
    const schemas = spec.body.components.schemas as Record<string, Record<string, unknown>>;
    // An allOf whose parts forbid additional properties admits no object with the fields of both.
    const resolve = (part: Record<string, unknown>) =>
      typeof part.$ref === 'string' ? schemas[part.$ref.replace('#/components/schemas/', '')] : part;
    const closedAllOf = Object.entries(schemas)
      .filter(([, schema]) =>
        ((schema.allOf ?? []) as Array<Record<string, unknown>>).some(
          (part) => resolve(part)?.additionalProperties === false,
        ),
      )
      .map(([name]) => name);
    expect(closedAllOf).toEqual([]);
    const marketSchema = schemas.Market as { properties: Record<string, unknown>; required: string[] };
    const got = await vt.request('GET', '/v1/markets/TR');
    expect(Object.keys(marketSchema.properties).sort()).toEqual(Object.keys(got.body).sort());
    expect(marketSchema.required.sort()).toEqual(Object.keys(got.body).sort());
  });
});
