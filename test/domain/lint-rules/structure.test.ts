import { describe, expect, it } from 'vitest';
import type { Button } from '../../../src/domain/content.ts';
import { copyCode, findingsOf, phoneButton, quickReply, urlButton, withButtons } from './support.ts';

const repeat = (count: number, make: () => Button) => Array.from({ length: count }, make);

describe('rule button-count', () => {
  it('passes ten buttons', () => {
    expect(findingsOf('button-count', withButtons(repeat(10, () => quickReply())))).toEqual([]);
  });

  it('reports an eleventh button as an error pointing at it', () => {
    const buttons = [...repeat(9, () => quickReply()), urlButton(), phoneButton()];
    expect(findingsOf('button-count', withButtons(buttons))).toEqual([
      expect.objectContaining({
        severity: 'error',
        component: 'buttons',
        buttonIndex: 10,
        params: { count: 11, limit: 10 },
        message: 'A template may have at most 10 buttons; it has 11.',
      }),
    ]);
  });
});

describe('rule quick-reply-count', () => {
  it('passes ten quick replies', () => {
    expect(findingsOf('quick-reply-count', withButtons(repeat(10, () => quickReply())))).toEqual([]);
  });

  it('reports eleven quick replies', () => {
    expect(findingsOf('quick-reply-count', withButtons(repeat(11, () => quickReply())))).toEqual([
      expect.objectContaining({ severity: 'error', buttonIndex: 10, params: { count: 11, limit: 10 } }),
    ]);
  });
});

describe('rule button-label-length', () => {
  it('passes a label of 25 characters, counting code points', () => {
    expect(findingsOf('button-label-length', withButtons([quickReply(`${'я'.repeat(24)}😀`)]))).toEqual([]);
  });

  it('reports every button whose label is longer than 25 characters', () => {
    const buttons = [
      quickReply('x'.repeat(26)),
      urlButton(undefined, 'Ok'),
      phoneButton(undefined, 'y'.repeat(30)),
    ];
    expect(findingsOf('button-label-length', withButtons(buttons))).toEqual([
      expect.objectContaining({ severity: 'error', buttonIndex: 0, params: { length: 26, limit: 25 } }),
      expect.objectContaining({ severity: 'error', buttonIndex: 2, params: { length: 30, limit: 25 } }),
    ]);
  });
});

describe('rule quick-reply-grouping', () => {
  it.each<[string, Button[]]>([
    ['quick replies first', [quickReply(), quickReply(), urlButton(), phoneButton()]],
    ['quick replies last', [urlButton(), phoneButton(), quickReply(), quickReply()]],
    ['only quick replies', [quickReply(), quickReply()]],
    ['no quick replies', [urlButton(), phoneButton()]],
  ])('passes %s', (_name, buttons) => {
    expect(findingsOf('quick-reply-grouping', withButtons(buttons))).toEqual([]);
  });

  it('reports QR, URL, QR at the button that breaks the grouping', () => {
    const buttons = [quickReply(), urlButton(), quickReply()];
    expect(findingsOf('quick-reply-grouping', withButtons(buttons))).toEqual([
      expect.objectContaining({
        severity: 'error',
        buttonIndex: 2,
        params: { order: 'quick_reply, url, quick_reply' },
      }),
    ]);
  });

  it('reports quick replies wedged between other buttons', () => {
    expect(
      findingsOf('quick-reply-grouping', withButtons([urlButton(), quickReply(), phoneButton()])),
    ).toHaveLength(1);
  });
});

describe('rule url-button-count', () => {
  it('passes two URL buttons', () => {
    expect(findingsOf('url-button-count', withButtons([urlButton(), urlButton()]))).toEqual([]);
  });

  it('reports a third URL button', () => {
    expect(
      findingsOf('url-button-count', withButtons([urlButton(), quickReply(), urlButton(), urlButton()])),
    ).toEqual([
      expect.objectContaining({ severity: 'error', buttonIndex: 3, params: { count: 3, limit: 2 } }),
    ]);
  });
});

