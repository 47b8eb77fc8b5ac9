import { describe, expect, it } from 'vitest';
import {
  createDraft,
  createTemplate,
  getStatus,
  submitAndWait,
  TURKISH_BODY,
  versionsPath,
} from '../support/fixtures.ts';
import { useTestVetted, waitFor } from '../support/harness.ts';

const vt = useTestVetted();

const versionPath = (key: string, n: number, market = 'TR', language = 'tr') =>
  `${versionsPath(key, market, language)}/${n}`;

describe('drafts and optimistic concurrency', () => {
  it('creates a draft with 201, an ETag and a Location, and GET returns the same ETag', async () => {
    const key = await createTemplate(vt);
    const res = await vt.request('POST', versionsPath(key), { body: { body: TURKISH_BODY } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      template: key,
      market: 'TR',
      language: 'tr',
      version: 1,
      status: 'draft',
      body: TURKISH_BODY,
    });
    expect(res.body.contentHash).toEqual(expect.any(String));
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(res.headers.get('location')).toBe(versionPath(key, 1));

    const got = await vt.request('GET', versionPath(key, 1));
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe(etag);
    expect(got.body.body).toBe(TURKISH_BODY);
  });

  it('updates a draft with If-Match, changing its content hash and returning a new ETag', async () => {
    const key = await createTemplate(vt);
    const created = await vt.request('POST', versionsPath(key), { body: { body: TURKISH_BODY } });
    const etag = created.headers.get('etag') as string;
    const newBody = 'Selam {{student_name}}, dersin {{lesson_at}} saatine alındı.';

    const patched = await vt.request('PATCH', versionPath(key, 1), {
      body: { body: newBody, footer: 'Vetted' },
      headers: { 'if-match': etag },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ body: newBody, footer: 'Vetted', status: 'draft' });
    expect(patched.body.contentHash).not.toBe(created.body.contentHash);
    const newEtag = patched.headers.get('etag');
    expect(newEtag).toBeTruthy();
    expect(newEtag).not.toBe(etag);

    const got = await vt.request('GET', versionPath(key, 1));
    expect(got.headers.get('etag')).toBe(newEtag);
    expect(got.body).toMatchObject({
      body: newBody,
      footer: 'Vetted',
      contentHash: patched.body.contentHash,
    });
  });

  it('refuses a PATCH without If-Match with 428 precondition-required', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key);
    const res = await vt.request('PATCH', versionPath(key, 1), { body: { body: 'Selam {{student_name}}' } });
    expect(res.status).toBe(428);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.type).toBe('/problems/precondition-required');
    expect((await vt.request('GET', versionPath(key, 1))).body.body).toBe(TURKISH_BODY);
  });

  it('refuses a PATCH with a stale ETag with 412 precondition-failed and keeps the newer content', async () => {
    const key = await createTemplate(vt);
    const created = await vt.request('POST', versionsPath(key), { body: { body: TURKISH_BODY } });
    const stale = created.headers.get('etag') as string;
    const first = await vt.request('PATCH', versionPath(key, 1), {
      body: { body: 'Birinci {{student_name}} {{lesson_at}}' },
      headers: { 'if-match': stale },
    });
    expect(first.status).toBe(200);

    const second = await vt.request('PATCH', versionPath(key, 1), {
      body: { body: 'İkinci {{student_name}} {{lesson_at}}' },
      headers: { 'if-match': stale },
    });
    expect(second.status).toBe(412);
    expect(second.body.type).toBe('/problems/precondition-failed');
    expect((await vt.request('GET', versionPath(key, 1))).body.body).toBe(
      'Birinci {{student_name}} {{lesson_at}}',
    );
  });

  it('copies any version’s content into a new draft numbered after the newest with fromVersion', async () => {
    const key = await createTemplate(vt);
    const content = {
      header: 'Ders değişikliği',
      body: TURKISH_BODY,
      footer: 'Vetted Akademi',
      buttons: [{ type: 'quick_reply', text: 'Tamam' }],
    };
    const v1 = await createDraft(vt, key, content);
    const v2 = await createDraft(vt, key, { body: 'Selam {{student_name}}, ders {{lesson_at}}.' });
    expect([v1, v2]).toEqual([1, 2]);
    const original = (await vt.request('GET', versionPath(key, 1))).body;

    const copy = await vt.request('POST', versionsPath(key), { body: { fromVersion: 1 } });
    expect(copy.status, JSON.stringify(copy.body)).toBe(201);
    expect(copy.body).toMatchObject({ version: 3, status: 'draft', ...content });
    expect(copy.body.contentHash).toBe(original.contentHash);
    expect(copy.headers.get('location')).toBe(versionPath(key, 3));
  });

  it('answers 404 when copying a version that does not exist', async () => {
    const key = await createTemplate(vt);
    const res = await vt.request('POST', versionsPath(key), { body: { fromVersion: 7 } });
    expect(res.status).toBe(404);
  });

  it('deletes a draft with If-Match (204) so that it is gone (404)', async () => {
    const key = await createTemplate(vt);
    const created = await vt.request('POST', versionsPath(key), { body: { body: TURKISH_BODY } });
    const withoutIfMatch = await vt.request('DELETE', versionPath(key, 1));
    expect(withoutIfMatch.status).toBe(428);

    const deleted = await vt.request('DELETE', versionPath(key, 1), {
      headers: { 'if-match': created.headers.get('etag') as string },
    });
    expect(deleted.status).toBe(204);
    const gone = await vt.request('GET', versionPath(key, 1));
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a draft for a language the market does not have with 422', async () => {
    const key = await createTemplate(vt);
    const res = await vt.request('POST', versionsPath(key, 'TR', 'ru'), {
      body: { body: 'Привет {{student_name}}, урок {{lesson_at}}.' },
    });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('/problems/validation-failed');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/language' })]));
    const list = await vt.request('GET', versionsPath(key, 'TR', 'ru'));
    expect(list.body.items ?? []).toEqual([]);
  });
});

