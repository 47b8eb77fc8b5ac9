import type { ServedVersion } from '../../domain/served-version.ts';

/**
 * Gupshup's template message (`POST /template/msg`, form-encoded): the Gupshup template id and, as
 * the JSON string its `template` field expects, every parameter of the message in order: Gupshup asks
 * for "all parameters in the main message bubble in order", so the header's value, then the body's in
 * placeholder order, then each URL button's suffix.
 */
export function buildGupshupSendPayload(
  served: ServedVersion,
  values: Record<string, string>,
  to: string | undefined,
  sender: { appName?: string; sourceNumber?: string } = {},
) {
  const { variables } = served.compiled;
  const urlButtons = (served.content.buttons ?? []).flatMap((button, index) =>
    button.type === 'url' ? (variables.buttons[index] ?? []) : [],
  );
  const params = [...variables.header, ...variables.body, ...urlButtons].map((name) => values[name] ?? '');
  return {
    channel: 'whatsapp',
    ...(sender.sourceNumber ? { source: sender.sourceNumber } : {}),
    ...(to ? { destination: to } : {}),
    'src.name': sender.appName ?? served.providerAccount,
    template: JSON.stringify({ id: served.providerTemplateId ?? served.providerTemplateName, params }),
  };
}
