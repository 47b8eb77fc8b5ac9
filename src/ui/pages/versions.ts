import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { type AppDeps, serviceContext } from '../../context.ts';
import type { TemplateVariable, VersionContent } from '../../domain/content.ts';
import { canAppeal, canSubmit, isEditable } from '../../domain/lifecycle.ts';
import type { LintFinding } from '../../domain/lint.ts';
import { AppError } from '../../errors.ts';
import { safeText } from '../../http/safe-input.ts';
import type { VariantRef } from '../../modules/serving/serving-index.ts';
import {
  lintUnsaved,
  lintVersion,
  variantLintFacts,
  withFreshLint,
} from '../../modules/versions/version-lint.service.ts';
import { VersionPatchSchema } from '../../modules/versions/versions.schemas.ts';
import {
  appealVersion,
  getVersion,
  submitVersion,
  updateDraft,
  versionEtag,
} from '../../modules/versions/versions.service.ts';
import { chip } from '../chips.ts';
import { type ContentFields, contentFieldsOf, contentInput, contentInputs } from '../content-form.ts';
import { formFields, parseInput } from '../forms.ts';
import { csrfField, type Html } from '../layout.ts';
import { messagePreview, renderWithExamples } from '../preview.ts';
import { uiActor, variantOf } from '../scope.ts';
import { may, requireRole } from '../session.ts';
import type { UiEnv } from '../ui-env.ts';
import { variantPath, versionPath } from '../urls.ts';
import { problemText, type View } from '../view.ts';

const VERSION = '/ui/templates/:key/variants/:market/:language/versions/:n';
const appealForm = z.object({ reasonText: safeText('text').max(2000).optional() });

function versionNumber(c: Context<UiEnv>): number {
  const n = Number(c.req.param('n'));
  if (!Number.isInteger(n) || n < 1 || n > 2_147_483_647)
    throw new AppError('not-found', { params: { resource: c.req.path } });
  return n;
}

/** Lint findings beside the text, in the reader's language; errors first, as the API lists them. */
function findingsList(c: Context<UiEnv>, findings: LintFinding[]): Html {
  const t = c.var.t;
  if (!findings.length) return html`<p class="lint-clean">${t('console.lint.clean')}</p>`;
  return html`<ul class="findings">${findings.map(
    (finding) => html`<li class="finding finding-${finding.severity}" data-rule="${finding.rule}">
      <span class="severity">${t(`console.lint.${finding.severity}`)}</span>
      <span class="component">${t(`console.content.${finding.component}`)}</span>
      ${t(finding.messageKey, { ...finding.params, defaultValue: finding.message })}
    </li>`,
  )}</ul>`;
}

/** The live panel: findings and the WhatsApp-style preview, for saved or unsaved content. */
function checksPanel(
  c: Context<UiEnv>,
  findings: LintFinding[],
  content: VersionContent,
  variables: TemplateVariable[],
): Html {
  const t = c.var.t;
  return html`<h2>${t('console.lint.title')}</h2>
    ${findingsList(c, findings)}
    <h2>${t('console.preview.title')}</h2>
    ${messagePreview(t, renderWithExamples(content, variables))}`;
}

