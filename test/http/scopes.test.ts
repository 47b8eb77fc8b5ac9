import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { startVetted } from '../../src/vetted.ts';
import {
  createDraft,
  createTemplate,
  LESSON_VARIABLES,
  render,
  submitAndWait,
  versionsPath,
} from '../support/fixtures.ts';
import { ADMIN_KEY, type TestResponse, useTestVetted } from '../support/harness.ts';

const vt = useTestVetted();

const RUSSIAN_BODY = 'Здравствуйте, {{student_name}}! Ваш урок перенесён на {{lesson_at}}. До встречи.';
const RU_VARIABLES = { student_name: 'Анна', lesson_at: '12 мая 15:00' };

async function createKey(body: Record<string, unknown>, key?: string): Promise<{ id: string; key: string }> {
  const res = await vt.request('POST', '/v1/api-keys', {
    body: { name: 'scoped', ...body },
    ...(key ? { key } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, key: res.body.key };
}

function expectProblem(res: TestResponse, status: number, type: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: `/problems/${type}`, status });
}

/** A template with an approved RU/ru version, as another market's team would have it. */
async function approvedInRussia(): Promise<string> {
  const key = await createTemplate(vt);
  const n = await createDraft(vt, key, { body: RUSSIAN_BODY }, 'RU', 'ru');
  expect(await submitAndWait(vt, key, n, ['approved'], 'RU', 'ru')).toBe('approved');
  return key;
}

const renderRu = (key: string) => render(vt, key, { market: 'RU', language: 'ru', variables: RU_VARIABLES });

