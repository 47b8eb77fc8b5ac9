import { describe, expect, it } from 'vitest';
import { createDraft, createTemplate, decide, TURKISH_BODY, versionsPath } from '../support/fixtures.ts';
import { useTestVetted, waitFor } from '../support/harness.ts';

const vt = useTestVetted();

const ITALY = {
  name: 'Italy',
  status: 'upcoming',
  languages: ['it'],
  defaultLanguage: 'it',
  timezone: 'Europe/Rome',
  currency: 'EUR',
  provider: { kind: 'sandbox', account: 'sandbox-it' },
};
const ITALIAN_BODY = 'Ciao {{student_name}}, la tua lezione è stata spostata a {{lesson_at}}. A presto.';
const BROKEN_BODY = 'Ciao {{student_name}} {{#if lesson_at}}domani{{/if}}';

const readiness = (market: string) => vt.request('GET', `/v1/markets/${market}/readiness`);

async function putMarket(code: string, body: Record<string, unknown>) {
  const res = await vt.request('PUT', `/v1/markets/${code}`, { body });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
}

describe('launching a market: readiness and submit-drafts', () => {
  // First in the file: readiness counts every template, so none of the later tests' exist yet.
  it('goes from 0% to ready-to-activate as drafts get lint-clean, then counts approvals once active', async () => {
    await putMarket('IT', ITALY);
    const [a, b] = [await createTemplate(vt), await createTemplate(vt)];
    await createDraft(vt, a, { body: ITALIAN_BODY }, 'IT', 'it');
    await createDraft(vt, b, { body: BROKEN_BODY }, 'IT', 'it');

    const before = await readiness('IT');
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    expect(before.body).toMatchObject({
      market: 'IT',
      status: 'upcoming',
      provider: { kind: 'sandbox', configured: true, missingSettings: [] },
      verdict: 'not-ready',
      percent: 50,
    });
    const stateOf = (body: { items: Array<{ template: string; state: string }> }, key: string) =>
      body.items.find((item) => item.template === key)?.state;
    expect(stateOf(before.body, a)).toBe('draft');
    expect(stateOf(before.body, b)).toBe('lint-errors');
    expect(before.body.verdictText).toBe(
      'IT is not ready to activate: 50% of the variants have a lint-clean draft.',
    );

    const refused = await vt.request('POST', '/v1/markets/IT/submit-drafts');
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('/problems/market-upcoming');

    await createDraft(vt, b, { body: ITALIAN_BODY }, 'IT', 'it');
    const ready = await readiness('IT');
    expect(ready.body).toMatchObject({ verdict: 'ready-to-activate', percent: 100, ready: 2, total: 2 });
    expect(ready.body.verdictText).toMatch(/^IT is ready to activate/);
    const polish = await vt.request('GET', '/v1/markets/IT/readiness', {
      headers: { 'accept-language': 'pl' },
    });
    expect(polish.body.verdictText).toMatch(/^IT można włączyć/);

    await putMarket('IT', { ...ITALY, status: 'active' });
    const active = await readiness('IT');
    expect(active.body).toMatchObject({ status: 'active', verdict: 'awaiting-approvals', percent: 0 });

    const headers = { 'idempotency-key': `launch-${a}` };
    const submitted = await vt.request('POST', '/v1/markets/IT/submit-drafts', { headers });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body).toMatchObject({ market: 'IT', submitted: 2, skipped: 0 });
    const again = await vt.request('POST', '/v1/markets/IT/submit-drafts', { headers });
    expect(again.body).toEqual(submitted.body);

    const live = await waitFor(async () => {
      const res = await readiness('IT');
      return res.body.percent === 100 ? res.body : undefined;
    });
    expect(live).toMatchObject({ verdict: 'live', ready: 2, total: 2 });

    const audit = await vt.request('GET', '/v1/audit?limit=100');
    const submits = audit.body.items.filter(
      (e: { action: string; object: { id: string } }) =>
        e.action === 'version.submit' && e.object.id.includes('/IT/it/'),
    );
    expect(submits).toHaveLength(2);
  });

  it('reports skipped variants with the reason and a rejection with its last reason', async () => {
    await putMarket('ES', {
      ...ITALY,
      name: 'Spain',
      languages: ['es'],
      defaultLanguage: 'es',
      status: 'active',
    });
    const [clean, broken, rejected] = [
      await createTemplate(vt),
      await createTemplate(vt),
      await createTemplate(vt),
    ];
    const SPANISH = 'Hola {{student_name}}, tu clase se ha movido a {{lesson_at}}. Hasta pronto.';
    await createDraft(vt, clean, { body: SPANISH }, 'ES', 'es');
    await createDraft(vt, broken, { body: BROKEN_BODY }, 'ES', 'es');
    await createDraft(vt, rejected, { body: SPANISH }, 'ES', 'es');
    const sent = await vt.request('POST', `${versionsPath(rejected, 'ES', 'es')}/1/submit`);
    expect(sent.status).toBe(202);
    await waitFor(async () => {
      const res = await vt.request('GET', `${versionsPath(rejected, 'ES', 'es')}/1`);
      return res.body.status === 'approved' ? true : undefined;
    });
    await decide(vt, rejected, 1, 'rejected', 'ES', 'INVALID_FORMAT');

    const report = await vt.request('POST', '/v1/markets/ES/submit-drafts');
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    const outcome = (key: string) =>
      report.body.items.find((item: { template: string }) => item.template === key);
    expect(outcome(clean)).toMatchObject({ outcome: 'submitted', version: 1 });
    expect(outcome(broken)).toMatchObject({ outcome: 'skipped', reason: 'lint-errors' });
    expect(outcome(rejected)).toMatchObject({ outcome: 'skipped', reason: 'rejected' });

    const res = await readiness('ES');
    const item = res.body.items.find((i: { template: string }) => i.template === rejected);
    expect(item).toMatchObject({ state: 'rejected', rejection: { reason: 'INVALID_FORMAT' } });
  });

  it('says which provider settings a market still needs, and is not ready without them', async () => {
    // The market was set up while the secrets were configured; the instance now runs without them.
    const config = vt.deps.config as unknown as Record<string, unknown>;
    const secrets = { META_ACCESS_TOKEN: 'token', META_APP_SECRET: 'secret', META_VERIFY_TOKEN: 'verify' };
    Object.assign(config, secrets);
    try {
      await putMarket('DE', {
        ...ITALY,
        name: 'Germany',
        languages: ['de'],
        defaultLanguage: 'de',
        provider: { kind: 'meta', account: '999000111' },
      });
    } finally {
      for (const name of Object.keys(secrets)) delete config[name];
    }
    const GERMAN = 'Hallo {{student_name}}, deine Stunde wurde auf {{lesson_at}} verschoben. Bis bald.';
    for (const item of (await readiness('DE')).body.items as Array<{ template: string }>) {
      await createDraft(vt, item.template, { body: GERMAN }, 'DE', 'de');
    }
    const res = await readiness('DE');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.percent).toBe(100);
    expect(res.body.provider).toMatchObject({
      kind: 'meta',
      configured: false,
      missingSettings: ['META_ACCESS_TOKEN', 'META_APP_SECRET', 'META_VERIFY_TOKEN'],
    });
    expect(res.body.verdict).toBe('not-ready');
    expect(res.body.verdictText).toMatch(/the provider account is not configured yet\.$/);
  });

  it('calls a draft holding another language’s text untranslated, and submit-drafts leaves it', async () => {
    await putMarket('FR', {
      ...ITALY,
      name: 'France',
      languages: ['fr'],
      defaultLanguage: 'fr',
      status: 'active',
    });
    const key = await createTemplate(vt);
    await createDraft(vt, key, { body: TURKISH_BODY });
    await createDraft(vt, key, { body: TURKISH_BODY }, 'FR', 'fr');
    const itemOf = async () =>
      (await readiness('FR')).body.items.find((item: { template: string }) => item.template === key);
    expect(await itemOf()).toMatchObject({ state: 'untranslated', ready: false, version: 1 });

    const report = await vt.request('POST', '/v1/markets/FR/submit-drafts');
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body.items.find((item: { template: string }) => item.template === key)).toMatchObject({
      outcome: 'skipped',
      reason: 'untranslated',
    });

    const FRENCH = 'Bonjour {{student_name}}, votre cours a été déplacé au {{lesson_at}}. À bientôt.';
    await createDraft(vt, key, { body: FRENCH }, 'FR', 'fr');
    expect(await itemOf()).toMatchObject({ state: 'draft', ready: false, version: 2 });
  });

  it('answers 404 for a market outside the key’s scope, and a sender may not read readiness', async () => {
    const other = await vt.request('POST', '/v1/api-keys', {
      body: { name: 'pl viewer', role: 'viewer', markets: ['PL'] },
    });
    expect((await vt.request('GET', '/v1/markets/IT/readiness', { key: other.body.key })).status).toBe(404);
    const sender = await vt.request('POST', '/v1/api-keys', { body: { name: 'sender', role: 'sender' } });
    expect((await vt.request('GET', '/v1/markets/IT/readiness', { key: sender.body.key })).status).toBe(403);
  });
});

