import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitAndWait, versionsPath } from '../support/fixtures.ts';
import { ADMIN_KEY, uniqueKey, useTestVetted, waitFor } from '../support/harness.ts';

const vt = useTestVetted();
const ARTIFACTS = new URL('../../test-artifacts/console/', import.meta.url);

let server: ServerType;
let base: string;
let browser: Browser;
let page: Page;
const offsite: string[] = [];
const dialogs: string[] = [];

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: vt.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  // Every asset is served locally: the browser asks no other host for anything.
  page.on('request', (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith('data:')) offsite.push(request.url());
  });
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const shot = (name: string) =>
  page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true });

/** Reloads until the selector shows up: the sandbox decides in the background. */
async function reloadUntil(selector: string) {
  await waitFor(async () => {
    if ((await page.locator(selector).count()) > 0) return true;
    await page.reload();
    return false;
  }, 20_000);
}

describe('the console in a browser', () => {
  const key = uniqueKey('console');

  it('takes a content manager through the whole lifecycle without the API', {
    timeout: 180_000,
  }, async () => {
    await page.goto(`${base}/ui`);
    expect(new URL(page.url()).pathname).toBe('/ui/login');
    await shot('01-login');
    await page.fill('input[name=key]', ADMIN_KEY);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/ui/templates`);

    await page.click('summary:has-text("New template")');
    await page.fill('input[name=key]', key);
    await page.selectOption('select[name=category]', 'utility');
    await page.fill('input[name=description]', 'A lesson moved to a new time');
    await page.fill(
      'textarea[name=variables]',
      'student_name | text | Ayşe\nlesson_at | text | 12 Mayıs 15:00',
    );
    await page.click('button:has-text("Create template")');
    await page.waitForURL(`${base}/ui/templates/${key}`);
    await expect.poll(() => page.locator('[data-variant="TR-tr"] .chip-missing').count()).toBe(1);
    await shot('03-template-matrix');

    await page.click('[data-variant="TR-tr"]');
    await page.fill(
      'textarea[name=body]',
      'Merhaba {{student_name}}, dersiniz {{lesson_at}} tarihine taşındı.',
    );
    await page.click('button:has-text("Create draft")');
    await page.waitForURL(/\/versions\/1$/);
    await page.locator('#checks .bubble').waitFor();
    expect(await page.locator('.finding-error').count()).toBe(0);

    // Live lint: a variable the template does not declare is flagged as it is typed…
    const body = page.locator('textarea[name=body]');
    await body.focus();
    await body.press('Control+End');
    await body.pressSequentially(' Kodunuz: {{kupon}}');
    await page.locator('[data-rule="undeclared-variable"]').waitFor();
    await shot('04-editor-lint-finding');
    // …and the finding goes once the text is fixed; the preview shows the example values.
    await page.fill(
      'textarea[name=body]',
      'Merhaba *{{student_name}}*, dersiniz {{lesson_at}} tarihine taşındı.',
    );
    await expect
      .poll(() => page.locator('.bubble-body').textContent())
      .toBe('Merhaba Ayşe, dersiniz 12 Mayıs 15:00 tarihine taşındı.');
    expect(await page.locator('[data-rule="undeclared-variable"]').count()).toBe(0);
    expect(await page.locator('.finding-error').count()).toBe(0);
    expect(await page.locator('.bubble-body strong').textContent()).toBe('Ayşe');
    await page.click('button:has-text("Save draft")');
    await page.waitForURL(/\/versions\/1$/);
    expect(await page.inputValue('textarea[name=body]')).toContain('*{{student_name}}*');
    await shot('05-editor-preview');

    await page.click('button:has-text("Submit for review")');
    await page.waitForURL(/\/variants\/TR\/tr#v1$/);
    await reloadUntil('#v1 .chip-approved-served');
    expect(await page.locator('#v1 .timeline').textContent()).toMatch(/queued[\s\S]*pending[\s\S]*approved/);

    // Another version is rejected by the provider, with Meta's explanation.
    const text =
      'Merhaba {{student_name}}, dersiniz {{lesson_at}} saatine alındı. Lütfen takviminizi kontrol edin.';
    const v2 = (await vt.request('POST', versionsPath(key), { body: { body: text } })).body.version;
    expect(await submitAndWait(vt, key, v2, ['approved'])).toBe('approved');
    const decision = await vt.request('POST', '/v1/sandbox/decisions', {
      body: {
        providerTemplateName: `${key}_tr_v${v2}`,
        status: 'rejected',
        reason: 'INCORRECT_CATEGORY',
        reasonText: 'The content reads as marketing, not utility.',
      },
    });
    expect(decision.status, JSON.stringify(decision.body)).toBe(200);
    // A decision in the same instant as the approval is confirmed with the sandbox first (effect: verify).
    await reloadUntil('#v2 .chip-rejected');
    const rejection = page.locator('#v2 .event-rejected').last();
    expect(await rejection.textContent()).toContain('INCORRECT_CATEGORY');
    expect(await page.locator('#v2 .timeline .reason-text').last().textContent()).toBe(
      'The content reads as marketing, not utility.',
    );
    await shot('06-variant-timeline');

    await page.click('a[hreflang=tr]');
    await page.locator('nav.sections a:has-text("Şablonlar")').waitFor();
    expect(await page.locator('#v2 .chip-rejected').textContent()).toBe('reddedildi');
    expect(await page.locator('#v1 .chip-approved-served').textContent()).toBe('onaylandı · sunuluyor');
    await shot('07-variant-turkish');
    // The language stays chosen on the next page.
    await page.goto(`${base}/ui/localization`);
    expect(await page.locator('h1').textContent()).toBe('Yerelleştirme');
    await shot('08-localization');
    await page.goto(`${base}/ui/templates?lang=en`);
    await shot('02-templates');
    for (const [name, path] of [
      ['09-markets', '/ui/markets'],
      ['10-keys', '/ui/keys'],
      ['11-audit', '/ui/audit'],
    ] as const) {
      await page.goto(`${base}${path}`);
      await shot(name);
    }
    // The rejection shows in the analytics, and its table downloads as CSV.
    await page.goto(`${base}/ui/analytics`);
    await shot('12-analytics');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a.download').first().click(),
    ]);
    const stream = await download.createReadStream();
    let csv = '';
    for await (const chunk of stream) csv += chunk;
    const [header, ...rows] = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(header).toBe('market,language,decided,approved,rejected,rate,outlier');
    expect(rows.find((row) => row.startsWith('TR,tr,'))).toMatch(/^TR,tr,\d+,\d+,[1-9]\d*,/);
    await page.goto(`${base}/ui/cost`);
    await shot('13-cost');
    expect(offsite).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('serves the API reference without asking another host for anything', { timeout: 60_000 }, async () => {
    await page.goto(`${base}/docs`, { waitUntil: 'networkidle' });
    expect(offsite).toEqual([]);
  });
});
