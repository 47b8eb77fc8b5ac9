import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { type AppDeps, serviceContext } from '../../context.ts';
import { diffWords } from '../../domain/text-diff.ts';
import { AppError } from '../../errors.ts';
import { getMarket } from '../../modules/markets/markets.service.ts';
import {
  type EventRow,
  listEvents,
  type VersionRow,
} from '../../modules/status-events/status-events.service.ts';
import { getTemplate } from '../../modules/templates/templates.service.ts';
import { NewVersionSchema } from '../../modules/versions/versions.schemas.ts';
import { createDraft, listVersions } from '../../modules/versions/versions.service.ts';
import { chip, chipStatus } from '../chips.ts';
import { contentInput, contentInputs } from '../content-form.ts';
import { formFields, parseInput } from '../forms.ts';
import { csrfField, type Html } from '../layout.ts';
import { uiActor, variantOf } from '../scope.ts';
import { may, requireRole } from '../session.ts';
import type { UiEnv } from '../ui-env.ts';
import { variantPath, versionPath } from '../urls.ts';
import type { View } from '../view.ts';

const VARIANT = '/ui/templates/:key/variants/:market/:language';
const diffQuery = z.object({
  from: z.coerce.number().int().min(1).optional(),
  to: z.coerce.number().int().min(1).optional(),
});
const IN_FLIGHT = new Set(['queued', 'pending', 'in_appeal']);

function timeline(c: Context<UiEnv>, events: EventRow[]): Html {
  const t = c.var.t;
  if (!events.length) return html``;
  return html`<ol class="timeline">${events.map((event) => {
    const rejected = event.toStatus === 'rejected' && event.effect === 'applied';
    return html`<li class="event${rejected ? ' event-rejected' : ''}">
      <time datetime="${event.occurredAt.toISOString()}">${event.occurredAt.toISOString().replace('T', ' ').slice(0, 19)}</time>
      ${event.fromStatus ? html`${t(`console.status.${event.fromStatus}`)} → ` : ''}<strong>${t(`console.status.${event.toStatus}`)}</strong>
      <span class="muted">${t(`console.source.${event.source}`)}${event.actor ? html` · ${event.actor}` : ''}${
        event.effect !== 'applied' ? html` · ${t(`console.effect.${event.effect}`)}` : ''
      }</span>
      ${event.reason && event.reason !== 'NONE' ? html`<div class="reason"><code>${event.reason}</code></div>` : ''}
      ${event.reasonText ? html`<blockquote class="reason-text">${event.reasonText}</blockquote>` : ''}
    </li>`;
  })}</ol>`;
}

function contentBlock(row: VersionRow): Html {
  return html`<div class="content">
    ${row.header ? html`<p class="content-header">${row.header}</p>` : ''}
    <pre class="content-body">${row.body}</pre>
    ${row.footer ? html`<p class="content-footer">${row.footer}</p>` : ''}
    ${row.buttons?.length ? html`<ul class="content-buttons">${row.buttons.map((b) => html`<li>${b.text}</li>`)}</ul>` : ''}
  </div>`;
}

function diffBlock(c: Context<UiEnv>, from: VersionRow, to: VersionRow): Html {
  const t = c.var.t;
  const parts = (['header', 'body', 'footer'] as const).map((component) => {
    const before = from[component] ?? '';
    const after = to[component] ?? '';
    if (!before && !after) return '';
    return html`<h3>${t(`console.content.${component}`)}</h3><pre class="diff">${diffWords(before, after).map(
      (part) =>
        part.op === 'same'
          ? html`${part.text}`
          : part.op === 'added'
            ? html`<ins>${part.text}</ins>`
            : html`<del>${part.text}</del>`,
    )}</pre>`;
  });
  return html`<section class="panel" id="diff"><h2>${t('console.variant.diffTitle', { from: from.version, to: to.version })}</h2>${parts}</section>`;
}

