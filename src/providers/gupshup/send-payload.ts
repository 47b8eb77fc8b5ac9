import type { ServedVersion } from '../../modules/serving/serving-index.ts';

/**
 * Gupshup's template message (`POST /template/msg`, form-encoded): the Gupshup template id and
 * the body's values in placeholder order, as the JSON string its `template` field expects.
 */
export function buildGupshupSendPayload(
  served: ServedVersion,
  values: Record<string, string>,
  to: string | undefined,
) {
  const params = served.compiled.variables.body.map((name) => values[name] ?? '');
  return {
    channel: 'whatsapp',
    ...(to ? { destination: to } : {}),
    'src.name': served.providerAccount,
    template: JSON.stringify({ id: served.providerTemplateId ?? served.providerTemplateName, params }),
  };
}