export function versionPages(deps: AppDeps, view: View) {
  const pages = new Hono<UiEnv>();

  async function versionPage(
    c: Context<UiEnv>,
    ref: VariantRef,
    n: number,
    edited?: { fields: ContentFields; etag: string; problem: AppError },
  ) {
    const t = c.var.t;
    const ctx = serviceContext(deps);
    const row = await getVersion(ctx, ref, n);
    const facts = await variantLintFacts(ctx, row, c.var.principal.languages);
    const [linted = row] = await withFreshLint(ctx, [row], facts.template);
    const editable = isEditable(row.status) && may(c.var.principal, 'authors');
    const fields = edited?.fields ?? contentFieldsOf(row);
    const content = edited ? (contentInput(fields) as VersionContent) : row;
    const findings = edited ? lintUnsaved(row, content, facts) : lintVersion(linted, facts);
    const here = versionPath(ref.templateKey, ref.market, ref.language, n);

    const editor = editable
      ? html`<form method="post" action="${here}" class="stack editor"
          hx-post="${here}/check" hx-trigger="input changed delay:400ms" hx-target="#checks" hx-swap="innerHTML">
          ${csrfField(c)}
          <input type="hidden" name="etag" value="${edited?.etag ?? versionEtag(row)}" />
          ${contentInputs(t, fields)}
          <button type="submit">${t('console.editor.save')}</button>
        </form>`
      : html`<div class="content">
          ${row.header ? html`<p class="content-header">${row.header}</p>` : ''}
          <pre class="content-body">${row.body}</pre>
          ${row.footer ? html`<p class="content-footer">${row.footer}</p>` : ''}
        </div>`;
    const submit =
      canSubmit(row.status) && may(c.var.principal, 'editors')
        ? html`<form method="post" action="${here}/submit" class="inline">${csrfField(c)}
          <button type="submit">${t('console.editor.submit')}</button></form>`
        : canAppeal(row.status) && may(c.var.principal, 'editors')
          ? html`<form method="post" action="${here}/appeal" class="stack panel">${csrfField(c)}
          <label>${t('console.editor.appealReason')} <textarea name="reasonText" rows="3" maxlength="2000"></textarea></label>
          <button type="submit">${t('console.editor.appeal')}</button></form>`
          : '';

    return view.page(
      c,
      { title: `${ref.templateKey} · ${ref.market} · ${ref.language} · v${n}`, section: 'templates' },
      html`<p><a href="${variantPath(ref.templateKey, ref.market, ref.language)}">← ${t('console.editor.back')}</a>
        ${chip(t, row.status)}</p>
      ${edited ? problemText(c, edited.problem) : ''}
      ${
        edited?.problem.type === 'precondition-failed'
          ? html`<p class="problem" role="alert">${t('console.editor.stale')} <a href="${here}">${t('console.editor.reload')}</a></p>`
          : ''
      }
      <div class="split">
        <div>${editor}${submit}</div>
        <aside id="checks" aria-live="polite">${checksPanel(c, findings, content, facts.template.variables)}</aside>
      </div>`,
      edited ? (edited.problem.status as 409 | 412 | 422) : 200,
    );
  }

  pages.get(VERSION, requireRole('readers'), (c) => versionPage(c, variantOf(c), versionNumber(c)));

  pages.post(VERSION, requireRole('authors'), async (c) => {
    const ref = variantOf(c);
    const n = versionNumber(c);
    const form = await formFields(c);
    const fields: ContentFields = {
      header: form.header ?? '',
      body: form.body ?? '',
      footer: form.footer ?? '',
      buttons: form.buttons ?? '',
    };
    const etag = form.etag ?? '';
    try {
      const patch = parseInput(VersionPatchSchema, contentInput(fields));
      await updateDraft(serviceContext(deps, uiActor(c)), ref, n, patch, [etag]);
    } catch (error) {
      // The writer keeps their text: a stale or refused save shows it again with the reason.
      if (error instanceof AppError && error.status < 500)
        return versionPage(c, ref, n, { fields, etag, problem: error });
      throw error;
    }
    return c.redirect(versionPath(ref.templateKey, ref.market, ref.language, n), 303);
  });

  pages.post(`${VERSION}/check`, requireRole('authors'), async (c) => {
    const ref = variantOf(c);
    const n = versionNumber(c);
    const form = await formFields(c);
    const ctx = serviceContext(deps);
    const row = await getVersion(ctx, ref, n);
    const facts = await variantLintFacts(ctx, row, c.var.principal.languages);
    const input = contentInput({
      header: form.header ?? '',
      body: form.body ?? '',
      footer: form.footer ?? '',
      buttons: form.buttons ?? '',
    });
    let content: VersionContent;
    try {
      const patch = parseInput(VersionPatchSchema, input);
      content = { ...patch, body: patch.body ?? '' };
    } catch (error) {
      if (error instanceof AppError) return c.html(await problemText(c, error));
      throw error;
    }
    return c.html(await checksPanel(c, lintUnsaved(row, content, facts), content, facts.template.variables));
  });

  pages.post(`${VERSION}/appeal`, requireRole('editors'), async (c) => {
    const ref = variantOf(c);
    const n = versionNumber(c);
    const { reasonText } = parseInput(appealForm, await formFields(c));
    await appealVersion(
      serviceContext(deps, uiActor(c)),
      ref,
      n,
      c.var.principal.keyId,
      reasonText || undefined,
    );
    return c.redirect(`${variantPath(ref.templateKey, ref.market, ref.language)}#v${n}`, 303);
  });

  pages.post(`${VERSION}/submit`, requireRole('editors'), async (c) => {
    const ref = variantOf(c);
    const n = versionNumber(c);
    await submitVersion(serviceContext(deps, uiActor(c)), ref, n, c.var.principal.keyId);
    return c.redirect(`${variantPath(ref.templateKey, ref.market, ref.language)}#v${n}`, 303);
  });

  return pages;
}
