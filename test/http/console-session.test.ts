import { describe, expect, it } from 'vitest';
import { serviceContext } from '../../src/context.ts';
import { findSession, openSession, SESSION_TTL_MS } from '../../src/ui/sessions.service.ts';
import { ConsoleClient } from '../support/console-client.ts';
import { createDraft, createTemplate } from '../support/fixtures.ts';
import { ADMIN_KEY, useTestVetted } from '../support/harness.ts';

const vt = useTestVetted();

async function createKey(body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const res = await vt.request('POST', '/v1/api-keys', { body: { name: 'console user', ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, key: res.body.key };
}

describe('console session', () => {
  it('logs in with an API key into an HttpOnly, SameSite=Strict session cookie scoped to /ui', async () => {
    const browser = new ConsoleClient(vt);
    const res = await browser.post('/ui/login', { key: ADMIN_KEY }, { csrf: false });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/ui/templates');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/vetted_session=[\w-]{40,}/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/ui');
    expect(cookie).not.toContain(ADMIN_KEY);
    const page = await browser.get('/ui/templates');
    expect(page.status).toBe(200);
    expect(page.html).toContain('name="_csrf"');
  });

  it('refuses a wrong key and a sender key, and sends a visitor without a session to the login page', async () => {
    const browser = new ConsoleClient(vt);
    const wrong = await browser.login('vt_live_not_a_real_key_000000000000');
    expect(wrong.status).toBe(401);
    expect(browser.cookie).toBeUndefined();
    const sender = await createKey({ role: 'sender' });
    expect((await browser.login(sender.key)).status).toBe(403);
    expect(browser.cookie).toBeUndefined();
    const res = await browser.get('/ui/templates?q=x');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/ui/login?next=%2Fui%2Ftemplates%3Fq%3Dx');
  });

  it('refuses a form without the session’s CSRF token, or from another origin', async () => {
    const browser = new ConsoleClient(vt);
    await browser.login(ADMIN_KEY);
    const form = { key: 'csrf_probe', category: 'utility', description: '', variables: '' };
    expect((await browser.post('/ui/templates', form, { csrf: false })).status).toBe(403);
    // Another session's token is no token for this one.
    const other = new ConsoleClient(vt);
    await other.login(ADMIN_KEY);
    const own = browser.csrf;
    browser.csrf = other.csrf;
    expect((await browser.post('/ui/templates', form)).status).toBe(403);
    browser.csrf = own;
    expect((await browser.post('/ui/templates', form, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await vt.request('GET', '/v1/templates/csrf_probe')).status).toBe(404);
    const created = await browser.post('/ui/templates', form);
    expect(created.status).toBe(303);
    expect((await vt.request('GET', '/v1/templates/csrf_probe')).status).toBe(200);
  });

  it('ends the session at logout and when its key is revoked', async () => {
    const browser = new ConsoleClient(vt);
    await browser.login(ADMIN_KEY);
    const cookie = browser.cookie;
    expect((await browser.post('/ui/logout', {})).status).toBe(303);
    browser.cookie = cookie;
    expect((await browser.get('/ui/templates')).status).toBe(303);

    const editor = await createKey({ role: 'editor' });
    const other = new ConsoleClient(vt);
    await other.login(editor.key);
    expect((await other.get('/ui/templates')).status).toBe(200);
    expect((await vt.request('DELETE', `/v1/api-keys/${editor.id}`)).status).toBe(204);
    expect((await other.get('/ui/templates')).status).toBe(303);
  });
});

describe('console session store', () => {
  it('keeps a session for 12 hours and no longer', async () => {
    const principal = await vt.deps.apiKeys.authenticate(ADMIN_KEY);
    if (!principal) throw new Error('the admin key is unknown');
    const start = new Date('2026-05-12T08:00:00Z');
    const at = (ms: number) => ({ ...serviceContext(vt.deps), clock: () => new Date(start.getTime() + ms) });
    const session = await openSession(at(0), principal);
    expect((await findSession(at(SESSION_TTL_MS - 1000), session.id))?.principal.keyId).toBe(principal.keyId);
    expect(await findSession(at(SESSION_TTL_MS + 1000), session.id)).toBeUndefined();
    expect(await findSession(at(0), `${session.id}x`)).toBeUndefined();
  });
});

describe('console access follows the API’s roles and scopes', () => {
  it('shows a TR translator no RU variant, answers 404 for one and 403 for admin pages', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key, { body: 'Merhaba {{student_name}}, {{lesson_at}}.' }, 'TR', 'tr');
    const ru = await createDraft(vt, key, { body: 'Привет, {{student_name}}, {{lesson_at}}.' }, 'RU', 'ru');
    const translator = await createKey({ role: 'translator', markets: ['TR'], languages: ['tr'] });
    const browser = new ConsoleClient(vt);
    await browser.login(translator.key);

    const page = await browser.get(`/ui/templates/${key}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-variant="TR-tr"');
    expect(page.html).not.toContain('data-variant="RU-ru"');
    expect(page.html).not.toContain('Привет');

    const variant = `/ui/templates/${key}/variants/RU/ru`;
    expect((await browser.get(variant)).status).toBe(404);
    expect((await browser.get(`${variant}/versions/${ru}`)).status).toBe(404);
    expect((await browser.post(`${variant}/versions`, { body: 'Привет' })).status).toBe(404);
    expect((await browser.get(`/ui/templates/${key}/variants/TR/tr`)).status).toBe(200);

    for (const admin of ['/ui/markets', '/ui/keys', '/ui/audit']) {
      expect((await browser.get(admin)).status, admin).toBe(403);
    }
    expect(page.html).not.toContain('href="/ui/keys"');
    // A translator writes drafts but does not submit them, as in the API.
    const tr = `/ui/templates/${key}/variants/TR/tr/versions/1`;
    expect((await browser.post(`${tr}/submit`, {})).status).toBe(403);
  });
});
