import type { Button, TemplateCategory, TemplateVariable } from '../../domain/content.ts';
import { toPositionalText } from '../../domain/positional.ts';
import { parseTemplateText } from '../../domain/template-syntax.ts';
import type { SubmitRequest } from '../provider.ts';

interface NamedParam {
  param_name: string;
  example: string;
}

export type MetaHeaderComponent = {
  type: 'HEADER';
  format: 'TEXT';
  text: string;
  example?: { header_text_named_params: NamedParam[] } | { header_text: string[] };
};

export type MetaBodyComponent = {
  type: 'BODY';
  text: string;
  example?: { body_text_named_params: NamedParam[] } | { body_text: string[][] };
};

export type MetaButton =
  | { type: 'QUICK_REPLY'; text: string }
  | { type: 'URL'; text: string; url: string; example?: string[] }
  | { type: 'PHONE_NUMBER'; text: string; phone_number: string }
  | { type: 'COPY_CODE'; example: string };

export type MetaComponent =
  | MetaHeaderComponent
  | MetaBodyComponent
  | { type: 'FOOTER'; text: string }
  | { type: 'BUTTONS'; buttons: MetaButton[] };

export interface MetaCreateRequest {
  name: string;
  language: string;
  category: 'UTILITY' | 'MARKETING' | 'AUTHENTICATION';
  parameter_format: 'NAMED' | 'POSITIONAL';
  components: MetaComponent[];
}

const CATEGORIES = {
  utility: 'UTILITY',
  marketing: 'MARKETING',
  authentication: 'AUTHENTICATION',
} as const satisfies Record<TemplateCategory, MetaCreateRequest['category']>;

type Examples = (name: string) => string;

function examplesOf(variables: TemplateVariable[]): Examples {
  const byName = new Map(variables.map((variable) => [variable.name, variable.example]));
  // A missing example is sent empty so Meta names the problem; lint refuses it before submission anyway.
  return (name) => byName.get(name) ?? '';
}

function present(text: string | null | undefined): text is string {
  return text !== undefined && text !== null && text !== '';
}

/** The text as Meta gets it and the variables behind its placeholders, in placeholder order. */
function placeholders(text: string, named: boolean): { text: string; names: string[] } {
  return named ? { text, names: parseTemplateText(text).variables } : toPositionalText(text);
}

const namedParams = (names: string[], example: Examples): NamedParam[] =>
  names.map((name) => ({ param_name: name, example: example(name) }));

function header(source: string, named: boolean, example: Examples): MetaHeaderComponent {
  const { text, names } = placeholders(source, named);
  const component: MetaHeaderComponent = { type: 'HEADER', format: 'TEXT', text };
  if (names.length)
    component.example = named
      ? { header_text_named_params: namedParams(names, example) }
      : { header_text: names.map(example) };
  return component;
}

function body(source: string, named: boolean, example: Examples): MetaBodyComponent {
  const { text, names } = placeholders(source, named);
  const component: MetaBodyComponent = { type: 'BODY', text };
  // Positional: nested, one inner array per sample message; Meta refuses a flat array.
  if (names.length)
    component.example = named
      ? { body_text_named_params: namedParams(names, example) }
      : { body_text: [names.map(example)] };
  return component;
}

/**
 * A URL's variable is always written `{{1}}`, in named templates too: that is the form Meta
 * documents for URL buttons, and the send payload fills it positionally (no `parameter_name`).
 * The example is the whole URL with the variable's example in place.
 */
function urlButton(button: Button, example: Examples): MetaButton {
  const url = button.url ?? '';
  const positional = toPositionalText(url);
  if (!positional.names.length) return { type: 'URL', text: button.text, url };
  const sample = positional.names.reduce(
    (text, name, index) => text.replaceAll(`{{${index + 1}}}`, example(name)),
    positional.text,
  );
  return { type: 'URL', text: button.text, url: positional.text, example: [encodeURI(sample)] };
}

function metaButton(button: Button, example: Examples): MetaButton {
  switch (button.type) {
    case 'quick_reply':
      return { type: 'QUICK_REPLY', text: button.text };
    case 'url':
      return urlButton(button, example);
    case 'phone_number':
      return { type: 'PHONE_NUMBER', text: button.text, phone_number: button.phoneNumber ?? '' };
    case 'copy_code':
      return { type: 'COPY_CODE', example: button.example ?? '' };
  }
}

/** The body of `POST /{waba-id}/message_templates` for one version. */
export function buildMetaCreateRequest(request: SubmitRequest): MetaCreateRequest {
  const named = request.parameterFormat === 'named';
  const example = examplesOf(request.variables);
  const { content } = request;
  const components: MetaComponent[] = [];
  if (present(content.header)) components.push(header(content.header, named, example));
  components.push(body(content.body, named, example));
  if (present(content.footer)) components.push({ type: 'FOOTER', text: content.footer });
  const buttons = content.buttons ?? [];
  if (buttons.length)
    components.push({ type: 'BUTTONS', buttons: buttons.map((b) => metaButton(b, example)) });
  return {
    name: request.name,
    language: request.languageCode,
    category: CATEGORIES[request.category],
    parameter_format: named ? 'NAMED' : 'POSITIONAL',
    components,
  };
}
