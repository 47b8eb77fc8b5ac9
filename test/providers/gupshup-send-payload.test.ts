import { describe, expect, it } from 'vitest';
import type { VersionContent } from '../../src/domain/content.ts';
import { compileContent } from '../../src/domain/render.ts';
import type { ServedVersion } from '../../src/domain/served-version.ts';
import { buildGupshupSendPayload } from '../../src/providers/gupshup/send-payload.ts';

function served(content: VersionContent, providerTemplateId: string | null = 'gs-uuid-1'): ServedVersion {
  return {
    versionId: '00000000-0000-0000-0000-000000000002',
    templateKey: 'order_shipped',
    market: 'PL',
    language: 'pl',
    version: 2,
    provider: 'gupshup',
    providerAccount: 'app-pl-1',
    providerTemplateId,
    providerTemplateName: 'order_shipped_pl_v2',
    providerLanguageCode: 'pl',
    parameterFormat: 'positional',
    category: 'utility',
    content,
    compiled: compileContent(content),
    requiredVariables: [],
  };
}

const paramsOf = (payload: { template: string }) =>
  (JSON.parse(payload.template) as { params: string[] }).params;

describe('Gupshup send payload', () => {
  it('lists the body values in placeholder order, once per variable, whatever order the values come in', () => {
    const payload = buildGupshupSendPayload(
      served({
        body: 'Dzień dobry {{first_name}}, paczka {{tracking}} jest w drodze. Do zobaczenia, {{first_name}}!',
      }),
      { tracking: 'PL123', first_name: 'Anna' },
      '48601234567',
    );
    expect(payload).toEqual({
      channel: 'whatsapp',
      destination: '48601234567',
      'src.name': 'app-pl-1',
      template: JSON.stringify({ id: 'gs-uuid-1', params: ['Anna', 'PL123'] }),
    });
  });

  it('puts the header value first and URL-button suffixes last; quick replies take none', () => {
    const payload = buildGupshupSendPayload(
      served({
        header: 'Zamówienie {{order_id}}',
        body: 'Dzień dobry {{first_name}}, zamówienie zostało wysłane dzisiaj.',
        buttons: [
          { type: 'quick_reply', text: 'Kontakt' },
          { type: 'url', text: 'Śledź', url: 'https://track.example.com/{{tracking}}' },
        ],
      }),
      { first_name: 'Anna', order_id: 'A-1042', tracking: 'PL123' },
      undefined,
    );
    expect(paramsOf(payload)).toEqual(['A-1042', 'Anna', 'PL123']);
    expect(payload).not.toHaveProperty('destination');
  });

  it('names the template by its Gupshup id', () => {
    const payload = buildGupshupSendPayload(
      served({ body: 'Paczka jest w drodze, do zobaczenia.' }),
      {},
      undefined,
    );
    expect(JSON.parse(payload.template)).toEqual({ id: 'gs-uuid-1', params: [] });
  });
});
