import { describe, expect, it } from 'vitest';
import {
  createDraft,
  createTemplate,
  LESSON_VARIABLES,
  render,
  submitAndWait,
  versionsPath,
} from '../support/fixtures.ts';
import { uniqueKey, useTestVetted } from '../support/harness.ts';

// The sandbox reviews at once and approves clean utility text.
const vt = useTestVetted({ env: { SANDBOX_REVIEW_DELAY_MS: '0' } });

const NEW_MARKET = {
  name: 'Netherlands',
  status: 'upcoming',
  languages: ['nl', 'en'],
  defaultLanguage: 'nl',
  fallbacks: { nl: ['en'] },
  timezone: 'Europe/Amsterdam',
  currency: 'EUR',
  provider: { kind: 'sandbox', account: 'sandbox-nl' },
};

interface Cell {
  market: string;
  language: string;
  status: string;
  newestVersion: number | null;
  servedVersion: number | null;
}

describe('markets', () => {
  it('lists RU, PL and TR as active and IT, ES, DE, FR and ID as upcoming, all on the sandbox', async () => {
    const res = await vt.request('GET', '/v1/markets');
    expect(res.status).toBe(200);
    const byCode = new Map<string, { status: string; provider: { kind: string } }>(
      res.body.items.map((m: { code: string }) => [m.code, m]),
    );
    for (const code of ['RU', 'PL', 'TR']) expect(byCode.get(code)?.status, code).toBe('active');
    for (const code of ['IT', 'ES', 'DE', 'FR', 'ID'])
      expect(byCode.get(code)?.status, code).toBe('upcoming');
    for (const code of ['RU', 'PL', 'TR', 'IT', 'ES', 'DE', 'FR', 'ID']) {
      expect(byCode.get(code)?.provider.kind, code).toBe('sandbox');
    }
    expect(byCode.get('TR')).toMatchObject({
      languages: ['tr', 'en'],
      defaultLanguage: 'tr',
      fallbacks: { tr: ['en'] },
      timezone: 'Europe/Istanbul',
      currency: 'TRY',
    });
  });

  it('creates a market with PUT (201) and updates it (200), refusing a stale If-Match with 412', async () => {
    const created = await vt.request('PUT', '/v1/markets/NL', { body: NEW_MARKET });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ code: 'NL', ...NEW_MARKET });
    const etag = created.headers.get('etag') as string;
    expect(etag).toBeTruthy();

    const updated = await vt.request('PUT', '/v1/markets/NL', {
      body: { ...NEW_MARKET, name: 'Nederland', status: 'active' },
      headers: { 'if-match': etag },
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({ code: 'NL', name: 'Nederland', status: 'active' });
    expect(updated.headers.get('etag')).not.toBe(etag);

    const stale = await vt.request('PUT', '/v1/markets/NL', {
      body: { ...NEW_MARKET, name: 'Holland' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.type).toBe('/problems/precondition-failed');

    const got = await vt.request('GET', '/v1/markets/NL');
    expect(got.status).toBe(200);
    expect(got.body.name).toBe('Nederland');
    expect(got.headers.get('etag')).toBe(updated.headers.get('etag'));
  });

  it('refuses a default language that is not among the market languages with 422', async () => {
    const res = await vt.request('PUT', '/v1/markets/BE', {
      body: { ...NEW_MARKET, name: 'Belgium', languages: ['nl', 'fr'], defaultLanguage: 'de', fallbacks: {} },
    });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('/problems/validation-failed');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: '/defaultLanguage' })]),
    );
    expect((await vt.request('GET', '/v1/markets/BE')).status).toBe(404);
  });

  it('refuses an unknown time zone with 422', async () => {
    const res = await vt.request('PUT', '/v1/markets/BE', {
      body: { ...NEW_MARKET, name: 'Belgium', timezone: 'Europe/Atlantis' },
    });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('/problems/validation-failed');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/timezone' })]));
  });
});

