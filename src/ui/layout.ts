import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { SUPPORTED_LANGUAGES } from '../i18n.ts';
import { NAV_ITEMS } from './nav.ts';
import { CSRF_FIELD, may } from './session.ts';
import type { UiEnv } from './ui-env.ts';

/**
 * Markup built with hono's `html` tag: every interpolated string is escaped, nested `html`
 * results are not. Template text is plain text to Vetted, so it is only ever interpolated.
 */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageOptions {
  title: string;
  /** The nav entry to mark as current. */
  section?: string;
  /** Reload every few seconds while something is under way (a submission being reviewed). */
  refreshSeconds?: number;
}

/** The CSRF field every console form carries. */
export function csrfField(c: Context<UiEnv>): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${c.var.csrfToken}" />`;
}

/** The current URL with another `lang`, for the language switcher. */
function withLanguage(c: Context<UiEnv>, lang: string): string {
  const url = new URL(c.req.url);
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}`;
}

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', ru: 'Русский', pl: 'Polski', tr: 'Türkçe' };

function languageSwitcher(c: Context<UiEnv>): Html {
  const t = c.var.t;
  return html`<nav class="languages" aria-label="${t('console.language')}">
    ${SUPPORTED_LANGUAGES.map(
      (lang) =>
        html`<a href="${withLanguage(c, lang)}" hreflang="${lang}" lang="${lang}"${
          lang === c.var.lang ? html` aria-current="true"` : ''
        }>${LANGUAGE_NAMES[lang]}</a>`,
    )}
  </nav>`;
}

export interface Assets {
  css: string;
  htmx: string;
}

export function layout(c: Context<UiEnv>, assets: Assets, options: PageOptions, content: Html): Html {
  const t = c.var.t;
  const principal = c.get('principal');
  const csrf = c.get('csrfToken');
  return html`<!doctype html>
<html lang="${c.var.lang}">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  ${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}" />` : ''}
  <title>${options.title} · Vetted</title>
  <link rel="stylesheet" href="${assets.css}" />
  <script src="${assets.htmx}" defer></script>
</head>
<body${csrf ? html` hx-headers="${JSON.stringify({ 'x-csrf-token': csrf })}"` : ''}>
  <header class="top">
    <a class="brand" href="/ui">Vetted</a>
    ${
      principal
        ? html`<nav class="sections" aria-label="${t('console.nav.label')}">
      ${NAV_ITEMS.filter((item) => may(principal, item.group)).map(
        (item) =>
          html`<a href="${item.href}"${item.id === options.section ? html` aria-current="page"` : ''}>${t(
            `console.nav.${item.label}`,
          )}</a>`,
      )}
      <a href="/docs">${t('console.nav.docs')}</a>
    </nav>
    <form class="logout" method="post" action="/ui/logout">
      ${csrfField(c)}
      <span class="who">${principal.name} · ${t(`console.role.${principal.role}`)}</span>
      <button type="submit" class="link">${t('console.logout')}</button>
    </form>`
        : ''
    }
    ${languageSwitcher(c)}
  </header>
  <main>
    <h1>${options.title}</h1>
    ${content}
  </main>
</body>
</html>`;
}
