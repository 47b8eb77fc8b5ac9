import type { ServedVersion } from '../../domain/served-version.ts';

interface TextParameter {
  type: 'text';
  text: string;
  parameter_name?: string;
}

type Component =
  | { type: 'header' | 'body'; parameters: TextParameter[] }
  | { type: 'button'; sub_type: 'url'; index: string; parameters: TextParameter[] };

function parameters(names: string[], values: Record<string, string>, named: boolean): TextParameter[] {
  return names.map((name) =>
    named
      ? { type: 'text', parameter_name: name, text: values[name] ?? '' }
      : { type: 'text', text: values[name] ?? '' },
  );
}

/**
 * The Cloud API `POST /{phone-number-id}/messages` body for a template message: the exact language
 * code the template was created with, and parameters in placeholder order (named or positional).
 */
export function buildMetaSendPayload(
  served: ServedVersion,
  values: Record<string, string>,
  to: string | undefined,
) {
  const named = served.parameterFormat === 'named';
  const { variables } = served.compiled;
  const components: Component[] = [];
  if (variables.header.length)
    components.push({ type: 'header', parameters: parameters(variables.header, values, named) });
  if (variables.body.length)
    components.push({ type: 'body', parameters: parameters(variables.body, values, named) });
  (served.content.buttons ?? []).forEach((button, index) => {
    const names = variables.buttons[index] ?? [];
    if (button.type === 'url' && names.length) {
      components.push({
        type: 'button',
        sub_type: 'url',
        index: String(index),
        parameters: parameters(names, values, false),
      });
    }
  });
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...(to ? { to } : {}),
    type: 'template',
    template: {
      name: served.providerTemplateName,
      language: { code: served.providerLanguageCode },
      ...(components.length ? { components } : {}),
    },
  };
}
