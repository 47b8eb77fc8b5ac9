import { describe, expect, it } from 'vitest';
import { emojiCount } from '../../../src/domain/lint-rules/text-tools.ts';
import { context, findingsOf, quickReply, urlButton, variable, withVariables } from './support.ts';

describe('rule consecutive-newlines', () => {
  it('passes one empty line between paragraphs', () => {
    expect(
      findingsOf('consecutive-newlines', context({ body: 'First paragraph.\n\nSecond paragraph.' })),
    ).toEqual([]);
  });

  it('reports two or more empty lines, even with spaces on them, with the line where the run starts', () => {
    const ctx = context({
      body: 'First paragraph.\nStill first.\n \n\t\nSecond paragraph.',
      footer: 'A\r\n\r\n\r\nB',
    });
    expect(findingsOf('consecutive-newlines', ctx)).toEqual([
      expect.objectContaining({ severity: 'error', component: 'body', line: 2, params: { count: 3 } }),
      expect.objectContaining({ severity: 'error', component: 'footer', line: 1, params: { count: 3 } }),
    ]);
  });
});

describe('rule surrounding-whitespace', () => {
  it('passes trimmed texts', () => {
    expect(
      findingsOf('surrounding-whitespace', context({ header: 'Lesson moved', footer: 'Vetted School' })),
    ).toEqual([]);
  });

  it('warns about each text with leading or trailing whitespace', () => {
    const ctx = context({
      header: ' Lesson moved',
      body: 'Your lesson moved to another room today.\n',
      footer: 'Vetted\t',
    });
    expect(findingsOf('surrounding-whitespace', ctx).map((f) => [f.severity, f.component])).toEqual([
      ['warning', 'header'],
      ['warning', 'body'],
      ['warning', 'footer'],
    ]);
  });
});

describe('rule unbalanced-formatting', () => {
  it.each([
    'Your lesson is *tomorrow* at _noon_, not ~today~.',
    'Use the code ```ABC 123``` at checkout of your order.',
    'Items:\n* first item\n* second item\n- third item',
    'Room 5 * 3 and file_name_v2 stay as typed.',
    'Hello *{{name}}*, your lesson moved to room five.',
    'Read https://example.com/a_b_c/x*y for details.',
    'Block:\n```\nline one\nline two\n```\nEnd of block.',
  ])('passes %j', (body) => {
    expect(findingsOf('unbalanced-formatting', withVariables(body, ['name']))).toEqual([]);
  });

  it('warns per line about a marker without a partner', () => {
    const ctx = context({ body: 'Your lesson is *tomorrow at noon.\nBring _your book, ~please~.' });
    expect(findingsOf('unbalanced-formatting', ctx)).toEqual([
      expect.objectContaining({ severity: 'warning', line: 1, params: { marker: '*', line: 1 } }),
      expect.objectContaining({ severity: 'warning', line: 2, params: { marker: '_', line: 2 } }),
    ]);
  });

  it('counts triple backticks over the whole text', () => {
    const ctx = context({ body: 'Your code:\n```\nABC 123\nUse it today.' });
    expect(findingsOf('unbalanced-formatting', ctx)).toEqual([
      expect.objectContaining({ params: { marker: '```', line: 2 } }),
    ]);
  });
});

describe('emojiCount', () => {
  it('counts graphemes shown as emoji, including sequences, flags and keycaps, but not © or digits', () => {
    expect(emojiCount('Hi 😀 👍🏽 👨‍👩‍👧 🇵🇱 1️⃣ ❤️ © ™ 1 2')).toBe(6);
  });
});

describe('rule too-many-emoji', () => {
  it('passes ten emoji in the body', () => {
    expect(findingsOf('too-many-emoji', context({ body: `Your lesson moved ${'🎉'.repeat(10)}` }))).toEqual(
      [],
    );
  });

  it('warns about more than ten', () => {
    expect(findingsOf('too-many-emoji', context({ body: `Your lesson moved ${'🎉'.repeat(11)}` }))).toEqual([
      expect.objectContaining({ severity: 'warning', component: 'body', params: { count: 11, limit: 10 } }),
    ]);
  });
});

describe('rule authentication-emoji', () => {
  const body = 'Your verification code is {{code}}. Do not share it with anyone.';
  const otp = (
    content: { body: string; footer?: string },
    category: 'authentication' | 'utility' = 'authentication',
  ) =>
    context(
      { ...content, buttons: [quickReply('Copy 👍')] },
      { category, variables: [variable('code', '123456')] },
    );

  it('passes emoji in other categories and authentication text without emoji', () => {
    expect(findingsOf('authentication-emoji', otp({ body: `${body} 🔒` }, 'utility'))).toEqual([]);
    const clean = context({ body }, { category: 'authentication', variables: [variable('code', '123456')] });
    expect(findingsOf('authentication-emoji', clean)).toEqual([]);
  });

  it('reports each component of an authentication template that has emoji', () => {
    expect(findingsOf('authentication-emoji', otp({ body: `🔒 ${body}`, footer: 'Stay safe ✅' }))).toEqual([
      expect.objectContaining({ severity: 'error', component: 'body', params: { count: 1 } }),
      expect.objectContaining({ severity: 'error', component: 'footer', params: { count: 1 } }),
      expect.objectContaining({
        severity: 'error',
        component: 'buttons',
        buttonIndex: 0,
        params: { count: 1 },
      }),
    ]);
  });
});

