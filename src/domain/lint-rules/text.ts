import type { ParsedTemplate } from '../template-syntax.ts';
import { hiddenCharactersIn, LINE_BREAK_PATTERN, SPACE_CLASS } from '../text-safety.ts';
import { type DefinedRule, defineRule, type LintFinding } from './rule.ts';
import { buttonsOf, emojiCount, literalSegments, textComponents, urlsIn, withoutUrls } from './text-tools.ts';

/*
 * Meta publishes no emoji limit outside authentication (none allowed there). Reviewers treat emoji-heavy
 * utility text as promotional; everyday templates use one to three, so more than 10 in a body is a smell.
 */
export const EMOJI_LIMIT = 10;

const LINE_BREAK = LINE_BREAK_PATTERN;
const ANY_BREAK = `(?:${LINE_BREAK.source})`;
// Three or more line breaks with only spaces or tabs between them, i.e. two or more empty lines.
const TOO_MANY_BREAKS = new RegExp(`${ANY_BREAK}(?:(?:${SPACE_CLASS}|\\t)*${ANY_BREAK}){2,}`, 'g');

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split(LINE_BREAK).length;
}

const consecutiveNewlinesRule = defineRule(
  'consecutive-newlines',
  'The text has {count} line breaks in a row; use at most two (one empty line).',
  (ctx, _parsed, report) =>
    textComponents(ctx.content).flatMap(({ component, text }) =>
      [...text.matchAll(TOO_MANY_BREAKS)].map((match) =>
        report({
          severity: 'error',
          component,
          line: lineAt(text, match.index),
          params: { count: match[0].split(LINE_BREAK).length - 1 },
        }),
      ),
    ),
);

const surroundingWhitespaceRule = defineRule(
  'surrounding-whitespace',
  'The text starts or ends with spaces or line breaks; remove them.',
  (ctx, _parsed, report) =>
    textComponents(ctx.content)
      .filter(({ text }) => text.trim() !== '' && text !== text.trim())
      .map(({ component }) => report({ severity: 'warning', component })),
);

const SINGLE_MARKERS = ['*', '_', '~'] as const;
const CODE_FENCE = '```';
const BULLET = /^[ \t]*[*-][ \t]+/;
const WORD_CHARACTER = /[\p{L}\p{N}]/u;
const SPACE_OR_EDGE = (character: string | undefined) => character === undefined || /\s/.test(character);

/*
 * WhatsApp only formats a marker that opens or closes a span: one inside a word (snake_case, 5*3) or
 * standing alone between spaces is shown as typed, and so is a "* " bullet. Spans do not cross lines,
 * except ``` blocks, which are counted over the whole text.
 */
function formattingMarkers(line: string, marker: string): number {
  let count = 0;
  const text = line.replace(BULLET, '');
  for (let index = text.indexOf(marker); index !== -1; index = text.indexOf(marker, index + 1)) {
    const before = text[index - 1];
    const after = text[index + 1];
    const inWord = WORD_CHARACTER.test(before ?? '') && WORD_CHARACTER.test(after ?? '');
    if (!inWord && !(SPACE_OR_EDGE(before) && SPACE_OR_EDGE(after))) count++;
  }
  return count;
}

function formattableText(text: string, parsed: ParsedTemplate): string {
  // Variable names contain `_`; a stand-in letter keeps markers around a variable counted.
  return withoutUrls(literalSegments(text, parsed.placeholders).join('x'));
}

const unbalancedFormattingRule = defineRule(
  'unbalanced-formatting',
  'The formatting marker {marker} on line {line} has no partner; the text will show it as typed.',
  (ctx, parsed, report) => {
    const text = formattableText(ctx.content.body, parsed.body);
    const findings: LintFinding[] = [];
    const fences = text.split(CODE_FENCE).length - 1;
    if (fences % 2 === 1) {
      const line = lineAt(text, text.lastIndexOf(CODE_FENCE));
      findings.push(
        report({ severity: 'warning', component: 'body', line, params: { marker: CODE_FENCE, line } }),
      );
    }
    text
      .replaceAll(CODE_FENCE, '   ')
      .split(LINE_BREAK)
      .forEach((content, index) => {
        const line = index + 1;
        for (const marker of SINGLE_MARKERS) {
          if (formattingMarkers(content, marker) % 2 === 0) continue;
          findings.push(report({ severity: 'warning', component: 'body', line, params: { marker, line } }));
        }
      });
    return findings;
  },
);

