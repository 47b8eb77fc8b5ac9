import { describe, expect, it } from 'vitest';
import type { TemplateVariable, VersionContent } from '../../src/domain/content.ts';
import { buildMetaCreateRequest } from '../../src/providers/meta/create-request.ts';
import type { SubmitRequest } from '../../src/providers/provider.ts';

// The Russian "order shipped" template of providers.md 1.2.
const variables: TemplateVariable[] = [
  { name: 'order_id', type: 'text', example: 'A-1042' },
  { name: 'first_name', type: 'text', example: 'Анна' },
  { name: 'tracking', type: 'url_suffix', example: 'RU123456789' },
];

const content: VersionContent = {
  header: 'Заказ {{order_id}}',
  body: 'Здравствуйте, {{first_name}}! Ваш заказ передан в доставку, трек-номер {{tracking}}.',
  buttons: [{ type: 'quick_reply', text: 'Связаться с нами' }],
};

function request(overrides: Partial<SubmitRequest> = {}): SubmitRequest {
  return {
    account: '1029384756',
    name: 'order_shipped_v3',
    languageCode: 'ru',
    category: 'utility',
    content,
    variables,
    parameterFormat: 'named',
    ...overrides,
  };
}

describe('Meta create request', () => {
  it('builds the named form exactly as Meta documents it, examples by parameter name', () => {
    expect(buildMetaCreateRequest(request())).toEqual({
      name: 'order_shipped_v3',
      language: 'ru',
      category: 'UTILITY',
      parameter_format: 'NAMED',
      components: [
        {
          type: 'HEADER',
          format: 'TEXT',
          text: 'Заказ {{order_id}}',
          example: { header_text_named_params: [{ param_name: 'order_id', example: 'A-1042' }] },
        },
        {
          type: 'BODY',
          text: 'Здравствуйте, {{first_name}}! Ваш заказ передан в доставку, трек-номер {{tracking}}.',
          example: {
            body_text_named_params: [
              { param_name: 'first_name', example: 'Анна' },
              { param_name: 'tracking', example: 'RU123456789' },
            ],
          },
        },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Связаться с нами' }] },
      ],
    });
  });

  it('builds the positional form: numbered placeholders, a flat header example and a nested body example', () => {
    const body = buildMetaCreateRequest(request({ parameterFormat: 'positional' }));
    expect(body.parameter_format).toBe('POSITIONAL');
    expect(body.components.slice(0, 2)).toEqual([
      { type: 'HEADER', format: 'TEXT', text: 'Заказ {{1}}', example: { header_text: ['A-1042'] } },
      {
        type: 'BODY',
        text: 'Здравствуйте, {{1}}! Ваш заказ передан в доставку, трек-номер {{2}}.',
        example: { body_text: [['Анна', 'RU123456789']] },
      },
    ]);
  });

  it('numbers a repeated variable once and gives its example once', () => {
    const body = buildMetaCreateRequest(
      request({
        parameterFormat: 'positional',
        content: {
          body: 'Merhaba {{first_name}}, {{tracking}} numaralı kargo {{first_name}} adına yola çıktı.',
        },
      }),
    );
    expect(body.components).toEqual([
      {
        type: 'BODY',
        text: 'Merhaba {{1}}, {{2}} numaralı kargo {{1}} adına yola çıktı.',
        example: { body_text: [['Анна', 'RU123456789']] },
      },
    ]);
  });

  it('sends a body without variables with no example, and a footer as plain text', () => {
    const body = buildMetaCreateRequest(
      request({ content: { header: '', body: 'Ваш заказ передан в доставку.', footer: 'Магазин Пример' } }),
    );
    expect(body.components).toEqual([
      { type: 'BODY', text: 'Ваш заказ передан в доставку.' },
      { type: 'FOOTER', text: 'Магазин Пример' },
    ]);
  });

  it.each(['named', 'positional'] as const)(
    'writes every button kind for a %s template, the URL variable as {{1}} with a full-URL example',
    (format) => {
      const body = buildMetaCreateRequest(
        request({
          parameterFormat: format,
          category: 'marketing',
          content: {
            body: 'Здравствуйте, {{first_name}}! Ваш заказ готов, подробности по ссылке ниже.',
            buttons: [
              { type: 'quick_reply', text: 'Спасибо' },
              { type: 'url', text: 'Где мой заказ', url: 'https://track.example.com/ru/{{tracking}}' },
              { type: 'url', text: 'Магазин', url: 'https://shop.example.com/' },
              { type: 'phone_number', text: 'Позвонить', phoneNumber: '+74951234567' },
              { type: 'copy_code', text: 'Скопировать', example: 'SPRING25' },
            ],
          },
        }),
      );
      expect(body.category).toBe('MARKETING');
      expect(body.components.at(-1)).toEqual({
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Спасибо' },
          {
            type: 'URL',
            text: 'Где мой заказ',
            url: 'https://track.example.com/ru/{{1}}',
            example: ['https://track.example.com/ru/RU123456789'],
          },
          { type: 'URL', text: 'Магазин', url: 'https://shop.example.com/' },
          { type: 'PHONE_NUMBER', text: 'Позвонить', phone_number: '+74951234567' },
          { type: 'COPY_CODE', example: 'SPRING25' },
        ],
      });
    },
  );

  it('percent-encodes the URL example as a browser would send it', () => {
    const body = buildMetaCreateRequest(
      request({
        variables: [...variables.slice(0, 2), { name: 'tracking', type: 'url_suffix', example: 'A 1042/ü' }],
        content: {
          body: 'Здравствуйте, {{first_name}}! Ваш заказ готов.',
          buttons: [{ type: 'url', text: 'Заказ', url: 'https://track.example.com/{{tracking}}' }],
        },
      }),
    );
    expect(body.components.at(-1)).toMatchObject({
      buttons: [{ example: ['https://track.example.com/A%201042/%C3%BC'] }],
    });
  });

  it('upper-cases every category', () => {
    expect(buildMetaCreateRequest(request({ category: 'authentication' })).category).toBe('AUTHENTICATION');
  });
});