describe('frozen versions', () => {
  it('refuses every write to a submitted version with 409 version-frozen and keeps its content and hash', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key, { body: TURKISH_BODY, footer: 'Vetted' });
    expect(await submitAndWait(vt, key, 1)).toBe('approved');
    const before = await vt.request('GET', versionPath(key, 1));
    const etag = before.headers.get('etag') as string;

    const patch = await vt.request('PATCH', versionPath(key, 1), {
      body: { body: 'Değişti {{student_name}} {{lesson_at}}', footer: null },
      headers: { 'if-match': etag },
    });
    expect(patch.status).toBe(409);
    expect(patch.body.type).toBe('/problems/version-frozen');

    const patchAny = await vt.request('PATCH', versionPath(key, 1), {
      body: { header: 'Yeni başlık' },
      headers: { 'if-match': '*' },
    });
    expect(patchAny.status).toBe(409);
    expect(patchAny.body.type).toBe('/problems/version-frozen');

    const del = await vt.request('DELETE', versionPath(key, 1), { headers: { 'if-match': etag } });
    expect(del.status).toBe(409);
    expect(del.body.type).toBe('/problems/version-frozen');

    const after = await vt.request('GET', versionPath(key, 1));
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('approved');
    expect(after.body.body).toBe(before.body.body);
    expect(after.body.footer).toBe('Vetted');
    expect(after.body.header).toBeUndefined();
    expect(after.body.contentHash).toBe(before.body.contentHash);
  });

  it('refuses to submit a version that is already queued or approved with 409', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key);
    const first = await vt.request('POST', `${versionPath(key, 1)}/submit`);
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(first.body.status).toBe('queued');

    const again = await vt.request('POST', `${versionPath(key, 1)}/submit`);
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/version-frozen');

    await waitFor(async () => (await getStatus(vt, key, 1)) === 'approved');
    const afterApproval = await vt.request('POST', `${versionPath(key, 1)}/submit`);
    expect(afterApproval.status).toBe(409);
    expect(afterApproval.body.type).toBe('/problems/version-frozen');

    const events = await vt.request('GET', `${versionPath(key, 1)}/events`);
    expect(events.body.items.filter((e: { toStatus: string }) => e.toStatus === 'queued')).toHaveLength(1);
  });

  it('answers a submission with 202 {status:"queued"} and records the queued event', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key);
    const res = await vt.request('POST', `${versionPath(key, 1)}/submit`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued' });
    const events = await vt.request('GET', `${versionPath(key, 1)}/events`);
    expect(events.body.items[0]).toMatchObject({ fromStatus: 'draft', toStatus: 'queued', source: 'api' });
    await waitFor(async () => (await getStatus(vt, key, 1)) === 'approved');
  });
});

