import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { VersionContent } from '../../src/domain/content.ts';
import { compileContent } from '../../src/domain/render.ts';
import type { ServedVersion } from '../../src/domain/served-version.ts';
import { buildGupshupSendPayload } from '../../src/providers/gupshup/send-payload.ts';
import { buildMetaSendPayload } from '../../src/providers/meta/send-payload.ts';

const golden = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/payloads/${name}.json`, import.meta.url), 'utf8'));

// The Turkish "order shipped" template of providers.md 1.9: a header variable, two body variables, a URL button.
const content: VersionContent = {
  header: 'Sipariş {{order_id}}',
  body: 'Merhaba {{first_name}}, siparişiniz kargoya verildi. Takip numaranız {{tracking}} olarak kaydedildi.',
  footer: 'Örnek Mağaza',
  buttons: [
    { type: 'quick_reply', text: 'Bize ulaşın' },
    { type: 'url', text: 'Kargom nerede', url: 'https://track.example.com/{{tracking}}' },
    { type: 'phone_number', text: 'Arayın', phoneNumber: '+902121234567' },
    { type: 'copy_code', text: 'Kodu kopyala', example: 'KARGO10' },
  ],
};

function served(overrides: Partial<ServedVersion>, versionContent = content): ServedVersion {
  const compiled = compileContent(versionContent);
  return {
    versionId: '00000000-0000-0000-0000-000000000001',
    templateKey: 'order_shipped',
    market: 'TR',
    language: 'tr',
    version: 3,
    provider: 'meta',
    providerAccount: 'shop-tr',
    providerTemplateId: '0b6f2a4e-9d1c-4c55-8d7e-1f2a3b4c5d6e',
    providerTemplateName: 'order_shipped_tr_v3',
    providerLanguageCode: 'tr',
    parameterFormat: 'named',
    category: 'utility',
    content: versionContent,
    compiled,
    requiredVariables: ['order_id', 'first_name', 'tracking'],
    ...overrides,
  };
}

const values = { order_id: 'A-1042', first_name: 'Ayşe', tracking: 'TR998877' };

describe('send payloads', () => {
  it('builds the Meta Cloud API body with named parameters', () => {
    expect(buildMetaSendPayload(served({}), values, '905551112233')).toEqual(golden('meta-named'));
  });

  it('builds the Meta Cloud API body with positional parameters, in placeholder order', () => {
    expect(buildMetaSendPayload(served({ parameterFormat: 'positional' }), values, '905551112233')).toEqual(
      golden('meta-positional'),
    );
  });

  it('uses exactly the language code the template was created with', () => {
    const payload = buildMetaSendPayload(
      served({ language: 'en-US', providerLanguageCode: 'en_US' }),
      values,
      undefined,
    );
    expect(payload.template.language).toEqual({ code: 'en_US' });
    expect(payload).not.toHaveProperty('to');
  });

  it('gives a quick reply its rendered label as payload, and a copy-code button its fixed code or a variable’s value', () => {
    const perRecipient: VersionContent = {
      body: content.body,
      buttons: [
        { type: 'quick_reply', text: 'Evet' },
        { type: 'quick_reply', text: 'Hayır' },
        { type: 'copy_code', text: '{{coupon}}', example: 'KARGO10' },
      ],
    };
    const payload = buildMetaSendPayload(
      served({ requiredVariables: ['first_name', 'tracking', 'coupon'] }, perRecipient),
      { ...values, coupon: 'AYSE-7731' },
      undefined,
    );
    expect(payload.template.components?.filter((c) => c.type === 'button')).toEqual([
      {
        type: 'button',
        sub_type: 'quick_reply',
        index: '0',
        parameters: [{ type: 'payload', payload: 'Evet' }],
      },
      {
        type: 'button',
        sub_type: 'quick_reply',
        index: '1',
        parameters: [{ type: 'payload', payload: 'Hayır' }],
      },
      {
        type: 'button',
        sub_type: 'COPY_CODE',
        index: '2',
        parameters: [{ type: 'coupon_code', coupon_code: 'AYSE-7731' }],
      },
    ]);
  });

  it('builds Gupshup’s template message with its template id and the body values in order', () => {
    expect(buildGupshupSendPayload(served({ provider: 'gupshup' }), values, '905551112233')).toEqual(
      golden('gupshup'),
    );
  });
});
