import { describe, expect, it } from 'vitest';
import { ConsoleClient } from '../support/console-client.ts';
import { createDraft, createTemplate, submitAndWait, versionsPath } from '../support/fixtures.ts';
import { ADMIN_KEY, useTestVetted, waitFor } from '../support/harness.ts';

const vt = useTestVetted();

async function admin(): Promise<ConsoleClient> {
  const browser = new ConsoleClient(vt);
  await browser.login(ADMIN_KEY);
  return browser;
}

const etagIn = (html: string) => /name="etag" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('console editor', () => {
  it('saves with If-Match and, when someone else saved first, says so and keeps the writer’s text', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key, {
      body: 'Merhaba {{student_name}}, dersiniz {{lesson_at}} tarihinde.',
    });
    const browser = await admin();
    const path = `/ui/templates/${key}/variants/TR/tr/versions/${n}`;
    const editor = await browser.get(path);
    const etag = etagIn(editor.html);
    expect(etag).toMatch(/^&quot;.+&quot;$/);

    const theirs = await vt.request('PATCH', `${versionsPath(key)}/${n}`, {
      body: { body: 'Merhaba {{student_name}}, dersiniz {{lesson_at}} tarihine taşındı.' },
      headers: { 'if-match': etag.replaceAll('&quot;', '"') },
    });
    expect(theirs.status).toBe(200);

    const mine = 'Selam {{student_name}}, dersiniz {{lesson_at}} saatinde başlıyor.';
    const stale = await browser.post(path, { etag: etag.replaceAll('&quot;', '"'), body: mine });
    expect(stale.status).toBe(412);
    expect(stale.html).toContain('Someone else saved this draft after you opened it');
    expect(stale.html).toContain(mine);
    expect((await vt.request('GET', `${versionsPath(key)}/${n}`)).body.body).toContain('taşındı');

    const fresh = etagIn((await browser.get(path)).html).replaceAll('&quot;', '"');
    const saved = await browser.post(path, { etag: fresh, body: mine, footer: 'Vetted' });
    expect(saved.status).toBe(303);
    const stored = (await vt.request('GET', `${versionsPath(key)}/${n}`)).body;
    expect(stored).toMatchObject({ body: mine, footer: 'Vetted' });
  });

  it('lints unsaved text, copies a version into a new draft and diffs two versions', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key, {
      body: 'Merhaba {{student_name}}, dersiniz {{lesson_at}} tarihinde.',
    });
    const browser = await admin();
    const variant = `/ui/templates/${key}/variants/TR/tr`;
    const check = await browser.post(`${variant}/versions/${n}/check`, {
      body: 'Merhaba {{student_name}}, {{lesson_at}} {{kupon}}',
    });
    expect(check.status).toBe(200);
    expect(check.html).toContain('data-rule="undeclared-variable"');
    expect(check.html).toContain('Variable kupon is used but not declared');

    const copy = await browser.post(`${variant}/versions`, { fromVersion: String(n) });
    expect(copy.status).toBe(303);
    expect(copy.headers.get('location')).toBe(`${variant}/versions/${n + 1}`);
    await vt.request('PATCH', `${versionsPath(key)}/${n + 1}`, {
      body: { body: 'Merhaba {{student_name}}, dersiniz {{lesson_at}} saatinde.' },
      headers: { 'if-match': '*' },
    });
    const diff = await browser.get(`${variant}?from=${n}&to=${n + 1}`);
    expect(diff.html).toContain('<del>tarihinde.</del><ins>saatinde.</ins>');
  });
});

