import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { type AppDeps, serviceContext } from '../../context.ts';
import { TEMPLATE_CATEGORIES, type TemplateVariable } from '../../domain/content.ts';
import { NewTemplateSchema } from '../../modules/templates/templates.schemas.ts';
import {
  createTemplate,
  getTemplate,
  listTemplates,
  type VariantCell,
  variantMatrix,
} from '../../modules/templates/templates.service.ts';
import { chip, chipStatus } from '../chips.ts';
import { formFields, parseInput } from '../forms.ts';
import { csrfField, type Html } from '../layout.ts';
import { uiActor } from '../scope.ts';
import { may, requireRole } from '../session.ts';
import type { UiEnv } from '../ui-env.ts';
import { variantPath } from '../urls.ts';
import type { View } from '../view.ts';

const listQuery = z.object({ q: z.string().max(200).optional(), cursor: z.string().max(500).optional() });

/** One variable a line: `name | type | example | description`. */
function parseVariables(text: string) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [name = '', type = '', example = '', ...description] = line.split('|').map((part) => part.trim());
      const joined = description.join(' | ');
      return { name, type, example, ...(joined ? { description: joined } : {}) };
    });
}

export function variablesText(variables: TemplateVariable[]): string {
  return variables
    .map((v) => [v.name, v.type, v.example, ...(v.description ? [v.description] : [])].join(' | '))
    .join('\n');
}

/** Markets as rows, languages as columns; a market without a language leaves its cell empty. */
function matrix(c: import('hono').Context<UiEnv>, key: string, cells: VariantCell[]): Html {
  const t = c.var.t;
  if (!cells.length) return html`<p class="muted">${t('console.template.noVariants')}</p>`;
  const markets = [...new Set(cells.map((cell) => cell.market))];
  const languages = [...new Set(cells.map((cell) => cell.language))].sort();
  const at = new Map(cells.map((cell) => [`${cell.market}|${cell.language}`, cell]));
  return html`<div class="scroll"><table class="matrix">
    <thead><tr><th>${t('console.market')}</th>${languages.map((language) => html`<th>${language}</th>`)}</tr></thead>
    <tbody>${markets.map(
      (market) =>
        html`<tr><th scope="row">${market}</th>${languages.map((language) => {
          const cell = at.get(`${market}|${language}`);
          if (!cell) return html`<td class="none"></td>`;
          const status = chipStatus(
            cell.status,
            cell.servedVersion !== null && cell.servedVersion === cell.newestVersion,
          );
          return html`<td><a class="cell" href="${variantPath(key, market, language)}" data-variant="${market}-${language}">
          ${chip(t, status)}
          ${cell.newestVersion !== null ? html`<span class="muted">v${cell.newestVersion}</span>` : ''}
          ${
            cell.servedVersion !== null && cell.servedVersion !== cell.newestVersion
              ? html`<span class="served-note">${t('console.template.serving', { version: cell.servedVersion })}</span>`
              : ''
          }
        </a></td>`;
        })}</tr>`,
    )}</tbody>
  </table></div>`;
}

export function templatePages(deps: AppDeps, view: View) {
  const pages = new Hono<UiEnv>();

  pages.get('/ui/templates', requireRole('readers'), async (c) => {
    const t = c.var.t;
    const query = parseInput(listQuery, c.req.query());
    const page = await listTemplates(serviceContext(deps), { q: query.q }, c.var.principal, 50, query.cursor);
    const createForm = may(c.var.principal, 'editors')
      ? html`<details class="panel"><summary>${t('console.templates.create')}</summary>
        <form method="post" action="/ui/templates" class="stack">
          ${csrfField(c)}
          <label>${t('console.templates.key')} <input name="key" required pattern="[a-z][a-z0-9_]{0,63}" /></label>
          <label>${t('console.templates.category')} <select name="category">${TEMPLATE_CATEGORIES.map(
            (category) => html`<option value="${category}">${t(`console.category.${category}`)}</option>`,
          )}</select></label>
          <label>${t('console.templates.description')} <input name="description" /></label>
          <label>${t('console.templates.variables')} <textarea name="variables" rows="4" placeholder="student_name | text | Anna | ${t('console.templates.variablesExample')}"></textarea></label>
          <p class="hint">${t('console.templates.variablesHint')}</p>
          <button type="submit">${t('console.templates.createSubmit')}</button>
        </form></details>`
      : '';
    return view.page(
      c,
      { title: t('console.nav.templates'), section: 'templates' },
      html`<form method="get" action="/ui/templates" class="search" role="search">
        <input type="search" name="q" value="${query.q ?? ''}" aria-label="${t('console.templates.search')}" placeholder="${t('console.templates.search')}" />
        <button type="submit">${t('console.templates.searchSubmit')}</button>
      </form>
      ${createForm}
      ${
        page.items.length
          ? html`<table class="list"><thead><tr><th>${t('console.templates.key')}</th><th>${t('console.templates.category')}</th><th>${t('console.templates.description')}</th></tr></thead>
        <tbody>${page.items.map(
          (row) =>
            html`<tr><td><a href="/ui/templates/${row.key}">${row.key}</a></td><td>${t(`console.category.${row.category}`)}</td><td>${row.description}</td></tr>`,
        )}</tbody></table>`
          : html`<p class="muted">${t('console.templates.none')}</p>`
      }
      ${
        page.nextCursor
          ? html`<p><a href="/ui/templates?${new URLSearchParams({ ...(query.q ? { q: query.q } : {}), cursor: page.nextCursor }).toString()}">${t('console.next')}</a></p>`
          : ''
      }`,
    );
  });

  pages.post('/ui/templates', requireRole('editors'), async (c) => {
    const form = await formFields(c);
    const input = parseInput(NewTemplateSchema, {
      key: form.key ?? '',
      category: form.category ?? '',
      description: form.description ?? '',
      variables: parseVariables(form.variables ?? ''),
    });
    const row = await createTemplate(serviceContext(deps, uiActor(c)), input, c.var.principal.keyId);
    return c.redirect(`/ui/templates/${row.key}`, 303);
  });

  pages.get('/ui/templates/:key', requireRole('readers'), async (c) => {
    const t = c.var.t;
    const ctx = serviceContext(deps);
    const row = await getTemplate(ctx, c.req.param('key'));
    const cells = await variantMatrix(ctx, row.key, c.var.principal);
    return view.page(
      c,
      { title: row.key, section: 'templates' },
      html`<p>${row.description}</p>
      <dl class="facts">
        <dt>${t('console.templates.category')}</dt><dd>${t(`console.category.${row.category}`)}</dd>
        ${row.archived ? html`<dt>${t('console.template.archived')}</dt><dd>✓</dd>` : ''}
      </dl>
      <h2>${t('console.templates.variables')}</h2>
      ${
        row.variables.length
          ? html`<table class="list"><thead><tr><th>${t('console.variable.name')}</th><th>${t('console.variable.type')}</th><th>${t('console.variable.example')}</th><th>${t('console.templates.description')}</th></tr></thead>
        <tbody>${row.variables.map(
          (v) =>
            html`<tr><td><code>${v.name}</code></td><td>${v.type}</td><td>${v.example}</td><td>${v.description ?? ''}</td></tr>`,
        )}</tbody></table>`
          : html`<p class="muted">${t('console.template.noVariables')}</p>`
      }
      <h2>${t('console.template.matrix')}</h2>
      ${matrix(c, row.key, cells)}`,
    );
  });

  return pages;
}
