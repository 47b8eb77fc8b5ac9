import type { ServedVersion } from '../../domain/served-version.ts';

interface TextParameter {
  type: 'text';
  text: string;
  parameter_name?: string;
}

type ButtonParameter =
  | TextParameter
  | { type: 'payload'; payload: string }
  | { type: 'coupon_code'; coupon_code: string };

type Component =
  | { type: 'header' | 'body'; parameters: TextParameter[] }
  | {
      type: 'button';
      sub_type: 'url' | 'quick_reply' | 'COPY_CODE';
      index: string;
      parameters: ButtonParameter[];
    };

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
    const label = () => served.compiled.buttons[index]?.text?.(values) ?? button.text;
    const component = (sub_type: 'url' | 'quick_reply' | 'COPY_CODE', ...params: ButtonParameter[]) =>
      components.push({ type: 'button', sub_type, index: String(index), parameters: params });
    switch (button.type) {
      // The URL's variable is `{{1}}` at Meta in both formats (see create-request.ts): no parameter_name.
      case 'url':
        if (names.length) component('url', ...parameters(names, values, false));
        break;
      // The payload comes back on the tap webhook; the label (rendered) says which reply it was.
      case 'quick_reply':
        component('quick_reply', { type: 'payload', payload: label() });
        break;
      // Meta needs the code on every send: the value of a variable in the button's text for a code
      // per recipient, otherwise the fixed code the template was reviewed with (its example).
      case 'copy_code':
        component('COPY_CODE', {
          type: 'coupon_code',
          coupon_code: names.length ? label() : (button.example ?? ''),
        });
        break;
      case 'phone_number':
        break;
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