describe('listing versions', () => {
  it('lists versions newest first, one page at a time with nextCursor', async () => {
    const key = await createTemplate(vt);
    for (let i = 0; i < 3; i++) await createDraft(vt, key);

    const all = await vt.request('GET', versionsPath(key));
    expect(all.status).toBe(200);
    expect(all.body.items.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(all.body.nextCursor).toBeNull();

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=1&cursor=${encodeURIComponent(cursor)}` : '?limit=1';
      const page = await vt.request('GET', `${versionsPath(key)}${query}`);
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(1);
      seen.push(page.body.items[0].version);
      cursor = page.body.nextCursor;
      pages += 1;
      if (pages < 3) expect(cursor).toEqual(expect.any(String));
    } while (cursor && pages < 10);
    expect(seen).toEqual([3, 2, 1]);
    expect(pages).toBe(3);
  });
});

describe('lint', () => {
  it('reports a block helper as a syntax error with its line and column', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key, {
      body: 'Merhaba {{student_name}}, dersiniz {{lesson_at}}.\nNot: {{#if x}}evet{{/if}}',
    });
    const res = await vt.request('GET', `${versionPath(key, 1)}/lint`);
    expect(res.status).toBe(200);
    const syntax = res.body.findings.filter((f: { rule: string }) => f.rule === 'syntax');
    expect(syntax).toHaveLength(1);
    expect(syntax[0]).toMatchObject({ severity: 'error', component: 'body', line: 2, column: 6 });
    expect(syntax[0].message).toEqual(expect.any(String));
    expect(res.body.errors).toBeGreaterThanOrEqual(1);
  });

  it('reports a variable the template does not declare as undeclared-variable', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key, { body: 'Merhaba {{student_name}}, {{lesson_at}} için {{room_number}}.' });
    const res = await vt.request('GET', `${versionPath(key, 1)}/lint`);
    expect(res.status).toBe(200);
    const undeclared = res.body.findings.filter((f: { rule: string }) => f.rule === 'undeclared-variable');
    expect(undeclared).toHaveLength(1);
    expect(undeclared[0]).toMatchObject({ severity: 'error', component: 'body', line: 1 });
    expect(undeclared[0].message).toContain('room_number');
  });

  it('refuses to submit a version with lint errors (422 lint-failed with findings) and leaves it a draft', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key, { body: 'Merhaba {{student_name}} {{#if lesson_at}}yarın{{/if}}' });
    const res = await vt.request('POST', `${versionPath(key, 1)}/submit`);
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('/problems/lint-failed');
    expect(res.body.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'syntax', severity: 'error' })]),
    );
    expect(await getStatus(vt, key, 1)).toBe('draft');
    const events = await vt.request('GET', `${versionPath(key, 1)}/events`);
    expect(events.body.items).toEqual([]);
  });
});

describe('template history', () => {
  it('lists the events of every version of a template, oldest first', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key);
    expect(await submitAndWait(vt, key, 1)).toBe('approved');
    await createDraft(vt, key, { fromVersion: 1 });
    expect(await submitAndWait(vt, key, 2)).toBe('approved');
    await createDraft(
      vt,
      key,
      { body: 'Hello {{student_name}}, your lesson moved to {{lesson_at}}.' },
      'TR',
      'en',
    );
    expect(await submitAndWait(vt, key, 1, ['approved', 'rejected'], 'TR', 'en')).toBe('approved');

    const res = await vt.request('GET', `/v1/templates/${key}/events`);
    expect(res.status).toBe(200);
    const items = res.body.items as Array<{
      id: string;
      language: string;
      version: number;
      toStatus: string;
      receivedAt: string;
    }>;
    expect(items.map((e) => `${e.language}/v${e.version}:${e.toStatus}`)).toEqual([
      'tr/v1:queued',
      'tr/v1:pending',
      'tr/v1:approved',
      'tr/v2:queued',
      'tr/v2:pending',
      'tr/v2:approved',
      'en/v1:queued',
      'en/v1:pending',
      'en/v1:approved',
    ]);
    const ids = items.map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(ids);
    const received = items.map((e) => Date.parse(e.receivedAt));
    expect([...received].sort((a, b) => a - b)).toEqual(received);
  });
});