describe('a market-scoped admin is an admin of its markets only (finding 2)', () => {
  it('cannot create a key wider than itself: no unscoped key, no other market, no language it lacks', async () => {
    const { key: trAdmin } = await createKey({ role: 'admin', markets: ['TR'] });
    for (const body of [
      { role: 'admin' },
      { role: 'viewer', markets: ['RU'] },
      { role: 'editor', markets: ['TR', 'RU'] },
      { role: 'viewer' },
    ]) {
      const res = await vt.request('POST', '/v1/api-keys', {
        key: trAdmin,
        body: { name: 'wider', ...body },
      });
      expectProblem(res, 403, 'forbidden');
    }
    const ok = await vt.request('POST', '/v1/api-keys', {
      key: trAdmin,
      body: { name: 'tr editor', role: 'editor', markets: ['TR'] },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it('lists only keys no wider than itself and cannot revoke the bootstrap admin or a key of another market', async () => {
    const { key: trAdmin, id: trAdminId } = await createKey({ role: 'admin', markets: ['TR'] });
    const ruViewer = await createKey({ role: 'viewer', markets: ['RU'] });
    const trViewer = await createKey({ role: 'viewer', markets: ['TR'] });
    const list = await vt.request('GET', '/v1/api-keys?limit=200', { key: trAdmin });
    expect(list.status).toBe(200);
    const ids = list.body.items.map((item: { id: string }) => item.id);
    expect(ids).toContain(trViewer.id);
    expect(ids).toContain(trAdminId);
    expect(ids).not.toContain(ruViewer.id);
    expect(
      list.body.items.every((item: { markets?: string[] }) => item.markets?.every((m) => m === 'TR')),
    ).toBe(true);
    const everyone = await vt.request('GET', '/v1/api-keys?limit=200');
    const bootstrap = everyone.body.items.find((item: { name: string }) =>
      item.name.includes('ADMIN_API_KEY'),
    );
    expectProblem(
      await vt.request('DELETE', `/v1/api-keys/${bootstrap.id}`, { key: trAdmin }),
      404,
      'not-found',
    );
    expectProblem(
      await vt.request('DELETE', `/v1/api-keys/${ruViewer.id}`, { key: trAdmin }),
      404,
      'not-found',
    );
    expect((await vt.request('GET', '/v1/markets', { key: ruViewer.key })).status).toBe(200);
    expect((await vt.request('GET', '/v1/markets')).status).toBe(200);
    expect((await vt.request('DELETE', `/v1/api-keys/${trViewer.id}`, { key: trAdmin })).status).toBe(204);
  });

  it('cannot change or create a market outside its own', async () => {
    const { key: trAdmin } = await createKey({ role: 'admin', markets: ['TR'] });
    const ru = await vt.request('GET', '/v1/markets/RU');
    const { code: _code, createdAt: _created, updatedAt: _updated, ...representation } = ru.body;
    const put = await vt.request('PUT', '/v1/markets/RU', {
      key: trAdmin,
      body: { ...representation, name: 'Taken over' },
    });
    expectProblem(put, 404, 'unknown-market');
    expect((await vt.request('GET', '/v1/markets/RU')).body.name).toBe(ru.body.name);
    expectProblem(
      await vt.request('PUT', '/v1/markets/XX', { key: trAdmin, body: representation }),
      404,
      'unknown-market',
    );
    // A new market belongs to nobody's scope yet: only an unscoped admin creates one.
    const { key: xxAdmin } = await createKey({ role: 'admin', markets: ['XX'] });
    expectProblem(
      await vt.request('PUT', '/v1/markets/XX', { key: xxAdmin, body: representation }),
      403,
      'forbidden',
    );
    expectProblem(await vt.request('GET', '/v1/markets/XX'), 404, 'unknown-market');
    const tr = await vt.request('GET', '/v1/markets/TR');
    const { code: _c, createdAt: _a, updatedAt: _u, ...trRepresentation } = tr.body;
    const own = await vt.request('PUT', '/v1/markets/TR', { key: trAdmin, body: trRepresentation });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
  });

  it('cannot force a sandbox decision on another market’s template', async () => {
    const key = await approvedInRussia();
    const { key: trAdmin } = await createKey({ role: 'admin', markets: ['TR'] });
    const res = await vt.request('POST', '/v1/sandbox/decisions', {
      key: trAdmin,
      body: { providerTemplateName: `${key}_ru_v1`, status: 'disabled' },
    });
    expectProblem(res, 404, 'not-found');
    expect((await renderRu(key)).status).toBe(200);
  });
});

describe('a template-level change needs scope over every variant (finding 3)', () => {
  it('refuses a TR editor retyping or archiving a template served in RU, naming RU, and RU keeps rendering', async () => {
    const key = await approvedInRussia();
    await createDraft(vt, key);
    const { key: trEditor } = await createKey({ role: 'editor', markets: ['TR'] });
    const etag = (await vt.request('GET', `/v1/templates/${key}`)).headers.get('etag') ?? '';
    const retyped = LESSON_VARIABLES.map((v) => (v.name === 'lesson_at' ? { ...v, type: 'datetime' } : v));
    const patch = await vt.request('PATCH', `/v1/templates/${key}`, {
      key: trEditor,
      headers: { 'if-match': etag },
      body: { variables: retyped },
    });
    expectProblem(patch, 403, 'forbidden');
    expect(patch.body.markets).toEqual(['RU']);
    expect(patch.body.detail).toContain('RU');
    const archive = await vt.request('DELETE', `/v1/templates/${key}`, {
      key: trEditor,
      headers: { 'if-match': etag },
    });
    expectProblem(archive, 403, 'forbidden');
    const rendered = await renderRu(key);
    expect(rendered.status, JSON.stringify(rendered.body)).toBe(200);
    // The description is for people only; any editor who sees the template may improve it.
    const described = await vt.request('PATCH', `/v1/templates/${key}`, {
      key: trEditor,
      headers: { 'if-match': etag },
      body: { description: 'Clearer' },
    });
    expect(described.status, JSON.stringify(described.body)).toBe(200);
  });

  it('lets an editor covering every market of the template change its variables', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key);
    await createDraft(vt, key, { body: RUSSIAN_BODY }, 'RU', 'ru');
    const { key: editor } = await createKey({ role: 'editor', markets: ['TR', 'RU'] });
    const etag = (await vt.request('GET', `/v1/templates/${key}`)).headers.get('etag') ?? '';
    const res = await vt.request('PATCH', `/v1/templates/${key}`, {
      key: editor,
      headers: { 'if-match': etag },
      body: { variables: LESSON_VARIABLES },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

describe('lists and lint show only what is in scope (finding 4)', () => {
  it('never returns an RU-only template to keys limited to TR or to tr, whatever the filters', async () => {
    const ruOnly = await createTemplate(vt);
    await createDraft(vt, ruOnly, { body: RUSSIAN_BODY }, 'RU', 'ru');
    const keys = [
      (await createKey({ role: 'translator', markets: ['TR'], languages: ['tr'] })).key,
      (await createKey({ role: 'viewer', markets: ['TR'] })).key,
      (await createKey({ role: 'viewer', languages: ['tr'] })).key,
    ];
    for (const query of ['market=RU&status=draft', 'market=RU', 'language=ru', 'status=draft']) {
      for (const key of keys) {
        const res = await vt.request('GET', `/v1/templates?limit=200&${query}`, { key });
        expect(res.status).toBe(200);
        expect(
          res.body.items.map((t: { key: string }) => t.key),
          query,
        ).not.toContain(ruOnly);
      }
      const admin = await vt.request('GET', `/v1/templates?limit=200&${query}`);
      expect(
        admin.body.items.map((t: { key: string }) => t.key),
        query,
      ).toContain(ruOnly);
    }
  });

  it('leaves sibling languages outside the key out of lint findings', async () => {
    const key = await createTemplate(vt, {
      variables: [...LESSON_VARIABLES, { name: 'teacher_name', type: 'text', example: 'Ali' }],
    });
    const n = await createDraft(vt, key);
    await createDraft(
      vt,
      key,
      { body: 'Hello {{student_name}}, {{teacher_name}} moved your lesson. See you soon.' },
      'TR',
      'en',
    );
    const lintPath = `${versionsPath(key)}/${n}/lint`;
    type Finding = { rule: string; message: string };
    const siblingFindings = (findings: Finding[]) => findings.filter((f) => f.rule.startsWith('sibling-'));
    const everything = await vt.request('GET', lintPath);
    expect(siblingFindings(everything.body.findings).length).toBeGreaterThan(0);
    const { key: translator } = await createKey({ role: 'translator', markets: ['TR'], languages: ['tr'] });
    const lint = await vt.request('GET', lintPath, { key: translator });
    const version = await vt.request('GET', `${versionsPath(key)}/${n}`, { key: translator });
    const list = await vt.request('GET', versionsPath(key), { key: translator });
    for (const findings of [lint.body.findings, version.body.lint, list.body.items[0].lint] as Finding[][]) {
      expect(siblingFindings(findings)).toEqual([]);
    }
  });
});

describe('no lock-out (finding 8)', () => {
  it('refuses to revoke the last unscoped admin key with 409, and ADMIN_API_KEY restores access after a revoke and a restart', async () => {
    const other = await createKey({ role: 'admin' });
    const everyone = await vt.request('GET', '/v1/api-keys?limit=200');
    const bootstrap = everyone.body.items.find((item: { name: string }) =>
      item.name.includes('ADMIN_API_KEY'),
    );
    // Scoped admins do not count: they cannot manage markets or unscoped keys.
    await createKey({ role: 'admin', markets: ['TR'] });
    expect((await vt.request('DELETE', `/v1/api-keys/${bootstrap.id}`, { key: other.key })).status).toBe(204);
    expect((await vt.request('GET', '/v1/markets')).status).toBe(401);
    const last = await vt.request('DELETE', `/v1/api-keys/${other.id}`, { key: other.key });
    expectProblem(last, 409, 'conflict');
    expect(last.body.detail).toMatch(/last/i);
    expect((await vt.request('GET', '/v1/markets', { key: other.key })).status).toBe(200);

    // A restart with the same ADMIN_API_KEY brings the revoked key back as an unscoped admin.
    const restarted = await startVetted(vt.deps.config, {
      database: vt.deps.database,
      log: pino({ level: 'silent' }),
      workers: false,
    });
    try {
      const app = createApp(restarted.deps);
      const res = await app.request('/v1/api-keys?limit=200', {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      expect(res.status).toBe(200);
      const restored = (
        (await res.json()) as { items: Array<{ id: string; revokedAt?: string; markets?: string[] }> }
      ).items.find((item) => item.id === bootstrap.id);
      expect(restored).toMatchObject({ id: bootstrap.id });
      expect(restored?.revokedAt).toBeUndefined();
      expect(restored?.markets).toBeUndefined();
    } finally {
      await restarted.stop();
    }
  });
});
