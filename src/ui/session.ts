import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { type AppDeps, serviceContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { requestHeader } from '../http/headers.ts';
import { type Principal, ROLE_GROUPS, type RoleGroup } from '../http/principal.ts';
import { negotiateLanguage, SUPPORTED_LANGUAGES, type UiLanguage } from '../i18n.ts';
import { findSession, SESSION_TTL_MS } from './sessions.service.ts';
import type { UiEnv } from './ui-env.ts';

export const SESSION_COOKIE = 'vetted_session';
const LANGUAGE_COOKIE = 'vetted_lang';
/** The form field (and htmx header) that carries the session's CSRF token. */
export const CSRF_FIELD = '_csrf';
const CSRF_HEADER = 'x-csrf-token';

function isHttps(c: Context, deps: AppDeps): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return deps.config.TRUST_PROXY && requestHeader(c, 'x-forwarded-proto') === 'https';
}

const supported = (value: string | undefined): UiLanguage | undefined =>
  SUPPORTED_LANGUAGES.find((language) => language === value);

/** The page language: `?lang=` (remembered in a cookie), else the cookie, else Accept-Language. */
export function uiLanguage(deps: AppDeps): MiddlewareHandler<UiEnv> {
  return createMiddleware<UiEnv>(async (c, next) => {
    const asked = supported(c.req.query('lang'));
    if (asked) {
      setCookie(c, LANGUAGE_COOKIE, asked, {
        path: '/ui',
        sameSite: 'Strict',
        httpOnly: true,
        secure: isHttps(c, deps),
        maxAge: 365 * 24 * 3600,
      });
    }
    const lang =
      asked ?? supported(getCookie(c, LANGUAGE_COOKIE)) ?? negotiateLanguage(c.req.header('accept-language'));
    c.set('lang', lang);
    c.set('t', deps.i18n.getFixedT(lang));
    await next();
  });
}

export function setSessionCookie(c: Context, deps: AppDeps, id: string): void {
  setCookie(c, SESSION_COOKIE, id, {
    path: '/ui',
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c, deps),
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/ui' });
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The session behind the cookie, as the principal of its API key: a page without one sends the
 * browser to the login page. Every other method than GET must carry the session's CSRF token.
 */
export function requireSession(deps: AppDeps): MiddlewareHandler<UiEnv> {
  return createMiddleware<UiEnv>(async (c, next) => {
    const id = getCookie(c, SESSION_COOKIE);
    const session = id ? await findSession(serviceContext(deps), id) : undefined;
    if (!session) {
      if (c.req.method === 'GET') {
        const here = new URL(c.req.url);
        return c.redirect(`/ui/login?next=${encodeURIComponent(here.pathname + here.search)}`, 303);
      }
      throw new AppError('unauthorized');
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const header = requestHeader(c, CSRF_HEADER);
      const field = header ?? (await c.req.parseBody())[CSRF_FIELD];
      if (typeof field !== 'string' || !sameToken(field, session.csrfToken))
        throw new AppError('forbidden', { params: { context: 'csrf' } });
    }
    await deps.apiKeys.limits.spendRequest(session.principal);
    c.set('principal', session.principal);
    c.set('csrfToken', session.csrfToken);
    await next();
  });
}

export function may(principal: Principal, group: RoleGroup): boolean {
  const roles: readonly string[] = ROLE_GROUPS[group];
  return roles.includes(principal.role);
}

/** The same role groups as the API's routes: a page outside the key's role is a 403. */
export function requireRole(group: RoleGroup): MiddlewareHandler<UiEnv> {
  return createMiddleware<UiEnv>(async (c, next) => {
    if (!may(c.var.principal, group))
      throw new AppError('forbidden', { params: { role: c.var.principal.role } });
    await next();
  });
}