describe('rule authentication-url', () => {
  const otp = (body: string, buttons = [quickReply('Not me')]) =>
    context({ body, buttons }, { category: 'authentication', variables: [variable('code', '123456')] });

  it('passes an authentication template without links, and links in other categories', () => {
    expect(
      findingsOf('authentication-url', otp('Your verification code is {{code}}. Do not share it.')),
    ).toEqual([]);
    const utility = context({ body: 'Details at https://example.com/help today.' });
    expect(findingsOf('authentication-url', utility)).toEqual([]);
  });

  it('reports links in the text and URL buttons', () => {
    const ctx = otp('Your code is {{code}}. Details: www.example.com/help or https://example.com.', [
      urlButton('https://example.com/verify'),
    ]);
    expect(findingsOf('authentication-url', ctx)).toEqual([
      expect.objectContaining({
        severity: 'error',
        component: 'body',
        params: { url: 'www.example.com/help' },
      }),
      expect.objectContaining({
        severity: 'error',
        component: 'buttons',
        buttonIndex: 0,
        params: { url: 'https://example.com/verify' },
      }),
    ]);
  });
});

describe('rule invisible-characters', () => {
  it.each([
    'A family trip 👨‍👩‍👧 and a rainbow flag 🏳️‍🌈 are one emoji each.',
    'Persian joins its words: می‌خواهم, and Hindi too: क्‍ष.',
    'Plain Turkish: Dersiniz yarın saat 15:00’te, görüşmek üzere.',
  ])('passes %j (joiners inside emoji and joining scripts do their job)', (body) => {
    expect(findingsOf('invisible-characters', context({ body }))).toEqual([]);
  });

  it('warns about a right-to-left override in the body, naming it with line and column', () => {
    const ctx = context({ body: 'Your invoice is ready.\nOpen \u202Efdp.exe\u202C to pay it today.' });
    expect(findingsOf('invisible-characters', ctx)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        component: 'body',
        line: 2,
        column: 6,
        params: { count: 2, characters: 'U+202E, U+202C' },
      }),
    ]);
  });

  it.each([
    ['a zero-width space splitting a word', 'Pay\u200Bpal'],
    ['a zero-width non-joiner in Latin text', 'Pay\u200Cpal'],
    ['a word joiner', 'free\u2060gift'],
    ['a byte-order mark', '\uFEFFHello'],
    ['a left-to-right mark', 'Total\u200E 100'],
    ['an Arabic letter mark', 'Total\u061C 100'],
    ['a first-strong isolate', '\u2068name\u2069'],
  ])('warns about %s in the header, footer and buttons too', (_what, text) => {
    const ctx = context({
      header: text,
      footer: text,
      buttons: [quickReply(text), urlButton(`https://example.com/${text}`)],
    });
    expect(
      findingsOf('invisible-characters', ctx).map((f) => [f.severity, f.component, f.buttonIndex]),
    ).toEqual([
      ['warning', 'header', undefined],
      ['warning', 'footer', undefined],
      ['warning', 'buttons', 0],
      ['warning', 'buttons', 1],
    ]);
  });
});

describe('Unicode line breaks and spaces in the text rules', () => {
  it('counts line separators and no-break spaces on empty lines as consecutive newlines', () => {
    const ctx = context({ body: 'First paragraph.\u2028\u00a0\u2028\u3000\u2029Second paragraph.' });
    expect(findingsOf('consecutive-newlines', ctx)).toEqual([
      expect.objectContaining({ severity: 'error', component: 'body', line: 1, params: { count: 3 } }),
    ]);
  });

  it('warns about no-break and ideographic spaces around the text', () => {
    expect(
      findingsOf(
        'surrounding-whitespace',
        context({ header: '\u00a0Lesson moved', footer: 'Vetted\u3000' }),
      ).map((f) => f.component),
    ).toEqual(['header', 'footer']);
  });

  it('refuses an example with five no-break spaces or a line separator, as WhatsApp would the value', () => {
    for (const example of ['Ay\u00a0\u00a0\u00a0\u00a0\u00a0şe', 'Ay\u2028şe', 'Ay \u2002\u2003\u2009 şe']) {
      const ctx = withVariables('Hello {{name}}, your lesson has moved to another room today.', ['name']);
      ctx.variables = [variable('name', example)];
      expect(findingsOf('variable-example-format', ctx), example).toEqual([
        expect.objectContaining({ severity: 'error' }),
      ]);
    }
  });
});