export function variantPages(deps: AppDeps, view: View) {
  const pages = new Hono<UiEnv>();

  pages.get(VARIANT, requireRole('readers'), async (c) => {
    const t = c.var.t;
    const ref = variantOf(c);
    const ctx = serviceContext(deps);
    const [template, market] = await Promise.all([
      getTemplate(ctx, ref.templateKey),
      getMarket(ctx, ref.market),
    ]);
    if (!market.languages.includes(ref.language))
      throw new AppError('not-found', { params: { resource: c.req.path } });
    const { items: rows } = await listVersions(ctx, ref, 200, undefined);
    const histories = await Promise.all(
      rows.map((row) => listEvents(ctx, { versionId: row.id }, 200, undefined)),
    );
    const served = deps.serving.served(ref.templateKey, ref.market, ref.language)?.version ?? null;
    const query = parseInput(diffQuery, c.req.query());
    const from = rows.find((row) => row.version === query.from);
    const to = rows.find((row) => row.version === query.to);
    const authors = may(c.var.principal, 'authors');
    const base = variantPath(ref.templateKey, ref.market, ref.language);

    const firstDraft =
      authors && !template.archived
        ? html`<details class="panel"${rows.length ? '' : html` open`}><summary>${t('console.variant.newDraft')}</summary>
          <form method="post" action="${base}/versions" class="stack">${csrfField(c)}${contentInputs(t, { header: '', body: '', footer: '', buttons: '' })}
          <button type="submit">${t('console.variant.createDraft')}</button></form></details>`
        : '';
    const diffForm =
      rows.length > 1
        ? html`<form method="get" action="${base}" class="inline">
          <label>${t('console.variant.diffFrom')} <select name="from">${rows.map((row) => html`<option value="${row.version}"${row.version === (from?.version ?? rows[1]?.version) ? html` selected` : ''}>v${row.version}</option>`)}</select></label>
          <label>${t('console.variant.diffTo')} <select name="to">${rows.map((row) => html`<option value="${row.version}"${row.version === (to?.version ?? rows[0]?.version) ? html` selected` : ''}>v${row.version}</option>`)}</select></label>
          <button type="submit">${t('console.variant.diff')}</button></form>`
        : '';

    const versionsList = rows.map((row, index) => {
      const events = histories[index]?.items ?? [];
      return html`<section class="version" id="v${row.version}">
        <h2><a href="${versionPath(ref.templateKey, ref.market, ref.language, row.version)}">v${row.version}</a>
          ${chip(t, chipStatus(row.status, row.version === served))}</h2>
        <p class="muted">${t('console.variant.created', { at: row.createdAt.toISOString().slice(0, 16).replace('T', ' ') })}${
          row.providerTemplateName ? html` · <code>${row.providerTemplateName}</code>` : ''
        }</p>
        ${contentBlock(row)}
        ${timeline(c, events)}
        <div class="actions">
          <a href="${versionPath(ref.templateKey, ref.market, ref.language, row.version)}">${t(row.status === 'draft' && authors ? 'console.variant.edit' : 'console.variant.open')}</a>
          ${
            authors && !template.archived
              ? html`<form method="post" action="${base}/versions" class="inline">${csrfField(c)}
            <input type="hidden" name="fromVersion" value="${row.version}" />
            <button type="submit" class="secondary">${t('console.variant.copy')}</button></form>`
              : ''
          }
        </div>
      </section>`;
    });

    return view.page(
      c,
      {
        title: `${ref.templateKey} · ${ref.market} · ${ref.language}`,
        section: 'templates',
        ...(rows.some((row) => IN_FLIGHT.has(row.status)) ? { refreshSeconds: 3 } : {}),
      },
      html`<p><a href="/ui/templates/${ref.templateKey}">← ${ref.templateKey}</a></p>
      <p>${served !== null ? t('console.variant.servedVersion', { version: served }) : t('console.variant.nothingServed')}</p>
      ${from && to ? diffBlock(c, from, to) : ''}
      ${diffForm}
      ${firstDraft}
      ${rows.length ? versionsList : html`<p class="muted">${t('console.variant.noVersions')}</p>`}`,
    );
  });

  pages.post(`${VARIANT}/versions`, requireRole('authors'), async (c) => {
    const ref = variantOf(c);
    const form = await formFields(c);
    const input = parseInput(
      NewVersionSchema,
      form.fromVersion ? { fromVersion: Number(form.fromVersion) } : contentInput(form),
    );
    const row = await createDraft(serviceContext(deps, uiActor(c)), ref, input, c.var.principal.keyId);
    return c.redirect(versionPath(ref.templateKey, ref.market, ref.language, row.version), 303);
  });

  return pages;
}
