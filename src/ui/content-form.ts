import { html } from 'hono/html';
import type { Button } from '../domain/content.ts';
import type { TFunction } from '../i18n.ts';
import type { Html } from './layout.ts';

export interface ContentFields {
  header: string;
  body: string;
  footer: string;
  buttons: string;
}

/**
 * Buttons one a line: `type | text | target`, the target being a quick reply's nothing, a URL
 * button's url (then its example), a phone button's number, a copy-code button's example.
 */
export function buttonsText(buttons: Button[] | null | undefined): string {
  return (buttons ?? [])
    .map((button) => {
      const target =
        button.type === 'url'
          ? [button.url ?? '', ...(button.example ? [button.example] : [])]
          : button.type === 'phone_number'
            ? [button.phoneNumber ?? '']
            : button.type === 'copy_code' && button.example
              ? [button.example]
              : [];
      return [button.type, button.text, ...target].join(' | ');
    })
    .join('\n');
}

function parseButtons(text: string): Array<Record<string, string>> {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [type = '', label = '', target, example] = line.split('|').map((part) => part.trim());
      const button: Record<string, string> = { type, text: label };
      if (type === 'url' && target) button.url = target;
      if (type === 'url' && example) button.example = example;
      if (type === 'phone_number' && target) button.phoneNumber = target;
      if (type === 'copy_code' && target) button.example = target;
      return button;
    });
}

/** The form's fields as the API's content input (its zod schema checks them next). */
export function contentInput(fields: Partial<ContentFields>) {
  const buttons = parseButtons(fields.buttons ?? '');
  return {
    header: fields.header?.trim() ? fields.header : null,
    body: fields.body ?? '',
    footer: fields.footer?.trim() ? fields.footer : null,
    buttons: buttons.length ? buttons : null,
  };
}

export function contentFieldsOf(row: {
  header: string | null;
  body: string;
  footer: string | null;
  buttons: Button[] | null;
}): ContentFields {
  return {
    header: row.header ?? '',
    body: row.body,
    footer: row.footer ?? '',
    buttons: buttonsText(row.buttons),
  };
}

/** The inputs of a version's content, for the editor and the first-draft form. */
export function contentInputs(t: TFunction, fields: ContentFields): Html {
  return html`<label>${t('console.content.header')} <input name="header" value="${fields.header}" maxlength="120" /></label>
    <label>${t('console.content.body')} <textarea name="body" rows="8" required>${fields.body}</textarea></label>
    <label>${t('console.content.footer')} <input name="footer" value="${fields.footer}" maxlength="120" /></label>
    <label>${t('console.content.buttons')} <textarea name="buttons" rows="3" placeholder="quick_reply | ${t('console.content.buttonExample')}">${fields.buttons}</textarea></label>
    <p class="hint">${t('console.content.buttonsHint')}</p>`;
}
