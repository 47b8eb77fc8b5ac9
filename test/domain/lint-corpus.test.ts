import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type Button,
  TEMPLATE_CATEGORIES,
  type TemplateVariable,
  templateVariableSchema,
  type VersionContent,
  versionContentSchema,
} from '../../src/domain/content.ts';
import { toMetaLanguageCode } from '../../src/domain/language-codes.ts';
import { type LintContext, lintContent } from '../../src/domain/lint.ts';
import { providerTemplateName } from '../../src/domain/naming.ts';

const CORPUS_DIR = new URL('../fixtures/corpus/', import.meta.url);

const corpusEntry = z.object({
  name: z.string(),
  category: z.enum(TEMPLATE_CATEGORIES),
  market: z.string(),
  language: z.string(),
  variables: z.array(templateVariableSchema),
  content: versionContentSchema,
  /** Rule ids of the warnings this template is expected to raise; none unless listed. */
  warnings: z.array(z.string()).optional(),
});
type CorpusEntry = z.infer<typeof corpusEntry>;

const corpus: CorpusEntry[] = readdirSync(CORPUS_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .flatMap((file) => z.array(corpusEntry).parse(JSON.parse(readFileSync(new URL(file, CORPUS_DIR), 'utf8'))));

function contextOf(entry: CorpusEntry): LintContext {
  return {
    content: entry.content,
    variables: entry.variables,
    category: entry.category,
    language: entry.language,
    provider: {
      kind: 'meta',
      templateName: providerTemplateName(entry.name, entry.market, 1),
      languageCode: toMetaLanguageCode(entry.language),
    },
  };
}

describe('the corpus of clean templates', () => {
  it('holds at least 30 templates, in ru, pl, tr and en, with utility and authentication ones', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    expect(new Set(corpus.map((entry) => entry.language))).toEqual(new Set(['ru', 'pl', 'tr', 'en']));
    for (const language of ['ru', 'pl', 'tr', 'en']) {
      const categories = corpus.filter((entry) => entry.language === language).map((entry) => entry.category);
      expect(categories).toEqual(expect.arrayContaining(['utility', 'authentication']));
    }
  });

  it.each(corpus.map((entry) => [`${entry.language}/${entry.name}`, entry] as const))(
    '%s passes with no errors and only the warnings it lists',
    (_id, entry) => {
      const findings = lintContent(contextOf(entry));
      expect(findings.filter((finding) => finding.severity === 'error')).toEqual([]);
      expect(findings.map((finding) => finding.rule).sort()).toEqual([...(entry.warnings ?? [])].sort());
    },
  );

  it('stays clean when the variants of each template are linted as siblings of each other', () => {
    for (const entry of corpus) {
      const siblings = corpus
        .filter((other) => other.name === entry.name && other !== entry)
        .map((other) => ({ language: other.language, content: other.content }));
      const ctx = { ...contextOf(entry), siblings };
      const siblingFindings = lintContent(ctx).filter((finding) => finding.rule.startsWith('sibling-'));
      expect(siblingFindings.map((finding) => `${entry.language}/${entry.name}: ${finding.message}`)).toEqual(
        [],
      );
    }
  });
});

/*
 * The bad-template examples of providers.md 1.3 (content limits, review rejects, authentication,
 * send-time values, names and language codes), each applied to one clean template.
 */
const BASE_BODY =
  'Hello {{student_name}}, your lesson has been moved to {{lesson_at}}. Reply to this message if the new time does not work for you.';
const BASE_VARIABLES: TemplateVariable[] = [
  { name: 'student_name', type: 'text', example: 'Anna' },
  { name: 'lesson_at', type: 'datetime', example: '12 May, 3 pm' },
];

function base(
  content: Partial<VersionContent> = {},
  extra: Partial<LintContext> = {},
  variables: TemplateVariable[] = BASE_VARIABLES,
): LintContext {
  return {
    content: { body: BASE_BODY, ...content },
    variables,
    category: 'utility',
    language: 'en',
    provider: { kind: 'meta', templateName: 'lesson_moved_tr_v1', languageCode: 'en' },
    ...extra,
  };
}

