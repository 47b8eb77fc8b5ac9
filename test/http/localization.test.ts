import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import {
  createDraft,
  createTemplate,
  LESSON_VARIABLES,
  TURKISH_BODY,
  versionsPath,
} from '../support/fixtures.ts';
import { useTestVetted } from '../support/harness.ts';

const vt = useTestVetted();

const RUSSIAN = {
  header: 'Урок перенесён',
  body: 'Здравствуйте, {{student_name}}! Ваш урок перенесён на {{lesson_at}}. До встречи.',
  footer: 'Школа языков',
  buttons: [{ type: 'quick_reply', text: 'Подтвердить' }],
};
const POLISH = {
  header: 'Lekcja przeniesiona',
  body: 'Dzień dobry, {{student_name}}! Twoja lekcja została przeniesiona na {{lesson_at}}. Do zobaczenia.',
  footer: 'Szkoła językowa',
  buttons: { '0': 'Potwierdzam' },
};

async function createKey(role: string, scope: { markets?: string[]; languages?: string[] }) {
  const res = await vt.request('POST', '/v1/api-keys', { body: { name: `${role} l10n`, role, ...scope } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.key as string;
}

const exportOf = async (query: string, key?: string) => {
  const res = await vt.request('GET', `/v1/localization/export?${query}`, key ? { key } : {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

const importInto = (
  query: string,
  body: unknown,
  options: { key?: string; headers?: Record<string, string> } = {},
) => vt.request('POST', `/v1/localization/import?${query}`, { body, ...options });

/** Loads a resource into a real i18next, as the translation tools and our senders would. */
async function readBack(resource: Record<string, unknown>, language: string) {
  const instance = i18next.createInstance();
  await instance.init({
    lng: language,
    resources: { [language]: { translation: resource } },
    interpolation: { escapeValue: false, skipOnVariables: true },
  });
  // Without values i18next leaves each {{variable}} as written.
  return (key: string) => instance.t(key);
}

describe('i18next export and import', () => {
  it('round-trips an export through a real i18next instance and an unchanged import creates nothing', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key, { ...RUSSIAN }, 'RU', 'ru');

    const nested = await exportOf('market=RU&language=ru');
    expect(nested[key]).toEqual({
      header: RUSSIAN.header,
      body: RUSSIAN.body,
      footer: RUSSIAN.footer,
      buttons: { '0': 'Подтвердить' },
    });
    const t = await readBack(nested, 'ru');
    expect(t(`${key}.header`)).toBe(RUSSIAN.header);
    expect(t(`${key}.body`)).toBe(RUSSIAN.body);
    expect(t(`${key}.footer`)).toBe(RUSSIAN.footer);
    expect(t(`${key}.buttons.0`)).toBe('Подтвердить');

    const flat = await exportOf('market=RU&language=ru&style=flat');
    expect(flat[`${key}.body`]).toBe(RUSSIAN.body);
    expect(flat[`${key}.buttons.0`]).toBe('Подтвердить');

    for (const resource of [nested, flat]) {
      const res = await importInto('market=RU&language=ru', resource);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.created).toEqual([]);
      expect(res.body.unchanged).toContain(key);
    }
    const versions = await vt.request('GET', versionsPath(key, 'RU', 'ru'));
    expect(versions.body.items).toHaveLength(1);
  });

  it('imports a Polish translation of a Russian source as drafts for PL/pl', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key, { ...RUSSIAN }, 'RU', 'ru');

    const toTranslate = await exportOf('market=PL&language=pl&source=ru');
    expect(toTranslate[key].body).toBe(RUSSIAN.body);
    const context = await vt.request(
      'GET',
      '/v1/localization/export/context?market=PL&language=pl&source=ru',
    );
    expect(context.status).toBe(200);
    expect(context.body[key]).toMatchObject({
      untranslated: true,
      language: 'ru',
      variables: [
        { name: 'student_name', example: 'Anna', description: 'First name of the student' },
        { name: 'lesson_at', example: '12 May, 15:00' },
      ],
      limits: { header: 60, body: 1024, footer: 60, buttons: 25 },
    });

    const res = await importInto('market=PL&language=pl', { [key]: POLISH });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ created: [{ key, version: 1 }], unchanged: [], refused: [] });

    const draft = await vt.request('GET', `${versionsPath(key, 'PL', 'pl')}/1`);
    expect(draft.body).toMatchObject({
      status: 'draft',
      header: POLISH.header,
      body: POLISH.body,
      footer: POLISH.footer,
      buttons: [{ type: 'quick_reply', text: 'Potwierdzam' }],
    });
    // The export now carries the Polish text, not the Russian source.
    expect((await exportOf('market=PL&language=pl&source=ru'))[key].body).toBe(POLISH.body);
  });

  it('refuses entries with a changed variable set, an unknown key or text over its limit, and creates the rest', async () => {
    const key = await createTemplate(vt);
    const other = await createTemplate(vt);
    await createDraft(vt, key, { body: TURKISH_BODY }, 'TR', 'tr');
    await createDraft(vt, other, { body: TURKISH_BODY }, 'TR', 'tr');
    const long = await createTemplate(vt);
    await createDraft(vt, long, { body: TURKISH_BODY }, 'TR', 'tr');
    const linted = await createTemplate(vt);
    await createDraft(vt, linted, { body: TURKISH_BODY }, 'TR', 'tr');

    const res = await importInto('market=TR&language=en', {
      [`${key}.body`]: 'Hello {{student_name}}, your lesson moved to {{lesson_time}}.',
      [`${other}.body`]: 'Hello {{student_name}}, your lesson moved to {{lesson_at}}. See you.',
      [`${long}.header`]: 'A header far too long for WhatsApp, which allows sixty characters only',
      [`${linted}.body`]: '{{student_name}}, your lesson moved to {{lesson_at}}. See you.',
      no_such_template: { body: 'Hello' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.created).toEqual([{ key: other, version: 1 }]);
    const refused = Object.fromEntries(
      (res.body.refused as Array<{ key: string; reason: string }>).map((r) => [r.key, r.reason]),
    );
    expect(refused[key]).toMatch(/variable set differs/);
    expect(refused[key]).toContain('{{lesson_at}}');
    expect(refused[key]).toContain('{{lesson_time}}');
    expect(refused.no_such_template).toBe('unknown template key');
    expect(refused[long]).toMatch(/header is over its limit of 60/);
    expect(refused[linted]).toMatch(/lint errors: variable-at-start/);
    const findings = res.body.refused.find((r: { key: string }) => r.key === linted).findings;
    expect(findings).toEqual([expect.objectContaining({ rule: 'variable-at-start', severity: 'error' })]);
    expect((await vt.request('GET', versionsPath(key, 'TR', 'en'))).body.items).toEqual([]);
  });

  it('refuses an entry of a Polish import still in Russian, saying so in the reader’s language', async () => {
    const translated = await createTemplate(vt);
    const untranslated = await createTemplate(vt);
    await createDraft(vt, translated, { ...RUSSIAN }, 'RU', 'ru');
    await createDraft(vt, untranslated, { ...RUSSIAN }, 'RU', 'ru');

    const res = await importInto(
      'market=PL&language=pl',
      { [translated]: POLISH, [untranslated]: { ...RUSSIAN, buttons: { '0': 'Potwierdzam' } } },
      { headers: { 'accept-language': 'pl' } },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.created).toEqual([{ key: translated, version: 1 }]);
    expect(res.body.refused).toEqual([
      expect.objectContaining({
        key: untranslated,
        reason: expect.stringContaining('wrong-language'),
        findings: [
          expect.objectContaining({
            rule: 'wrong-language',
            severity: 'error',
            message: expect.stringMatching(/^Tekst jest w języku „rosyjski”, a nie „polski”/),
          }),
        ],
      }),
    ]);
    expect((await vt.request('GET', versionsPath(untranslated, 'PL', 'pl'))).body.items).toEqual([]);
  });

  it('keeps a translator to its own languages', async () => {
    const key = await createTemplate(vt, { variables: LESSON_VARIABLES });
    await createDraft(vt, key, { ...RUSSIAN }, 'RU', 'ru');
    const polish = await createKey('translator', { languages: ['pl'] });
    const turkish = await createKey('translator', { languages: ['tr'] });

    expect((await exportOf('market=PL&language=pl&source=ru', polish))[key].body).toBe(RUSSIAN.body);
    const refusedExport = await vt.request('GET', '/v1/localization/export?market=PL&language=pl', {
      key: turkish,
    });
    expect(refusedExport.status).toBe(404);
    const refusedImport = await importInto('market=PL&language=pl', { [key]: POLISH }, { key: turkish });
    expect(refusedImport.status).toBe(404);
    expect((await vt.request('GET', versionsPath(key, 'PL', 'pl'))).body.items).toEqual([]);

    const sender = await createKey('sender', {});
    expect(
      (await vt.request('GET', '/v1/localization/export?market=PL&language=pl', { key: sender })).status,
    ).toBe(403);
    const own = await importInto('market=PL&language=pl', { [key]: POLISH }, { key: polish });
    expect(own.body.created).toEqual([{ key, version: 1 }]);
  });

  it('replays an import with the same Idempotency-Key instead of drafting again', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key, { ...RUSSIAN }, 'RU', 'ru');
    const headers = { 'idempotency-key': `l10n-${key}` };
    const first = await importInto('market=PL&language=pl', { [key]: POLISH }, { headers });
    expect(first.body.created).toEqual([{ key, version: 1 }]);
    const again = await importInto('market=PL&language=pl', { [key]: POLISH }, { headers });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await vt.request('GET', versionsPath(key, 'PL', 'pl'))).body.items).toHaveLength(1);
  });
});
