import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TemplateVariable, VersionContent } from '../../src/domain/content.ts';
import { type LintContext, lintContent, lintInContext, lintOwnContent } from '../../src/domain/lint.ts';
import { parseTemplateText } from '../../src/domain/template-syntax.ts';

const CORPUS_DIR = new URL('../fixtures/corpus/', import.meta.url);
type Entry = {
  category: LintContext['category'];
  language: string;
  variables: TemplateVariable[];
  content: VersionContent;
};
const corpus: Entry[] = readdirSync(CORPUS_DIR)
  .filter((file) => file.endsWith('.json'))
  .flatMap((file) => JSON.parse(readFileSync(new URL(file, CORPUS_DIR), 'utf8')) as Entry[]);

const variables: TemplateVariable[] = [
  { name: 'name', type: 'text', example: 'Ayşe' },
  { name: 'at', type: 'text', example: '15:00' },
];
const tricky: VersionContent[] = [
  { body: 'Hi {{name}}, {{#if x}}see {{at}}{{/if}} {{this}}' },
  { body: '{{^a}}'.repeat(250) },
  { body: `${'{{name}} x '.repeat(70)}{{> p}}` },
  {
    body: 'Hi {{name}} at {{at}}. Bye!',
    buttons: [{ type: 'url', text: 'Go', url: 'https://a.example/{{at}}' }],
  },
  { body: '\\{{name}} {{name}}}', header: 'Hello {{name}}', footer: 'Bye {{at}}' },
];

function contexts(): LintContext[] {
  const withContext = (ctx: LintContext): LintContext => ({
    ...ctx,
    siblings: [
      { language: 'en', content: { body: 'Hello {{name}}, see you.' } },
      { language: 'ru', content: corpus[0]?.content ?? { body: 'x' } },
    ],
    rejectedBefore: [{ version: 1, body: ctx.content.body, reason: 'INVALID_FORMAT', reasonText: null }],
    provider: { kind: 'meta', templateName: 'Bad-Name', languageCode: null },
  });
  return [
    ...corpus.map((entry) => withContext({ ...entry })),
    ...tricky.map((content) => withContext({ content, variables, category: 'utility', language: 'tr' })),
  ];
}

describe('findings stored on write, completed per request', () => {
  it('equal a full lint of the version, in the same order', () => {
    for (const ctx of contexts()) {
      const stored = JSON.parse(JSON.stringify(lintOwnContent(ctx)));
      expect(lintInContext(stored, ctx)).toEqual(lintContent(ctx));
    }
  });

  it('reads plain {{name}} texts the same as Handlebars does, and refuses what it cannot read plainly', () => {
    for (const text of [
      'a {{b}} c',
      'x\r\n{{y}}\n{{z}}',
      '{{a}}{{b}}',
      '{{a}}}',
      '{a}} {{{b}}}',
      '\\{{a}}',
    ]) {
      const plain = parseTemplateText(text);
      const handlebars = parseTemplateText(`${text}{{#if x}}{{/if}}`);
      expect(plain.placeholders).toEqual(handlebars.placeholders);
    }
  });
});
