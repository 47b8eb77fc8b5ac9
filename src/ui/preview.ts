import { html } from 'hono/html';
import type { TemplateVariable, VersionContent } from '../domain/content.ts';
import { usedVariables } from '../domain/lint.ts';
import { compileContent, type RenderedContent, renderContent } from '../domain/render.ts';
import type { TFunction } from '../i18n.ts';
import type { Html } from './layout.ts';
import { whatsappText } from './whatsapp-text.ts';

/**
 * The content filled in with the variables' example values; a variable the template lacks stays
 * `{{name}}` (lint flags it). Undefined when the text does not compile (lint says why).
 */
export function renderWithExamples(
  content: VersionContent,
  variables: TemplateVariable[],
): RenderedContent | undefined {
  try {
    const values = Object.fromEntries([
      ...usedVariables(content).map((name) => [name, `{{${name}}}`]),
      ...variables.map((variable) => [variable.name, variable.example]),
    ]);
    return renderContent(content, compileContent(content), values);
  } catch {
    return undefined;
  }
}

/** A WhatsApp-like message bubble: header, body with its formatting, footer, buttons. */
export function messagePreview(t: TFunction, rendered: RenderedContent | undefined): Html {
  if (!rendered) return html`<p class="muted">${t('console.preview.unavailable')}</p>`;
  return html`<div class="bubble" aria-label="${t('console.preview.title')}">
    ${rendered.header ? html`<p class="bubble-header">${whatsappText(rendered.header)}</p>` : ''}
    <p class="bubble-body">${whatsappText(rendered.body)}</p>
    ${rendered.footer ? html`<p class="bubble-footer">${rendered.footer}</p>` : ''}
    ${
      rendered.buttons?.length
        ? html`<ul class="bubble-buttons">
      ${rendered.buttons.map(
        (button) =>
          html`<li class="bubble-button button-${button.type}" title="${button.url ?? button.phoneNumber ?? ''}">${button.text}</li>`,
      )}
    </ul>`
        : ''
    }
  </div>`;
}
