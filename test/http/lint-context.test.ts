import { describe, expect, it } from 'vitest';
import { createDraft, createTemplate, submitAndWait, versionsPath } from '../support/fixtures.ts';
import { useTestVetted } from '../support/harness.ts';

const vt = useTestVetted();

const rules = (findings: Array<{ rule: string }>) => findings.map((f) => f.rule);

describe('lint that knows the variant’s history, translations and provider', () => {
  it('warns when a draft repeats a body rejected before in the same market and language, quoting the reason', async () => {
    const key = await createTemplate(vt);
    const promotional = {
      body: 'Merhaba {{student_name}}, büyük indirim kampanyası {{lesson_at}} tarihine kadar sürüyor, kaçırmayın!',
    };
    const n = await createDraft(vt, key, promotional);
    expect(await submitAndWait(vt, key, n)).toBe('rejected');
    const copy = await vt.request('POST', versionsPath(key), { body: { fromVersion: n } });
    const warning = copy.body.lint.find((f: { rule: string }) => f.rule === 'rejected-before');
    expect(warning).toMatchObject({ severity: 'warning' });
    expect(warning.message).toContain('INCORRECT_CATEGORY');
    // The rejected version itself does not warn about its own rejection.
    const own = await vt.request('GET', `${versionsPath(key)}/${n}/lint`);
    expect(rules(own.body.findings)).not.toContain('rejected-before');
  });

  it('refuses before submission a language the provider has no code for', async () => {
    const market = {
      name: 'Brazil',
      status: 'active',
      languages: ['pt', 'pt-BR'],
      defaultLanguage: 'pt-BR',
      fallbacks: {},
      timezone: 'America/Sao_Paulo',
      currency: 'BRL',
      provider: { kind: 'sandbox', account: 'sandbox-br' },
    };
    expect((await vt.request('PUT', '/v1/markets/BR', { body: market })).status).toBe(201);
    const key = await createTemplate(vt);
    const body = { body: 'Olá {{student_name}}, sua aula foi remarcada para {{lesson_at}}. Até logo!' };
    const bare = await createDraft(vt, key, body, 'BR', 'pt');
    const lint = await vt.request('GET', `${versionsPath(key, 'BR', 'pt')}/${bare}/lint`);
    expect(lint.body.findings).toContainEqual(
      expect.objectContaining({ rule: 'provider-language', severity: 'error' }),
    );
    const submit = await vt.request('POST', `${versionsPath(key, 'BR', 'pt')}/${bare}/submit`);
    expect(submit.status).toBe(422);
    expect(rules(submit.body.findings)).toContain('provider-language');

    const brazilian = await createDraft(vt, key, body, 'BR', 'pt-BR');
    const ok = await vt.request('GET', `${versionsPath(key, 'BR', 'pt-BR')}/${brazilian}/lint`);
    expect(rules(ok.body.findings)).not.toContain('provider-language');
    expect(await submitAndWait(vt, key, brazilian, undefined, 'BR', 'pt-BR')).toBe('approved');
    const rendered = await vt.request('POST', '/v1/render', {
      body: {
        template: key,
        market: 'BR',
        language: 'pt-BR',
        variables: { student_name: 'Ana', lesson_at: '15:00' },
      },
    });
    expect(rendered.body.payload.template.language).toEqual({ code: 'pt_BR' });
  });

  it('warns when translations of one template use different variables', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key);
    const english = await createDraft(
      vt,
      key,
      { body: 'Hello {{student_name}}, your lesson has moved. See you soon!' },
      'TR',
      'en',
    );
    const lint = await vt.request('GET', `${versionsPath(key, 'TR', 'en')}/${english}/lint`);
    expect(lint.body.findings).toContainEqual(
      expect.objectContaining({ rule: 'sibling-variables', severity: 'warning' }),
    );
  });

  it('localises findings from Accept-Language', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key, { body: '{{student_name}} {{lesson_at}}' });
    const en = await vt.request('GET', `${versionsPath(key)}/${n}/lint`);
    const ru = await vt.request('GET', `${versionsPath(key)}/${n}/lint`, {
      headers: { 'accept-language': 'ru' },
    });
    expect(ru.body.findings.map((f: { rule: string }) => f.rule)).toEqual(rules(en.body.findings));
    expect(ru.body.findings[0].message).not.toBe(en.body.findings[0].message);
    expect(ru.body.findings[0].message).toMatch(/[а-яА-Я]/);
  });
});
