import { guessLanguages, identifiable } from '../language-id.ts';
import { type DefinedRule, defineRule } from './rule.ts';
import { buttonsOf, literalText, textComponents, urlsIn, withoutUrls } from './text-tools.ts';

/*
 * Thresholds measured by bench/language-id.ts on test/fixtures/language-id/messages.json: from 30
 * letters on, no text was judged confidently another language than its own, and at 40 letters the
 * identifier catches 90% of texts declared in another market language (98% of whole texts).
 * 40 keeps a safety margin: a false error refuses an import.
 */
export const LANGUAGE_ID_MIN_LETTERS = 40;
/** How far the top guess must lead the declared language's score (0–1) to be an error. */
export const LANGUAGE_ID_MARGIN = 0.2;

export function primarySubtag(language: string): string {
  return language.split(/[-_]/)[0]?.toLowerCase() ?? '';
}

const wrongLanguageRule = defineRule(
  'wrong-language',
  'The text reads as {detected, language}, not {declared, language}; Meta rejects a template whose content does not match its language.',
  (ctx, parsed, report) => {
    const declared = primarySubtag(ctx.language);
    if (!identifiable(declared)) return [];
    // Header, body and footer judged together: more letters, a surer answer.
    const text = textComponents(ctx.content)
      .map(({ component, text }) => {
        const placeholders = parsed[component]?.placeholders ?? [];
        return withoutUrls(literalText(text, placeholders));
      })
      .join('\n');
    if ((text.match(/\p{L}/gu)?.length ?? 0) < LANGUAGE_ID_MIN_LETTERS) return [];
    const guesses = guessLanguages(text);
    const [top] = guesses;
    if (!top || top.language === declared) return [];
    const declaredScore = guesses.find((guess) => guess.language === declared)?.score ?? 0;
    if (top.score - declaredScore < LANGUAGE_ID_MARGIN) return [];
    return [report({ severity: 'error', component: 'body', params: { detected: top.language, declared } })];
  },
);

/** Link shorteners: Meta's guidelines name shortened URLs as a cause of rejection. */
export const URL_SHORTENERS: ReadonlySet<string> = new Set([
  'bit.ly',
  'bitly.com',
  'tinyurl.com',
  't.co',
  'goo.gl',
  'ow.ly',
  'is.gd',
  'v.gd',
  'buff.ly',
  'cutt.ly',
  'rebrand.ly',
  'shorturl.at',
  'tiny.cc',
  'rb.gy',
  's.id',
  't.ly',
  'bl.ink',
  'shorte.st',
  'soo.gd',
  'clck.ru',
  'u.to',
  'lnkd.in',
  'trib.al',
  'qr.ae',
  'adf.ly',
  'tiny.one',
  'short.io',
  'rebrandly.com',
]);

const HOST = /^(?:https?:\/\/)?(?:[^@/?#\s]*@)?([^/?#:\s]+)/i;

/** The shortener a URL points at, if it is one. */
export function shortenerHost(url: string): string | undefined {
  const host = HOST.exec(url)?.[1]
    ?.toLowerCase()
    .replace(/^www\./, '')
    .replace(/\.$/, '');
  return host !== undefined && URL_SHORTENERS.has(host) ? host : undefined;
}

const shortenedUrlRule = defineRule(
  'shortened-url',
  'The link {url} goes through the URL shortener {host}; Meta rejects templates with shortened links. Use the full address.',
  (ctx, _parsed, report) => {
    const inText = textComponents(ctx.content).flatMap(({ component, text }) =>
      urlsIn(text).flatMap((url) => {
        const host = shortenerHost(url);
        return host ? [report({ severity: 'warning', component, params: { url, host } })] : [];
      }),
    );
    const inButtons = buttonsOf(ctx.content).flatMap((button, buttonIndex) => {
      const host = button.type === 'url' && button.url ? shortenerHost(button.url) : undefined;
      return host
        ? [
            report({
              severity: 'warning',
              component: 'buttons',
              buttonIndex,
              params: { url: button.url ?? '', host },
            }),
          ]
        : [];
    });
    return [...inText, ...inButtons];
  },
);

export const languageRules: DefinedRule[] = [wrongLanguageRule, shortenedUrlRule];
