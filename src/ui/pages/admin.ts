import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { ROLES } from '../../../db/schema/api-keys.ts';
import { type AppDeps, serviceContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { inScope, rolesWithin } from '../../http/principal.ts';
import { NewApiKeySchema } from '../../modules/api-keys/api-keys.routes.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../modules/api-keys/api-keys.service.ts';
import { AuditQuery } from '../../modules/audit/audit.schemas.ts';
import { listAudit } from '../../modules/audit/audit.service.ts';
import { MarketPatchSchema } from '../../modules/markets/markets.schemas.ts';
import {
  listMarkets,
  type MarketRow,
  marketEtag,
  patchMarketAs,
} from '../../modules/markets/markets.service.ts';
import { formFields, listField, parseInput } from '../forms.ts';
import { csrfField, type Html } from '../layout.ts';
import { uiActor } from '../scope.ts';
import { requireRole } from '../session.ts';
import type { UiEnv } from '../ui-env.ts';
import type { View } from '../view.ts';

const blankAsMissing = (value: unknown) => (value === '' ? undefined : value);
const auditQuery = z.object({
  objectType: z.preprocess(blankAsMissing, AuditQuery.shape.objectType),
  objectId: z.preprocess(blankAsMissing, AuditQuery.shape.objectId),
  actor: z.preprocess(blankAsMissing, AuditQuery.shape.actor),
  cursor: z.string().max(500).optional(),
});

function marketForm(c: Context<UiEnv>, market: MarketRow): Html {
  const t = c.var.t;
  return html`<form method="post" action="/ui/markets/${market.code}" class="stack panel" id="market-${market.code}">
    ${csrfField(c)}
    <input type="hidden" name="etag" value="${marketEtag(market)}" />
    <h2>${market.code} · ${market.name}</h2>
    <label>${t('console.markets.name')} <input name="name" value="${market.name}" required /></label>
    <label>${t('console.markets.status')} <select name="status">${(['active', 'upcoming'] as const).map(
      (status) =>
        html`<option value="${status}"${status === market.status ? html` selected` : ''}>${t(`console.markets.${status}`)}</option>`,
    )}</select></label>
    <label>${t('console.markets.languages')} <input name="languages" value="${market.languages.join(', ')}" required /></label>
    <label>${t('console.markets.defaultLanguage')} <input name="defaultLanguage" value="${market.defaultLanguage}" required /></label>
    <label>${t('console.markets.timezone')} <input name="timezone" value="${market.timezone}" required /></label>
    <label>${t('console.markets.currency')} <input name="currency" value="${market.currency}" required /></label>
    <label>${t('console.markets.provider')} <select name="providerKind">${(
      ['sandbox', 'meta', 'gupshup'] as const
    ).map(
      (kind) =>
        html`<option value="${kind}"${kind === market.providerKind ? html` selected` : ''}>${kind}</option>`,
    )}</select></label>
    <label>${t('console.markets.account')} <input name="providerAccount" value="${market.providerAccount}" required /></label>
    <p class="muted">${t('console.markets.fallbacks')}: <code>${JSON.stringify(market.fallbacks)}</code></p>
    <button type="submit">${t('console.markets.save')}</button>
  </form>`;
}

export function adminPages(deps: AppDeps, view: View) {
  const pages = new Hono<UiEnv>();
  pages.use('/ui/markets/*', requireRole('admins'));
  pages.use('/ui/markets', requireRole('admins'));
  pages.use('/ui/keys/*', requireRole('admins'));
  pages.use('/ui/keys', requireRole('admins'));
  pages.use('/ui/audit', requireRole('admins'));

  pages.get('/ui/markets', async (c) => {
    const t = c.var.t;
    const markets = (await listMarkets(serviceContext(deps))).filter((market) =>
      inScope(c.var.principal, market.code),
    );
    return view.page(
      c,
      { title: t('console.nav.markets'), section: 'markets' },
      html`<div class="grid">${markets.map((market) => marketForm(c, market))}</div>`,
    );
  });

  pages.post('/ui/markets/:code', async (c) => {
    const form = await formFields(c);
    const patch = parseInput(MarketPatchSchema, {
      name: form.name,
      status: form.status,
      languages: listField(form.languages) ?? [],
      defaultLanguage: form.defaultLanguage,
      timezone: form.timezone,
      currency: form.currency,
      provider: { kind: form.providerKind, account: form.providerAccount },
    });
    await patchMarketAs(serviceContext(deps, uiActor(c)), c.var.principal, c.req.param('code'), patch, [
      form.etag ?? '',
    ]);
    return c.redirect(`/ui/markets#market-${c.req.param('code')}`, 303);
  });

  async function keysPage(c: Context<UiEnv>, created?: { key: string; name: string }) {
    const t = c.var.t;
    const principal = c.var.principal;
    const page = await listApiKeys(serviceContext(deps), principal, 200);
    return view.page(
      c,
      { title: t('console.nav.keys'), section: 'keys' },
      html`${
        created
          ? html`<div class="panel created-key" role="status"><p>${t('console.keys.createdOnce', { name: created.name })}</p>
          <p><code class="secret" id="new-key">${created.key}</code></p></div>`
          : ''
      }
      <details class="panel"${created ? '' : html` open`}><summary>${t('console.keys.create')}</summary>
        <form method="post" action="/ui/keys" class="stack">${csrfField(c)}
          <label>${t('console.keys.name')} <input name="name" required maxlength="100" /></label>
          <label>${t('console.keys.role')} <select name="role">${rolesWithin(principal).map(
            (role) => html`<option value="${role}">${t(`console.role.${role}`)}</option>`,
          )}</select></label>
          <label>${t('console.keys.markets')} <input name="markets" placeholder="TR, PL" /></label>
          <label>${t('console.keys.languages')} <input name="languages" placeholder="tr, en" /></label>
          <button type="submit">${t('console.keys.createSubmit')}</button>
        </form></details>
      <table class="list"><thead><tr><th>${t('console.keys.name')}</th><th>${t('console.keys.role')}</th><th>${t('console.keys.scope')}</th><th>${t('console.keys.prefix')}</th><th>${t('console.keys.createdAt')}</th><th></th></tr></thead>
      <tbody>${page.items.map(
        (
          key,
        ) => html`<tr${key.revokedAt ? html` class="revoked"` : ''}><td>${key.name}</td><td>${t(`console.role.${key.role}`)}</td>
          <td>${key.markets?.join(', ') ?? t('console.all')} · ${key.languages?.join(', ') ?? t('console.all')}</td>
          <td><code>${key.prefix}…</code></td><td>${key.createdAt.slice(0, 16).replace('T', ' ')}</td>
          <td>${
            key.revokedAt
              ? t('console.keys.revoked')
              : html`<form method="post" action="/ui/keys/${key.id}/revoke" class="inline">${csrfField(c)}<button type="submit" class="danger">${t('console.keys.revoke')}</button></form>`
          }</td></tr>`,
      )}</tbody></table>`,
    );
  }

  pages.get('/ui/keys', (c) => keysPage(c));

  pages.post('/ui/keys', async (c) => {
    const form = await formFields(c);
    const input = parseInput(NewApiKeySchema, {
      name: form.name ?? '',
      role: z.enum(ROLES).catch('viewer').parse(form.role),
      ...(listField(form.markets) ? { markets: listField(form.markets) } : {}),
      ...(listField(form.languages) ? { languages: listField(form.languages) } : {}),
    });
    const created = await createApiKey(serviceContext(deps, uiActor(c)), input, c.var.principal);
    return keysPage(c, { key: created.key, name: created.name });
  });

  pages.post('/ui/keys/:id/revoke', async (c) => {
    const id = z.uuid().safeParse(c.req.param('id'));
    if (!id.success) throw new AppError('not-found', { params: { resource: c.req.path } });
    await revokeApiKey(serviceContext(deps, uiActor(c)), c.var.principal, id.data);
    return c.redirect('/ui/keys', 303);
  });

  pages.get('/ui/audit', async (c) => {
    const t = c.var.t;
    const { cursor, ...filter } = parseInput(auditQuery, c.req.query());
    const page = await listAudit(serviceContext(deps), c.var.principal, filter, 50, cursor);
    const next = new URLSearchParams(
      Object.entries({ ...filter, cursor: page.nextCursor ?? '' }).filter(
        (entry): entry is [string, string] => Boolean(entry[1]),
      ),
    );
    return view.page(
      c,
      { title: t('console.nav.audit'), section: 'audit' },
      html`<form method="get" action="/ui/audit" class="inline filters">
        <label>${t('console.audit.objectType')} <select name="objectType"><option value="">${t('console.all')}</option>${AuditQuery.shape.objectType
          .unwrap()
          .options.map(
            (type) =>
              html`<option value="${type}"${type === filter.objectType ? html` selected` : ''}>${type}</option>`,
          )}</select></label>
        <label>${t('console.audit.objectId')} <input name="objectId" value="${filter.objectId ?? ''}" /></label>
        <button type="submit">${t('console.filter')}</button>
      </form>
      <table class="list audit"><thead><tr><th>${t('console.audit.at')}</th><th>${t('console.audit.actor')}</th><th>${t('console.audit.action')}</th><th>${t('console.audit.object')}</th><th>${t('console.audit.change')}</th></tr></thead>
      <tbody>${page.items.map(
        (
          entry,
        ) => html`<tr><td>${entry.at.slice(0, 19).replace('T', ' ')}</td><td>${entry.actor?.name ?? 'Vetted'}</td><td><code>${entry.action}</code></td>
          <td>${entry.object.type} <code>${entry.object.id}</code></td>
          <td><details><summary>${t('console.audit.details')}</summary><pre>${JSON.stringify({ before: entry.before, after: entry.after }, null, 2)}</pre></details></td></tr>`,
      )}</tbody></table>
      ${page.nextCursor ? html`<p><a href="/ui/audit?${next.toString()}">${t('console.next')}</a></p>` : ''}`,
    );
  });

  return pages;
}