describe('templates', () => {
  it('creates a template with 201, an ETag and a Location', async () => {
    const key = uniqueKey();
    const res = await vt.request('POST', '/v1/templates', {
      body: { key, category: 'utility', description: 'Lesson moved', variables: LESSON_VARIABLES },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      key,
      category: 'utility',
      description: 'Lesson moved',
      variables: LESSON_VARIABLES,
      archived: false,
    });
    expect(res.headers.get('etag')).toBeTruthy();
    expect(res.headers.get('location')).toBe(`/v1/templates/${key}`);
  });

  it('refuses a key that exists already with 409 conflict', async () => {
    const key = await createTemplate(vt);
    const res = await vt.request('POST', '/v1/templates', {
      body: { key, category: 'marketing', description: 'Other', variables: [] },
    });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('/problems/conflict');
    expect((await vt.request('GET', `/v1/templates/${key}`)).body.category).toBe('utility');
  });

  it.each([
    ['upper case', 'Lesson_moved'],
    ['a leading digit', '1lesson_moved'],
    ['more than 64 characters', `l${'a'.repeat(64)}`],
  ])('refuses a key with %s with 422', async (_label, key) => {
    const res = await vt.request('POST', '/v1/templates', {
      body: { key, category: 'utility', description: '', variables: [] },
    });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('/problems/validation-failed');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/key' })]));
  });

  it('accepts a key of exactly 64 characters', async () => {
    const key = `l${'a'.repeat(63)}`;
    const res = await vt.request('POST', '/v1/templates', {
      body: { key, category: 'utility', description: '', variables: [] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('refuses duplicate variable names with 422', async () => {
    const res = await vt.request('POST', '/v1/templates', {
      body: {
        key: uniqueKey(),
        category: 'utility',
        description: '',
        variables: [
          { name: 'student_name', type: 'text', example: 'Anna' },
          { name: 'student_name', type: 'text', example: 'Ayşe' },
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('/problems/validation-failed');
  });

  it('filters the list by text, category, market and status and pages through it', async () => {
    const token = uniqueKey('flt');
    const plain = await createTemplate(vt, { key: `${token}_a`, description: 'No variants yet' });
    const promo = await createTemplate(vt, {
      key: `${token}_b`,
      category: 'marketing',
      description: 'Spring offer',
    });
    const drafted = await createTemplate(vt, { key: `${token}_c`, description: 'Has a draft in TR' });
    await createDraft(vt, drafted);
    const approved = await createTemplate(vt, { key: `${token}_d`, description: 'Approved in TR' });
    await createDraft(vt, approved);
    expect(await submitAndWait(vt, approved, 1)).toBe('approved');
    const byDescription = await createTemplate(vt, { description: `Found by text: ${token}` });

    const keys = async (query: string) => {
      const res = await vt.request('GET', `/v1/templates?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((t: { key: string }) => t.key);
    };
    expect(await keys(`q=${token}`)).toEqual(
      [plain, promo, drafted, approved, byDescription].sort((a, b) => a.localeCompare(b)),
    );
    expect(await keys(`q=${token}&category=marketing`)).toEqual([promo]);
    expect(await keys(`q=${token}&category=utility`)).toEqual(
      [plain, drafted, approved, byDescription].sort((a, b) => a.localeCompare(b)),
    );
    expect(await keys(`q=${token}&market=TR`)).toEqual([drafted, approved]);
    expect(await keys(`q=${token}&market=PL`)).toEqual([]);
    expect(await keys(`q=${token}&market=TR&language=en`)).toEqual([]);
    expect(await keys(`q=${token}&status=approved`)).toEqual([approved]);
    expect(await keys(`q=${token}&status=draft`)).toEqual([drafted]);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await vt.request('GET', `/v1/templates?q=${token}&limit=2${suffix}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((t: { key: string }) => t.key));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(await keys(`q=${token}`));
  });

  it('shows a variant cell for every market × language, missing until a version exists', async () => {
    const key = await createTemplate(vt);
    const markets = (await vt.request('GET', '/v1/markets')).body.items as Array<{
      code: string;
      languages: string[];
    }>;
    const expected = markets.flatMap((m) => m.languages.map((language) => `${m.code}/${language}`)).sort();

    const res = await vt.request('GET', `/v1/templates/${key}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeTruthy();
    const cells = res.body.variants as Cell[];
    expect(cells.map((c) => `${c.market}/${c.language}`).sort()).toEqual(expected);
    for (const cell of cells) {
      expect(cell).toMatchObject({ status: 'missing', newestVersion: null, servedVersion: null });
    }
  });

  it('shows the newest and the served version of a variant after an approval', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key);
    expect(await submitAndWait(vt, key, 1)).toBe('approved');
    await createDraft(vt, key, { fromVersion: 1 });

    const res = await vt.request('GET', `/v1/templates/${key}`);
    const cells = res.body.variants as Cell[];
    expect(cells.find((c) => c.market === 'TR' && c.language === 'tr')).toEqual({
      market: 'TR',
      language: 'tr',
      status: 'draft',
      newestVersion: 2,
      servedVersion: 1,
      recategorized: null,
    });
    expect(res.body.recategorized).toBe(false);
    expect(cells.find((c) => c.market === 'TR' && c.language === 'en')).toMatchObject({
      status: 'missing',
      newestVersion: null,
      servedVersion: null,
    });
    expect(cells.filter((c) => c.status !== 'missing')).toHaveLength(1);
  });

  it('requires If-Match to edit a template and updates its description', async () => {
    const key = await createTemplate(vt);
    const got = await vt.request('GET', `/v1/templates/${key}`);
    const etag = got.headers.get('etag') as string;

    const without = await vt.request('PATCH', `/v1/templates/${key}`, { body: { description: 'New text' } });
    expect(without.status).toBe(428);
    expect(without.body.type).toBe('/problems/precondition-required');

    const patched = await vt.request('PATCH', `/v1/templates/${key}`, {
      body: { description: 'New text' },
      headers: { 'if-match': etag },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.description).toBe('New text');
    expect(patched.headers.get('etag')).not.toBe(etag);

    const stale = await vt.request('PATCH', `/v1/templates/${key}`, {
      body: { description: 'Lost update' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect((await vt.request('GET', `/v1/templates/${key}`)).body.description).toBe('New text');
  });

  it('archives a template on DELETE: still readable, listed only with archived=true, not served, no new drafts', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key);
    expect(await submitAndWait(vt, key, 1)).toBe('approved');
    expect((await render(vt, key)).status).toBe(200);
    const etag = (await vt.request('GET', `/v1/templates/${key}`)).headers.get('etag') as string;

    expect((await vt.request('DELETE', `/v1/templates/${key}`)).status).toBe(428);
    const archived = await vt.request('DELETE', `/v1/templates/${key}`, { headers: { 'if-match': etag } });
    expect(archived.status, JSON.stringify(archived.body)).toBe(200);
    expect(archived.body.archived).toBe(true);

    const got = await vt.request('GET', `/v1/templates/${key}`);
    expect(got.status).toBe(200);
    expect(got.body.archived).toBe(true);
    expect((await vt.request('GET', `${versionsPath(key)}/1`)).body.status).toBe('approved');

    const defaultList = await vt.request('GET', `/v1/templates?q=${key}`);
    expect(defaultList.body.items.map((t: { key: string }) => t.key)).not.toContain(key);
    const archivedList = await vt.request('GET', `/v1/templates?q=${key}&archived=true`);
    expect(archivedList.body.items.map((t: { key: string }) => t.key)).toEqual([key]);

    const rendered = await render(vt, key);
    expect(rendered.status).toBe(404);
    expect(rendered.body.type).toBe('/problems/unknown-template');

    const draft = await vt.request('POST', versionsPath(key), { body: { fromVersion: 1 } });
    expect(draft.status).toBe(409);
    expect(draft.body.type).toBe('/problems/conflict');
  });
});