const tooManyEmojiRule = defineRule(
  'too-many-emoji',
  'The body has {count} emoji; more than {limit} reads as promotional.',
  (ctx, _parsed, report) => {
    const count = emojiCount(ctx.content.body);
    if (count <= EMOJI_LIMIT) return [];
    return [report({ severity: 'warning', component: 'body', params: { count, limit: EMOJI_LIMIT } })];
  },
);

const authenticationEmojiRule = defineRule(
  'authentication-emoji',
  'Authentication templates cannot contain emoji; found {count}.',
  (ctx, _parsed, report) => {
    if (ctx.category !== 'authentication') return [];
    const inText = textComponents(ctx.content).flatMap(({ component, text }) => {
      const count = emojiCount(text);
      return count ? [report({ severity: 'error', component, params: { count } })] : [];
    });
    const inButtons = buttonsOf(ctx.content).flatMap((button, buttonIndex) => {
      const count = emojiCount(button.text);
      return count
        ? [report({ severity: 'error', component: 'buttons', buttonIndex, params: { count } })]
        : [];
    });
    return [...inText, ...inButtons];
  },
);

const authenticationUrlRule = defineRule(
  'authentication-url',
  'Authentication templates cannot contain links; found {url}.',
  (ctx, _parsed, report) => {
    if (ctx.category !== 'authentication') return [];
    const inText = textComponents(ctx.content).flatMap(({ component, text }) => {
      const [url] = urlsIn(text);
      return url === undefined ? [] : [report({ severity: 'error', component, params: { url } })];
    });
    const inButtons = buttonsOf(ctx.content).flatMap((button, buttonIndex) =>
      button.type === 'url'
        ? [
            report({
              severity: 'error',
              component: 'buttons',
              buttonIndex,
              params: { url: button.url ?? '' },
            }),
          ]
        : [],
    );
    return [...inText, ...inButtons];
  },
);

function columnAt(text: string, offset: number): number {
  const lineStart = text.slice(0, offset).split(LINE_BREAK).at(-1) ?? '';
  return lineStart.length + 1;
}

/*
 * Bidi controls reorder what the recipient sees (a link or an amount can read backwards) and
 * zero-width characters split words so filters and reviewers miss them. A warning, since a
 * directional mark can be deliberate in mixed-direction text.
 */
const invisibleCharactersRule = defineRule(
  'invisible-characters',
  'The text contains {count} invisible character(s) ({characters}): bidi controls or zero-width characters can disguise what the recipient reads; remove them.',
  (ctx, _parsed, report) => {
    const texts: Array<{ component: LintFinding['component']; text: string; buttonIndex?: number }> = [
      ...textComponents(ctx.content),
      ...buttonsOf(ctx.content).flatMap((button, buttonIndex) =>
        [button.text, button.url ?? '', button.example ?? ''].map((text) => ({
          component: 'buttons' as const,
          text,
          buttonIndex,
        })),
      ),
    ];
    return texts.flatMap(({ component, text, buttonIndex }) => {
      const hidden = hiddenCharactersIn(text);
      const first = hidden[0];
      if (!first) return [];
      const characters = [...new Set(hidden.map((h) => h.codePoint))].join(', ');
      return [
        report({
          severity: 'warning',
          component,
          buttonIndex,
          line: lineAt(text, first.index),
          column: columnAt(text, first.index),
          params: { count: hidden.length, characters },
        }),
      ];
    });
  },
);

export const textRules: DefinedRule[] = [
  consecutiveNewlinesRule,
  surroundingWhitespaceRule,
  unbalancedFormattingRule,
  tooManyEmojiRule,
  authenticationEmojiRule,
  authenticationUrlRule,
  invisibleCharactersRule,
];
