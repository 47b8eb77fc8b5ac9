import { describe, expect, it } from 'vitest';
import {
  applyEntry,
  entryProblem,
  flattenResource,
  parseResource,
  toResourceEntry,
} from '../../src/domain/i18next-resource.ts';

const content = {
  header: 'Lesson moved',
  body: 'Hi {{student_name}}, your lesson is now at {{lesson_at}}.',
  footer: null,
  buttons: [
    { type: 'quick_reply' as const, text: 'OK' },
    { type: 'url' as const, text: 'Open', url: 'https://example.com/l/{{code}}' },
  ],
};

describe('i18next resource', () => {
  it('reads nested, flat and mixed keys into the same entries', () => {
    const nested = { lesson: toResourceEntry(content) };
    const flat = flattenResource(nested);
    expect(flat).toEqual({
      'lesson.header': 'Lesson moved',
      'lesson.body': content.body,
      'lesson.buttons.0': 'OK',
      'lesson.buttons.1': 'Open',
    });
    const mixed = {
      lesson: { header: 'Lesson moved', 'buttons.1': 'Open' },
      'lesson.body': content.body,
      'lesson.buttons.0': 'OK',
    };
    for (const input of [nested, flat, mixed]) {
      expect(parseResource(input)).toEqual({ entries: new Map([['lesson', nested.lesson]]), malformed: [] });
    }
  });

  it('reports a key that is no component of a template and keeps the others', () => {
    const parsed = parseResource({ a: { body: 'x', title: 'y' }, b: { body: 'z' }, c: { body: 3 } });
    expect([...parsed.entries.keys()]).toEqual(['b']);
    expect(parsed.malformed).toEqual([
      { key: 'a', code: 'malformed', params: { path: 'a.title' } },
      { key: 'c', code: 'not-a-string', params: { path: 'c.body' } },
    ]);
  });

  it('replaces button texts by index and keeps their type and URL', () => {
    const applied = applyEntry(content, { buttons: { '1': 'Öffnen' } });
    expect(applied).toEqual({
      content: { ...content, buttons: [content.buttons[0], { ...content.buttons[1], text: 'Öffnen' }] },
    });
    expect(applyEntry(content, { buttons: { '2': 'Extra' } })).toEqual({
      refused: { code: 'unknown-button', params: { buttons: 'buttons.2' } },
    });
  });

  it('names a refusal by code, with the values its reason is written from', () => {
    const variables = ['student_name', 'lesson_at', 'code'];
    expect(entryProblem(content, variables)).toBeNull();
    expect(entryProblem({ ...content, body: 'Hi {{name}}' }, variables)).toEqual({
      code: 'variables-differ',
      params: { missing: '{{student_name}}, {{lesson_at}}', unknown: '{{name}}', context: 'both' },
    });
    expect(entryProblem({ ...content, header: 'x'.repeat(61) }, variables)).toEqual({
      code: 'too-long',
      params: { component: 'header', limit: 60, length: 61 },
    });
  });
});