describe('the translation matrix', () => {
  it('shows the newest status and the served version per template, market and language, with counts', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key, { body: ITALIAN_BODY }, 'IT', 'it');
    const res = await vt.request('GET', '/v1/localization/status?market=IT');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items).toContainEqual({
      template: key,
      market: 'IT',
      language: 'it',
      status: 'draft',
      version: 1,
      servedVersion: null,
    });
    expect(res.body.items.every((item: { market: string }) => item.market === 'IT')).toBe(true);
    expect(res.body.counts.it.total).toBe(res.body.items.length);

    const served = await vt.request('GET', '/v1/localization/status?market=IT&status=approved');
    expect(served.body.items.length).toBeGreaterThan(0);
    for (const item of served.body.items) expect(item.servedVersion).toBe(item.version);

    const missing = await vt.request('GET', '/v1/localization/status?language=tr&status=missing');
    expect(missing.body.items).toContainEqual(
      expect.objectContaining({ template: key, market: 'TR', status: 'missing' }),
    );
    expect(Object.keys(missing.body.counts)).toEqual(['tr']);
  });

  it('shows a market-limited key only its markets', async () => {
    const viewer = await vt.request('POST', '/v1/api-keys', {
      body: { name: 'it viewer', role: 'viewer', markets: ['IT'] },
    });
    const res = await vt.request('GET', '/v1/localization/status', { key: viewer.body.key });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((item: { market: string }) => item.market === 'IT')).toBe(true);
  });
});