describe('console review', () => {
  it('appeals a rejection with a reason', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key, {
      body: 'Merhaba {{student_name}}, dersiniz {{lesson_at}} tarihine taşındı.',
    });
    expect(await submitAndWait(vt, key, n, ['approved'])).toBe('approved');
    const decision = await vt.request('POST', '/v1/sandbox/decisions', {
      body: { providerTemplateName: `${key}_tr_v${n}`, status: 'rejected', reason: 'INCORRECT_CATEGORY' },
    });
    expect(decision.status).toBe(200);
    const browser = await admin();
    const path = `/ui/templates/${key}/variants/TR/tr/versions/${n}`;
    await waitFor(async () => (await browser.get(path)).html.includes(`action="${path}/appeal"`));
    const appealed = await browser.post(`${path}/appeal`, { reasonText: 'It only moves a lesson.' });
    expect(appealed.status).toBe(303);
    expect((await vt.request('GET', `${versionsPath(key)}/${n}`)).body.status).toBe('in_appeal');
    const events = (await vt.request('GET', `${versionsPath(key)}/${n}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({ toStatus: 'in_appeal', reasonText: 'It only moves a lesson.' });
  });
});

describe('console localisation and administration', () => {
  it('exports a market language and imports a file with its report', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key, { body: 'Merhaba {{student_name}}, dersiniz {{lesson_at}} tarihinde.' });
    const browser = await admin();
    const exported = await vt.app.request('/ui/localization/export?locale=TR%7Ctr', {
      headers: { cookie: browser.cookie ?? '' },
    });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain('vetted-TR-tr.json');
    const resource = (await exported.json()) as Record<string, unknown>;
    expect(resource[key]).toEqual({ body: 'Merhaba {{student_name}}, dersiniz {{lesson_at}} tarihinde.' });

    const file = new File(
      [
        JSON.stringify({
          [key]: { body: 'Merhaba {{student_name}}, dersiniz {{lesson_at}} saatinde.' },
          nope: { body: 'x' },
        }),
      ],
      'tr.json',
      { type: 'application/json' },
    );
    const report = await browser.upload('/ui/localization/import', { locale: 'TR|tr', file });
    expect(report.status).toBe(200);
    expect(report.html).toContain('id="import-report"');
    expect(report.html).toContain('1 drafts created, 0 unchanged, 1 refused.');
    expect(report.html).toContain(`<code>${key}</code> v2`);

    const page = await browser.get('/ui/localization?market=TR');
    expect(page.html).toMatch(/<strong>TR<\/strong>\s*<progress max="100" value="\d+">/);
  });

  it('creates a key shown once, revokes it, and saves market settings', async () => {
    const browser = await admin();
    const created = await browser.post('/ui/keys', {
      name: 'Translators TR',
      role: 'translator',
      markets: 'TR',
      languages: 'tr',
    });
    expect(created.status).toBe(200);
    const secret = /id="new-key">(vt_live_[\w-]+)</.exec(created.html)?.[1];
    expect(secret).toBeDefined();
    const listed = await browser.get('/ui/keys');
    expect(listed.html).toContain('Translators TR');
    expect(listed.html).not.toContain(secret);
    const keys = (await vt.request('GET', '/v1/api-keys')).body.items as Array<{ id: string; name: string }>;
    const target = keys.find((k) => k.name === 'Translators TR');
    expect((await browser.post(`/ui/keys/${target?.id}/revoke`, {})).status).toBe(303);
    expect((await vt.request('GET', '/v1/templates', { key: secret })).status).toBe(401);

    const markets = await browser.get('/ui/markets');
    const form = /id="market-PL">[\s\S]*?name="etag" value="([^"]+)"/.exec(markets.html);
    const saved = await browser.post('/ui/markets/PL', {
      etag: (form?.[1] ?? '').replaceAll('&quot;', '"'),
      name: 'Polska',
      status: 'active',
      languages: 'pl, en',
      defaultLanguage: 'pl',
      timezone: 'Europe/Warsaw',
      currency: 'PLN',
      providerKind: 'sandbox',
      providerAccount: 'sandbox',
    });
    expect(saved.status, saved.html).toBe(303);
    expect((await vt.request('GET', '/v1/markets/PL')).body.name).toBe('Polska');
    const audit = await browser.get('/ui/audit?objectType=market');
    expect(audit.html).toContain('market.patch');
  });
});
