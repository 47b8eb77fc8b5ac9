import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEntries } from '../../db/schema/index.ts';
import { serviceContext, withTransaction } from '../../src/context.ts';
import { createTemplate as createTemplateService } from '../../src/modules/templates/templates.service.ts';
import { createDraft, createTemplate, getStatus, TURKISH_BODY, versionsPath } from '../support/fixtures.ts';
import { ADMIN_KEY, type TestResponse, uniqueKey, useTestVetted, waitFor } from '../support/harness.ts';

const vt = useTestVetted();

interface Entry {
  id: string;
  at: string;
  actor: { keyId: string; name: string } | null;
  action: string;
  object: { type: string; id: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
}

async function entriesFor(type: string, id: string, key = ADMIN_KEY): Promise<Entry[]> {
  const res = await vt.request('GET', `/v1/audit?objectType=${type}&objectId=${encodeURIComponent(id)}`, {
    key,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items;
}

/** Runs a write and returns the audit entries it added (all of them, whatever the object). */
async function entriesAddedBy(
  write: () => Promise<TestResponse>,
): Promise<{ res: TestResponse; added: Entry[] }> {
  const before = await vt.request('GET', '/v1/audit?limit=1');
  const newest = Number(before.body.items[0]?.id ?? 0);
  const res = await write();
  const after = await vt.request('GET', '/v1/audit?limit=200');
  return { res, added: after.body.items.filter((entry: Entry) => Number(entry.id) > newest) };
}

const etagOf = async (path: string) => (await vt.request('GET', path)).headers.get('etag') ?? '';

describe('audit trail', () => {
  it('records exactly one entry, with before and after, for every write route', async () => {
    const key = uniqueKey();
    const templatePath = `/v1/templates/${key}`;
    const versionPath = (n: number) => `${versionsPath(key)}/${n}`;
    const tr = await vt.request('GET', '/v1/markets/TR');
    const { code: _c, createdAt: _a, updatedAt: _u, ...market } = tr.body;
    let keyId = '';
    const writes: Array<{ action: string; object: () => string; write: () => Promise<TestResponse> }> = [
      {
        action: 'template.create',
        object: () => key,
        write: () =>
          vt.request('POST', '/v1/templates', {
            body: {
              key,
              category: 'utility',
              description: 'Lesson moved',
              variables: [
                { name: 'student_name', type: 'text', example: 'Anna' },
                { name: 'lesson_at', type: 'text', example: '12 May' },
              ],
            },
          }),
      },
      {
        action: 'template.update',
        object: () => key,
        write: async () =>
          vt.request('PATCH', templatePath, {
            headers: { 'if-match': await etagOf(templatePath) },
            body: { description: 'Lesson moved to another time' },
          }),
      },
      {
        action: 'version.create',
        object: () => `${key}/TR/tr/1`,
        write: () => vt.request('POST', versionsPath(key), { body: { body: TURKISH_BODY } }),
      },
      {
        action: 'version.update',
        object: () => `${key}/TR/tr/1`,
        write: async () =>
          vt.request('PATCH', versionPath(1), {
            headers: { 'if-match': await etagOf(versionPath(1)) },
            body: { footer: 'Vetted' },
          }),
      },
      {
        action: 'version.create',
        object: () => `${key}/TR/tr/2`,
        write: () => vt.request('POST', versionsPath(key), { body: { fromVersion: 1 } }),
      },
      {
        action: 'version.delete',
        object: () => `${key}/TR/tr/2`,
        write: async () =>
          vt.request('DELETE', versionPath(2), { headers: { 'if-match': await etagOf(versionPath(2)) } }),
      },
      {
        action: 'market.put',
        object: () => 'TR',
        write: () => vt.request('PUT', '/v1/markets/TR', { body: market }),
      },
      {
        action: 'api-key.create',
        object: () => keyId,
        write: async () => {
          const res = await vt.request('POST', '/v1/api-keys', { body: { name: 'audited', role: 'viewer' } });
          keyId = res.body.id;
          return res;
        },
      },
      {
        action: 'api-key.revoke',
        object: () => keyId,
        write: () => vt.request('DELETE', `/v1/api-keys/${keyId}`),
      },
      {
        action: 'template.archive',
        object: () => key,
        write: async () =>
          vt.request('DELETE', templatePath, { headers: { 'if-match': await etagOf(templatePath) } }),
      },
    ];
    for (const { action, object, write } of writes) {
      const { res, added } = await entriesAddedBy(write);
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      expect(
        added.map((e) => [e.action, e.object.id]),
        action,
      ).toEqual([[action, object()]]);
      const [entry] = added;
      expect(entry?.actor?.name, action).toBe('bootstrap admin (ADMIN_API_KEY)');
      expect(entry?.requestId, action).toEqual(expect.any(String));
      if (action.endsWith('.create')) expect(entry?.before, action).toBeNull();
      else expect(entry?.before, action).not.toBeNull();
      if (action === 'version.delete') expect(entry?.after).toBeNull();
      else expect(entry?.after, action).not.toBeNull();
    }
    const [update] = await entriesFor('template', key).then((all) =>
      all.filter((e) => e.action === 'template.update'),
    );
    expect(update?.before?.description).toBe('Lesson moved');
    expect(update?.after?.description).toBe('Lesson moved to another time');
  });

  it('records submit, appeal and forced sandbox decisions once each, with the status before and after', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    const path = `${versionsPath(key)}/${n}`;
    const submitted = await entriesAddedBy(() => vt.request('POST', `${path}/submit`));
    expect(submitted.added.map((e) => e.action)).toEqual(['version.submit']);
    expect(submitted.added[0]?.before?.status).toBe('draft');
    expect(submitted.added[0]?.after?.status).toBe('queued');
    await waitFor(async () => (await getStatus(vt, key, n)) === 'approved');
    const decided = await entriesAddedBy(() =>
      vt.request('POST', '/v1/sandbox/decisions', {
        body: { providerTemplateName: `${key}_tr_v${n}`, status: 'rejected' },
      }),
    );
    expect(decided.res.status, JSON.stringify(decided.res.body)).toBe(200);
    expect(decided.added.map((e) => e.action)).toEqual(['sandbox.decide']);
    expect(decided.added[0]?.before?.status).toBe('approved');
    expect(decided.added[0]?.after?.status).toBe('rejected');
    const appealed = await entriesAddedBy(() => vt.request('POST', `${path}/appeal`, { body: {} }));
    expect(appealed.res.status, JSON.stringify(appealed.res.body)).toBe(200);
    expect(appealed.added.map((e) => [e.action, e.before?.status, e.after?.status])).toEqual([
      ['version.appeal', 'rejected', 'in_appeal'],
    ]);
  });

  it('never keeps a key hash or the key itself', async () => {
    const { added, res } = await entriesAddedBy(() =>
      vt.request('POST', '/v1/api-keys', { body: { name: 'secret holder', role: 'editor' } }),
    );
    const rows = await vt.deps.database.db
      .select()
      .from(auditEntries)
      .where(eq(auditEntries.objectId, res.body.id));
    expect(added).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(res.body.key.slice(12));
    expect(JSON.stringify(rows)).not.toMatch(/"hash"/);
  });

  it('writes nothing for a change that does not happen: refused, stale or rolled back', async () => {
    const key = await createTemplate(vt);
    const refused = await entriesAddedBy(() =>
      vt.request('PATCH', `/v1/templates/${key}`, {
        headers: { 'if-match': '"stale"' },
        body: { description: 'x' },
      }),
    );
    expect(refused.res.status).toBe(412);
    expect(refused.added).toEqual([]);
    const rolledBack = uniqueKey();
    const ctx = serviceContext(vt.deps, { keyId: 'k', name: 'rolled back', requestId: 'r' });
    await expect(
      withTransaction(ctx, async (tx) => {
        await createTemplateService(
          tx,
          { key: rolledBack, category: 'utility', description: 'never', variables: [] },
          'k',
        );
        throw new Error('the request failed after the change');
      }),
    ).rejects.toThrow('the request failed');
    expect(await entriesFor('template', rolledBack)).toEqual([]);
    expect((await vt.request('GET', `/v1/templates/${rolledBack}`)).status).toBe(404);
  });

  it('shows a scoped admin only entries about its own markets, filterable by actor, newest first', async () => {
    const trKey = await createTemplate(vt);
    await createDraft(vt, trKey);
    const ruKey = await createTemplate(vt);
    await createDraft(
      vt,
      ruKey,
      { body: 'Здравствуйте, {{student_name}}! Урок перенесён на {{lesson_at}}. До встречи.' },
      'RU',
      'ru',
    );
    const created = await vt.request('POST', '/v1/api-keys', {
      body: { name: 'tr admin', role: 'admin', markets: ['TR'] },
    });
    const trAdmin = created.body.key;
    const res = await vt.request('GET', '/v1/audit?limit=200', { key: trAdmin });
    expect(res.status).toBe(200);
    const items: Array<Entry & { markets: string[] | null }> = res.body.items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((e) => e.markets?.every((m) => m === 'TR') === true)).toBe(true);
    expect(items.some((e) => e.object.id === `${trKey}/TR/tr/1`)).toBe(true);
    expect(items.some((e) => e.object.id.startsWith(ruKey))).toBe(false);
    // Its own creation is an entry about a TR key.
    expect(items.some((e) => e.action === 'api-key.create' && e.object.id === created.body.id)).toBe(true);
    const ids = items.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const draft = await vt.request('POST', versionsPath(trKey), {
      key: trAdmin,
      body: { body: TURKISH_BODY },
    });
    expect(draft.status).toBe(201);
    const mine = await vt.request('GET', `/v1/audit?actor=${created.body.id}`, { key: trAdmin });
    expect(mine.body.items.map((e: Entry) => [e.action, e.actor?.keyId])).toEqual([
      ['version.create', created.body.id],
    ]);
    const editor = await vt.request('POST', '/v1/api-keys', { body: { name: 'editor', role: 'editor' } });
    expect((await vt.request('GET', '/v1/audit', { key: editor.body.key })).status).toBe(403);
  });

  it('pages with a cursor, newest first', async () => {
    for (let i = 0; i < 3; i++) await createTemplate(vt);
    const first = await vt.request('GET', '/v1/audit?limit=2&objectType=template');
    expect(first.body.items).toHaveLength(2);
    const second = await vt.request(
      'GET',
      `/v1/audit?limit=2&objectType=template&cursor=${first.body.nextCursor}`,
    );
    expect(second.status).toBe(200);
    expect(Number(second.body.items[0].id)).toBeLessThan(Number(first.body.items[1].id));
  });
});
