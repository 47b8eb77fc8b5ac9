import { describe, expect, it } from 'vitest';
import { DRAFT_TEXT_CAPS } from '../../src/domain/lint.ts';
import { parseTemplateText } from '../../src/domain/template-syntax.ts';
import {
  createDraft,
  createTemplate,
  LESSON_VARIABLES,
  submitAndWait,
  TURKISH_BODY,
  versionsPath,
} from '../support/fixtures.ts';
import { useTestVetted } from '../support/harness.ts';

const vt = useTestVetted();

/** The input of issue 8: `{{^a}}` repeated to the cap, which Handlebars' parser takes quadratic time on. */
const PATHOLOGICAL = '{{^a}}'.repeat(Math.floor(DRAFT_TEXT_CAPS.body / 6));
/**
 * Twenty URL buttons, each with one finding (a variable not at the end): dense with variables the
 * linter must read one by one (`{{a}}x`), or plain text with the same answer's size (`abcde`).
 */
const urlButtons = (unit: string) =>
  Array.from({ length: 20 }, () => ({
    type: 'url',
    text: 'Open',
    url: `https://example.com/{{a}}/${unit.repeat(Math.floor(1_900 / unit.length))}`,
  }));
const VERSIONS = 100;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

describe('lint once, on write', () => {
  it('rejects text over the draft caps with 422, before linting it', async () => {
    const key = await createTemplate(vt);
    const res = await vt.request('POST', versionsPath(key), {
      body: { body: 'a'.repeat(DRAFT_TEXT_CAPS.body + 1) },
    });
    expect(res.status).toBe(422);
    const header = await vt.request('POST', versionsPath(key), {
      body: { header: 'h'.repeat(DRAFT_TEXT_CAPS.header + 1), body: TURKISH_BODY },
    });
    expect(header.status).toBe(422);
  });

  it('parses a pathological text at the cap about as fast as a clean one of the same length', () => {
    const clean = 'Merhaba {{a}}, ders. '.repeat(Math.floor(DRAFT_TEXT_CAPS.body / 21));
    const parseMs = (text: string) =>
      median(
        Array.from({ length: 15 }, () => {
          const start = performance.now();
          parseTemplateText(text);
          return performance.now() - start;
        }),
      );
    parseMs(PATHOLOGICAL);
    // Handlebars' parser took 5–20 times as long on the pathological text.
    expect(parseMs(PATHOLOGICAL)).toBeLessThan(parseMs(clean) * 2 + 0.5);
    expect(parseTemplateText(PATHOLOGICAL).issues[0]).toMatchObject({
      construct: 'block',
      line: 1,
      column: 1,
    });
  });

  it('lists 100 pathological drafts about as fast as 100 clean ones, and renders stay prompt meanwhile', async () => {
    const served = await createTemplate(vt);
    const n = await createDraft(vt, served);
    expect(await submitAndWait(vt, served, n)).toBe('approved');

    const pathological = await createTemplate(vt, {
      variables: [...LESSON_VARIABLES, { name: 'a', type: 'text', example: 'x' }],
    });
    const clean = await createTemplate(vt, {
      variables: [...LESSON_VARIABLES, { name: 'a', type: 'text', example: 'x' }],
    });
    for (let i = 0; i < VERSIONS; i++) {
      await createDraft(vt, pathological, { body: PATHOLOGICAL, buttons: urlButtons('{{a}}x') });
      await createDraft(vt, clean, { body: TURKISH_BODY, buttons: urlButtons('abcde') });
    }

    const render = () =>
      timed(() =>
        vt.request('POST', '/v1/render', {
          body: {
            template: served,
            market: 'TR',
            language: 'tr',
            variables: { student_name: 'Ayşe', lesson_at: '15:00' },
          },
        }),
      );
    /**
     * Lists the variant while a sender renders back to back, its requests arriving as I/O; reports
     * the longest the sender waited for an answer.
     */
    const listWhileRendering = async (key: string) => {
      let listing = true;
      let worstRender = 0;
      const sender = (async () => {
        let last = performance.now();
        while (listing) {
          await render();
          await new Promise((resolve) => setImmediate(resolve));
          worstRender = Math.max(worstRender, performance.now() - last);
          last = performance.now();
        }
      })();
      const list = await timed(() => vt.request('GET', `${versionsPath(key)}?limit=${VERSIONS}`));
      listing = false;
      await sender;
      expect(list.value.status).toBe(200);
      expect(list.value.body.items).toHaveLength(VERSIONS);
      return { list: list.ms, worstRender, items: list.value.body.items };
    };

    // Warm both paths (the first read of a variant also fills caches), then alternate rounds.
    await listWhileRendering(clean);
    await listWhileRendering(pathological);
    const rounds = {
      clean: [] as number[],
      pathological: [] as number[],
      cleanRender: [] as number[],
      render: [] as number[],
    };
    for (let round = 0; round < 3; round++) {
      const a = await listWhileRendering(clean);
      const b = await listWhileRendering(pathological);
      rounds.clean.push(a.list);
      rounds.cleanRender.push(a.worstRender);
      rounds.pathological.push(b.list);
      rounds.render.push(b.worstRender);
      expect(b.items[0].lint[0]).toMatchObject({ rule: 'syntax', severity: 'error' });
    }
    const report = JSON.stringify(rounds);
    // Within a small factor of the clean list, whose answer has the same size and as many
    // findings. Linting on read made the pathological list and the sender's wait 2.3–3 times as long.
    expect(median(rounds.pathological), report).toBeLessThan(median(rounds.clean) * 1.5 + 20);
    expect(median(rounds.render), report).toBeLessThan(median(rounds.cleanRender) * 1.5 + 20);
  }, 120_000);

  it('recomputes stored findings when the template’s variables change', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    const before = await vt.request('GET', `${versionsPath(key)}/${n}/lint`);
    expect(before.body.findings.map((f: { rule: string }) => f.rule)).not.toContain('unused-variable');

    const template = await vt.request('GET', `/v1/templates/${key}`);
    const patched = await vt.request('PATCH', `/v1/templates/${key}`, {
      headers: { 'if-match': template.headers.get('etag') ?? '' },
      body: { variables: [...LESSON_VARIABLES, { name: 'teacher', type: 'text', example: 'Ece' }] },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    const after = await vt.request('GET', `${versionsPath(key)}/${n}/lint`);
    expect(after.body.findings).toContainEqual(
      expect.objectContaining({ rule: 'unused-variable', message: expect.stringContaining('teacher') }),
    );
    const listed = await vt.request('GET', versionsPath(key));
    expect(listed.body.items[0].lint).toEqual(after.body.findings);
  });
});
