import type { Context } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppError } from '../errors.ts';
import { problemBody } from '../http/problem.ts';
import { type Assets, type Html, layout, type PageOptions } from './layout.ts';
import type { UiEnv } from './ui-env.ts';

/** How console handlers answer: a whole page in the layout, or a problem shown as one. */
export interface View {
  page(
    c: Context<UiEnv>,
    options: PageOptions,
    content: Html,
    status?: ContentfulStatusCode,
  ): Promise<Response>;
  problem(c: Context<UiEnv>, error: AppError): Promise<Response>;
}

/** Where "back" goes: the page the browser came from when it is one of ours, else the console's start. */
function backLink(c: Context<UiEnv>): string {
  const referer = c.req.header('referer');
  if (!referer) return '/ui';
  try {
    const from = new URL(referer);
    return from.origin === new URL(c.req.url).origin && from.pathname.startsWith('/ui')
      ? `${from.pathname}${from.search}`
      : '/ui';
  } catch {
    return '/ui';
  }
}

/** A problem in words: its localised detail and field errors, the same text the API answers with. */
export function problemText(c: Context<UiEnv>, error: AppError): Html {
  const body = problemBody(error, c.var.t, { resource: c.req.path });
  const errors = Array.isArray(body.errors) ? (body.errors as Array<{ path: string; message: string }>) : [];
  return html`<div class="problem" role="alert">
    <p><strong>${String(body.title)}</strong> ${String(body.detail)}</p>
    ${errors.length ? html`<ul>${errors.map((e) => html`<li><code>${e.path}</code> ${e.message}</li>`)}</ul>` : ''}
  </div>`;
}

export function createView(assets: Assets): View {
  const view: View = {
    async page(c, options, content, status = 200) {
      return c.html(await layout(c, assets, options, content), status);
    },
    async problem(c, error) {
      const content = html`${problemText(c, error)}
        <p><a href="${backLink(c)}">${c.var.t('console.back')}</a>
        ${c.get('principal') ? '' : html` · <a href="/ui/login">${c.var.t('console.login.title')}</a>`}</p>`;
      return view.page(
        c,
        { title: c.var.t(`problems.${error.type}.title`) },
        content,
        error.status as ContentfulStatusCode,
      );
    },
  };
  return view;
}