describe('rule url-length', () => {
  const prefix = 'https://example.com/';

  it('passes a URL of 2000 characters', () => {
    const url = prefix + 'a'.repeat(2000 - prefix.length);
    expect(findingsOf('url-length', withButtons([urlButton(url)]))).toEqual([]);
  });

  it('reports a URL longer than 2000 characters', () => {
    const url = prefix + 'a'.repeat(2001 - prefix.length);
    expect(findingsOf('url-length', withButtons([urlButton(url)]))).toEqual([
      expect.objectContaining({ severity: 'error', buttonIndex: 0, params: { length: 2001, limit: 2000 } }),
    ]);
  });
});

describe('rule url-scheme', () => {
  it.each(['https://example.com/help', 'http://example.com', 'HTTPS://Example.com/l/{{slug}}'])(
    'passes %s',
    (url) => {
      expect(findingsOf('url-scheme', withButtons([urlButton(url)]))).toEqual([]);
    },
  );

  it.each([
    'ftp://example.com/file',
    'example.com/help',
    'https://{{host}}/x',
    'javascript:alert(1)',
    'https:///x',
    'https://example.com{{suffix}}',
    'https://example.com.{{suffix}}/x',
    '',
  ])('reports %j', (url) => {
    expect(findingsOf('url-scheme', withButtons([urlButton(url)]))).toEqual([
      expect.objectContaining({ severity: 'error', buttonIndex: 0, params: { url } }),
    ]);
  });
});

describe('rule phone-button-count', () => {
  it('passes one phone button', () => {
    expect(findingsOf('phone-button-count', withButtons([phoneButton()]))).toEqual([]);
  });

  it('reports a second phone button', () => {
    expect(
      findingsOf('phone-button-count', withButtons([phoneButton(), phoneButton('+905551112233')])),
    ).toEqual([
      expect.objectContaining({ severity: 'error', buttonIndex: 1, params: { count: 2, limit: 1 } }),
    ]);
  });
});

describe('rule phone-number-format', () => {
  it.each(['+48221234567', '+905551112233', '+12025550123', '+74951234567', '+12345678'])(
    'passes %s',
    (number) => {
      expect(findingsOf('phone-number-format', withButtons([phoneButton(number)]))).toEqual([]);
    },
  );

  it.each([
    '48221234567',
    '+48 22 123 45 67',
    '+48-22-123-45-67',
    '+0221234567',
    '+1234567',
    '+1234567890123456',
    '',
  ])('reports %j', (number) => {
    expect(findingsOf('phone-number-format', withButtons([phoneButton(number)]))).toEqual([
      expect.objectContaining({ severity: 'error', buttonIndex: 0, params: { number } }),
    ]);
  });
});

describe('rule copy-code-count', () => {
  it('passes one copy-code button', () => {
    expect(findingsOf('copy-code-count', withButtons([copyCode()]))).toEqual([]);
  });

  it('reports a second copy-code button', () => {
    expect(findingsOf('copy-code-count', withButtons([copyCode(), copyCode('X')]))).toEqual([
      expect.objectContaining({ severity: 'error', buttonIndex: 1, params: { count: 2, limit: 1 } }),
    ]);
  });
});

describe('rule copy-code-example', () => {
  it('passes an example of up to 20 characters', () => {
    expect(findingsOf('copy-code-example', withButtons([copyCode('A'.repeat(20))]))).toEqual([]);
  });

  it.each<[string, string | null, number]>([
    ['missing', null, 0],
    ['blank', '  ', 0],
    ['too long', 'A'.repeat(21), 21],
  ])('reports an example that is %s', (_name, example, length) => {
    expect(findingsOf('copy-code-example', withButtons([copyCode(example)]))).toEqual([
      expect.objectContaining({ severity: 'error', buttonIndex: 0, params: { length, limit: 20 } }),
    ]);
  });
});
