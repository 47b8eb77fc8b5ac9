import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { html } from 'hono/html';
import { z } from 'zod';
import { type AppDeps, serviceContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { toAppError } from '../http/problem.ts';
import { consoleAssets } from './assets.ts';
import { adminPages } from './pages/admin.ts';
import { analyticsPages } from './pages/analytics.ts';
import { costPages } from './pages/cost.ts';
import { localizationPages } from './pages/localization.ts';
import { templatePages } from './pages/templates.ts';
import { variantPages } from './pages/variants.ts';
import { versionPages } from './pages/versions.ts';
import {
  clearSessionCookie,
  may,
  requireSession,
  SESSION_COOKIE,
  setSessionCookie,
  uiLanguage,
} from './session.ts';
import { closeSession, openSession } from './sessions.service.ts';
import type { UiEnv } from './ui-env.ts';
import { createView } from './view.ts';

const loginForm = z.object({ key: z.string().trim().max(200), next: z.string().max(2000).optional() });

/** Only a console path: a login link must not send the browser anywhere else. */
function safeNext(next: string | undefined): string {
  return next && /^\/ui(\/|$|\?)/.test(next) && !next.startsWith('//') ? next : '/ui/templates';
}

/**
 * The web console under /ui: server-rendered pages that call the same services as the API, with
 * the logged-in key's principal, so roles and scopes are exactly the API's.
 */
export function consoleRoutes(deps: AppDeps) {
  const assets = consoleAssets();
  const view = createView(assets);
  const ui = new Hono<UiEnv>();

  ui.route('/', assets.routes);
  ui.use('/ui/*', uiLanguage(deps));
  ui.use('/ui', uiLanguage(deps));
  // The Origin check compares hosts: behind a TLS-terminating proxy the request URL says http.
  ui.use(
    '/ui/*',
    csrf({ origin: (origin, c) => URL.canParse(origin) && new URL(origin).host === new URL(c.req.url).host }),
  );
  ui.onError((error, c) => {
    const appError = toAppError(error);
    if (appError.status >= 500) deps.log.error({ err: error, path: c.req.path }, 'console request failed');
    return view.problem(c, appError);
  });

  ui.get('/ui', (c) => c.redirect('/ui/templates', 303));

  const loginPage = (next: string, failed: AppError | undefined) => (c: Parameters<typeof view.page>[0]) => {
    const t = c.var.t;
    return view.page(
      c,
      { title: t('console.login.title') },
      html`<p>${t('console.login.intro')}</p>
      ${failed ? html`<p class="problem" role="alert">${t(`console.login.${failed.type === 'forbidden' ? 'role' : 'failed'}`)}</p>` : ''}
      <form method="post" action="/ui/login" class="stack narrow">
        <input type="hidden" name="next" value="${next}" />
        <label>${t('console.login.key')} <input type="password" name="key" autocomplete="off" required autofocus /></label>
        <button type="submit">${t('console.login.submit')}</button>
      </form>`,
      failed ? (failed.status === 401 ? 401 : 403) : 200,
    );
  };

  ui.get('/ui/login', (c) => loginPage(safeNext(c.req.query('next')), undefined)(c));

  ui.post('/ui/login', async (c) => {
    const form = loginForm.parse(await c.req.parseBody());
    const next = safeNext(form.next);
    const limits = deps.apiKeys.limits;
    const address = limits.clientAddress(c);
    const principal =
      form.key && !(await limits.failuresExhausted(address))
        ? await deps.apiKeys.authenticate(form.key)
        : undefined;
    if (!principal) {
      await limits.spendFailure(address);
      return loginPage(next, new AppError('unauthorized'))(c);
    }
    // Senders render messages; the console is for the people who write and review them.
    if (!may(principal, 'readers')) return loginPage(next, new AppError('forbidden'))(c);
    const session = await openSession(serviceContext(deps), principal);
    setSessionCookie(c, deps, session.id);
    return c.redirect(next, 303);
  });

  ui.post('/ui/logout', requireSession(deps), async (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    if (id) await closeSession(serviceContext(deps), id);
    clearSessionCookie(c);
    return c.redirect('/ui/login', 303);
  });

  ui.use('/ui/*', requireSession(deps));
  ui.route('/', templatePages(deps, view));
  ui.route('/', variantPages(deps, view));
  ui.route('/', versionPages(deps, view));
  ui.route('/', localizationPages(deps, view));
  ui.route('/', analyticsPages(deps, view));
  ui.route('/', costPages(deps, view));
  ui.route('/', adminPages(deps, view));
  return ui;
}