const qr = (text = 'OK'): Button => ({ type: 'quick_reply', text });
const url = (address = 'https://example.com/help'): Button => ({ type: 'url', text: 'Open', url: address });
const phone = (phoneNumber = '+48221234567'): Button => ({ type: 'phone_number', text: 'Call', phoneNumber });
const code = (example = 'A1B2C3'): Button => ({ type: 'copy_code', text: 'Copy', example });
const withExample = (name: string, example: string) =>
  BASE_VARIABLES.map((variable) => (variable.name === name ? { ...variable, example } : variable));
const otpVariables: TemplateVariable[] = [{ name: 'code', type: 'number', example: '482913' }];
const OTP_BODY = 'Your verification code is {{code}}. For your security, do not share this code.';

const badExamples: Array<[string, LintContext, string[]]> = [
  [
    'mismatched braces: a missing closing brace',
    base({ body: BASE_BODY.replace('{{lesson_at}}', '{{lesson_at}') }),
    ['syntax'],
  ],
  [
    'mismatched braces: single braces',
    base({ body: BASE_BODY.replace('{{student_name}}', '{student_name}}') }),
    ['stray-braces'],
  ],
  ['# in a parameter', base({}, {}, withExample('student_name', '#Anna')), ['variable-example-characters']],
  ['$ in a parameter', base({}, {}, withExample('lesson_at', '$20 lesson')), ['variable-example-characters']],
  ['% in a parameter', base({}, {}, withExample('student_name', '100%')), ['variable-example-characters']],
  [
    'a # construct inside the braces',
    base({ body: BASE_BODY.replace('{{lesson_at}}', '{{#lesson_at}}') }),
    ['syntax'],
  ],
  [
    'too many parameters for the text length',
    base({ body: 'Hi {{student_name}}, on {{lesson_at}} at {{room}} by {{teacher}} ok.' }, {}, [
      ...BASE_VARIABLES,
      { name: 'room', type: 'text', example: '5' },
      { name: 'teacher', type: 'text', example: 'Ann' },
    ]),
    ['too-many-variables'],
  ],
  [
    'a parameter first (dangling)',
    base({ body: '{{student_name}}, your lesson has been moved to {{lesson_at}} as agreed.' }),
    ['variable-at-start'],
  ],
  [
    'a parameter last (dangling)',
    base({ body: 'Hello {{student_name}}, your lesson has been moved to the new date {{lesson_at}}' }),
    ['variable-at-end'],
  ],
  [
    'adjacent parameters',
    base({
      body: 'Hello {{student_name}}, your lesson has been moved to {{lesson_at}}{{student_name}} as agreed.',
    }),
    ['adjacent-variables'],
  ],
  [
    'quick replies interleaved: QR, URL, QR',
    base({ buttons: [qr('Yes'), url(), qr('No')] }),
    ['quick-reply-grouping'],
  ],
  [
    'a header over 60 characters',
    base({ header: 'Your lesson schedule has changed, please read this message now!' }),
    ['length'],
  ],
  [
    'a header with two parameters',
    base({ header: 'For {{student_name}} at {{lesson_at}}' }),
    ['header-variables'],
  ],
  [
    'a body over 1024 characters',
    base({ body: `${BASE_BODY} ${'More details follow. '.repeat(45)}` }),
    ['length'],
  ],
  [
    'a footer over 60 characters',
    base({ footer: 'Vetted School of Languages, Istanbul branch, customer service team' }),
    ['length'],
  ],
  ['a footer parameter', base({ footer: 'Sent to {{student_name}}' }), ['footer-variables']],
  [
    'more than 10 buttons',
    base({ buttons: [...Array.from({ length: 9 }, () => qr()), url(), phone()] }),
    ['button-count'],
  ],
  [
    'more than 10 quick replies',
    base({ buttons: Array.from({ length: 11 }, () => qr()) }),
    ['button-count', 'quick-reply-count'],
  ],
  [
    'a button label over 25 characters',
    base({ buttons: [qr('Please move my lesson to Monday')] }),
    ['button-label-length'],
  ],
  ['more than 2 URL buttons', base({ buttons: [url(), url(), url()] }), ['url-button-count']],
  [
    'a URL over 2000 characters',
    base({ buttons: [url(`https://example.com/${'a'.repeat(2000)}`)] }),
    ['url-length'],
  ],
  [
    'a URL parameter not at the end',
    base({ buttons: [url('https://example.com/{{student_name}}/lesson')] }),
    ['url-variable-position'],
  ],
  ['a URL that is not http(s)', base({ buttons: [url('ftp://example.com/help')] }), ['url-scheme']],
  ['more than 1 phone button', base({ buttons: [phone(), phone('+905551112233')] }), ['phone-button-count']],
  [
    'a phone number over 20 characters',
    base({ buttons: [phone('+48 (22) 123-45-67 ext 5')] }),
    ['phone-number-format'],
  ],
  ['more than 1 copy-code button', base({ buttons: [code(), code()] }), ['copy-code-count']],
  [
    'a copy-code example over 20 characters',
    base({ buttons: [code('ABCDEFGHIJKLMNOPQRSTU')] }),
    ['copy-code-example'],
  ],
  [
    'a template name outside ^[a-z0-9_]+$',
    base({}, { provider: { kind: 'meta', templateName: 'Lesson-Moved', languageCode: 'en' } }),
    ['provider-template-name'],
  ],
  [
    'a language without a Meta code (plain pt)',
    base(
      { body: 'Olá {{student_name}}, a sua aula foi remarcada para {{lesson_at}}. Até breve, obrigado!' },
      {
        language: 'pt',
        provider: { kind: 'meta', templateName: 'x_br_v1', languageCode: toMetaLanguageCode('pt') },
      },
    ),
    ['provider-language'],
  ],
  [
    'an authentication template with a URL',
    base(
      { body: `${OTP_BODY} Help: https://example.com/help today.` },
      { category: 'authentication' },
      otpVariables,
    ),
    ['authentication-url'],
  ],
  [
    'an authentication template with emoji',
    base({ body: `🔐 ${OTP_BODY}` }, { category: 'authentication' }, otpVariables),
    ['authentication-emoji'],
  ],
  [
    'an authentication parameter over 15 characters',
    base({ body: OTP_BODY }, { category: 'authentication' }, [
      { name: 'code', type: 'text', example: '1234-5678-9012-345' },
    ]),
    ['authentication-variable-length'],
  ],
  [
    'a newline in a parameter value',
    base({}, {}, withExample('student_name', 'Anna\nSmith')),
    ['variable-example-format'],
  ],
  [
    'a tab in a parameter value',
    base({}, {}, withExample('student_name', 'Anna\tSmith')),
    ['variable-example-format'],
  ],
  [
    '5 spaces in a parameter value',
    base({}, {}, withExample('student_name', 'Anna     Smith')),
    ['variable-example-format'],
  ],
  [
    'a parameter without an example',
    base({}, {}, withExample('student_name', '')),
    ['variable-example-required'],
  ],
  ['an empty body', base({ body: '  ' }), ['body-required']],
  [
    'more than two newlines in a row',
    base({ body: BASE_BODY.replace('. Reply', '.\n\n\nReply') }),
    ['consecutive-newlines'],
  ],
];

describe('the bad-template examples of providers.md 1.3', () => {
  it('starts from a base template that is clean', () => {
    expect(lintContent(base())).toEqual([]);
  });

  it.each(badExamples)('catches %s as exactly the expected errors', (_name, ctx, rules) => {
    const errors = lintContent(ctx).filter((finding) => finding.severity === 'error');
    expect([...new Set(errors.map((finding) => finding.rule))].sort()).toEqual([...rules].sort());
  });
});
