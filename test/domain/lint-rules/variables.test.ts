import { describe, expect, it } from 'vitest';
import { context, findingsOf, urlButton, variable, withVariables } from './support.ts';

describe('rule stray-braces', () => {
  it('passes variables written with double braces', () => {
    expect(
      findingsOf('stray-braces', withVariables('Hello {{name}}, your lesson starts soon.', ['name'])),
    ).toEqual([]);
  });

  it.each<[string, string, number, number]>([
    ['Hello {name}}, your lesson starts soon.', '{', 1, 7],
    ['Hello {{name}}, your lesson\nstarts } soon.', '}', 2, 8],
    ['Hello \\{{name}}, your lesson starts soon.', '{', 1, 8],
  ])('reports the first stray brace in %j with its position', (body, character, line, column) => {
    expect(findingsOf('stray-braces', withVariables(body, ['name']))).toEqual([
      expect.objectContaining({ severity: 'error', component: 'body', params: { character }, line, column }),
    ]);
  });

  it('checks button URLs and leaves texts that do not parse to the syntax rule', () => {
    const ctx = context({ body: 'Hello {{name}', buttons: [urlButton('https://example.com/{x}')] });
    expect(findingsOf('stray-braces', ctx)).toEqual([
      expect.objectContaining({ component: 'buttons', buttonIndex: 0, params: { character: '{' } }),
    ]);
    expect(findingsOf('syntax', ctx)).toHaveLength(1);
  });
});

describe('rule variable-at-start', () => {
  it('passes a body that opens with text', () => {
    expect(
      findingsOf('variable-at-start', withVariables('Hi {{name}}, your lesson moved.', ['name'])),
    ).toEqual([]);
  });

  it('reports a body whose first token is a variable, ignoring leading whitespace', () => {
    expect(
      findingsOf('variable-at-start', withVariables('  \n{{name}}, your lesson moved.', ['name'])),
    ).toEqual([
      expect.objectContaining({
        severity: 'error',
        component: 'body',
        params: { name: 'name' },
        line: 2,
        column: 1,
      }),
    ]);
  });
});

describe('rule variable-at-end', () => {
  it('passes a body that closes with text', () => {
    expect(
      findingsOf('variable-at-end', withVariables('Your lesson moved to {{date}} at noon.', ['date'])),
    ).toEqual([]);
  });

  it('reports a body whose last token is a variable, ignoring trailing whitespace', () => {
    expect(
      findingsOf('variable-at-end', withVariables('Your lesson moved to {{date}} \n', ['date'])),
    ).toEqual([expect.objectContaining({ severity: 'error', params: { name: 'date' }, column: 22 })]);
  });
});

describe('rule variable-near-edge', () => {
  it('passes variables with words on both sides', () => {
    expect(
      findingsOf(
        'variable-near-edge',
        withVariables('Dear {{name}}, see you on {{date}} at noon.', ['name', 'date']),
      ),
    ).toEqual([]);
  });

  it('warns when only punctuation separates a variable from either edge', () => {
    const findings = findingsOf(
      'variable-near-edge',
      withVariables('«{{name}}», your lesson moved to {{date}}.', ['name', 'date']),
    );
    expect(findings.map((f) => [f.severity, f.params.name])).toEqual([
      ['warning', 'name'],
      ['warning', 'date'],
    ]);
  });

  it('leaves a variable exactly at an edge to the error rules', () => {
    expect(
      findingsOf('variable-near-edge', withVariables('Your lesson moved to {{date}}', ['date'])),
    ).toEqual([]);
  });

  it('reports a lone variable once', () => {
    expect(findingsOf('variable-near-edge', withVariables('¡{{name}}!', ['name']))).toHaveLength(1);
  });
});

describe('rule adjacent-variables', () => {
  it('passes variables with a word between them', () => {
    expect(
      findingsOf(
        'adjacent-variables',
        withVariables('On {{date}} at {{time}} in room five.', ['date', 'time']),
      ),
    ).toEqual([]);
  });

  it.each(['{{date}}{{time}}', '{{date}} {{time}}', '{{date}}, {{time}}', '{{date}} – {{time}}'])(
    'reports %s',
    (pair) => {
      const findings = findingsOf(
        'adjacent-variables',
        withVariables(`Your lesson is on ${pair} in room five.`, ['date', 'time']),
      );
      expect(findings).toEqual([
        expect.objectContaining({
          severity: 'error',
          component: 'body',
          params: { first: 'date', second: 'time' },
        }),
      ]);
    },
  );

  it('checks the header too', () => {
    const ctx = context({
      header: 'Order {{a}} {{b}} details',
      body: 'Your order is ready for pickup today.',
    });
    expect(findingsOf('adjacent-variables', ctx)).toEqual([expect.objectContaining({ component: 'header' })]);
  });
});

describe('rules too-many-variables and little-text-per-variable', () => {
  const names = ['a', 'b', 'c'];

  it('pass a body with at least 12 letters or digits of its own per variable', () => {
    // 42 letters of literal text for 3 variables.
    const ctx = withVariables(
      'Dear {{a}}, your lesson with {{b}} moves to room {{c}} tomorrow again.',
      names,
    );
    expect(findingsOf('too-many-variables', ctx)).toEqual([]);
    expect(findingsOf('little-text-per-variable', ctx)).toEqual([]);
  });

  it('warn below 12 per variable without blocking', () => {
    const ctx = withVariables('Hi {{a}}, class {{b}} is in room {{c}} now.', names);
    expect(findingsOf('too-many-variables', ctx)).toEqual([]);
    expect(findingsOf('little-text-per-variable', ctx)).toEqual([
      expect.objectContaining({ severity: 'warning', params: { count: 3, letters: 18, minimum: 36 } }),
    ]);
  });

  it('block below 6 per variable', () => {
    const ctx = withVariables('Hi {{a}}, at {{b}} in {{c}} ok.', names);
    expect(findingsOf('too-many-variables', ctx)).toEqual([
      expect.objectContaining({
        severity: 'error',
        component: 'body',
        params: { count: 3, letters: 8, minimum: 36 },
      }),
    ]);
    expect(findingsOf('little-text-per-variable', ctx)).toEqual([]);
  });

  it('count each occurrence of a variable', () => {
    const ctx = withVariables('Your code {{a}} again {{a}} ok.', ['a']);
    expect(findingsOf('little-text-per-variable', ctx)).toEqual([
      expect.objectContaining({ params: { count: 2, letters: 15, minimum: 24 } }),
    ]);
  });
});

describe('rule variable-example-required', () => {
  it('passes used variables with examples', () => {
    expect(
      findingsOf('variable-example-required', withVariables('Hi {{name}}, see you soon.', ['name'])),
    ).toEqual([]);
  });

  it('reports a used variable whose example is blank, at its first use', () => {
    const ctx = context(
      { header: 'For {{name}}', body: 'Hi {{name}}, see you at {{time}} today.' },
      { variables: [variable('name', ' '), variable('time', '')] },
    );
    expect(findingsOf('variable-example-required', ctx).map((f) => [f.component, f.params.name])).toEqual([
      ['header', 'name'],
      ['body', 'time'],
    ]);
  });
});

describe('rule variable-example-characters', () => {
  it('passes examples without #, $ or %, and percent-encoded URL suffixes', () => {
    const ctx = context(
      {
        body: 'Your total is {{total}} for this month.',
        buttons: [urlButton('https://example.com/p/{{path}}')],
      },
      { variables: [variable('total', 'USD 49.99'), variable('path', 'a%20b')] },
    );
    expect(findingsOf('variable-example-characters', ctx)).toEqual([]);
  });

  it.each<[string, string]>([
    ['$49.99', '$'],
    ['20% off', '%'],
    ['#A-1042', '#'],
    ['#1 for $5 at 10%', '# $ %'],
  ])('reports the example %j', (example, characters) => {
    const ctx = context(
      { body: 'Your total is {{total}} for this month.' },
      { variables: [variable('total', example)] },
    );
    expect(findingsOf('variable-example-characters', ctx)).toEqual([
      expect.objectContaining({ severity: 'error', params: { name: 'total', characters } }),
    ]);
  });
});

describe('rule variable-example-format', () => {
  it('passes a single-line example with at most 4 spaces in a row', () => {
    const ctx = context(
      { body: 'Your room is {{room}} today.' },
      { variables: [variable('room', 'A    12')] },
    );
    expect(findingsOf('variable-example-format', ctx)).toEqual([]);
  });

  it.each(['Line\nbreak', 'Tab\there', 'Five     spaces', 'Carriage\rreturn'])('reports %j', (example) => {
    const ctx = context({ body: 'Your room is {{room}} today.' }, { variables: [variable('room', example)] });
    expect(findingsOf('variable-example-format', ctx)).toEqual([
      expect.objectContaining({ severity: 'error', params: { name: 'room' } }),
    ]);
  });
});

describe('rule authentication-variable-length', () => {
  const otp = (example: string, category: 'authentication' | 'utility' = 'authentication') =>
    context(
      { body: 'Your verification code is {{code}}. Do not share it.' },
      { category, variables: [variable('code', example)] },
    );

  it('passes a code of up to 15 characters, and long examples outside authentication', () => {
    expect(findingsOf('authentication-variable-length', otp('123456789012345'))).toEqual([]);
    expect(findingsOf('authentication-variable-length', otp('1234567890123456', 'utility'))).toEqual([]);
  });

  it('reports a longer example in an authentication template', () => {
    expect(findingsOf('authentication-variable-length', otp('1234567890123456'))).toEqual([
      expect.objectContaining({ severity: 'error', params: { name: 'code', length: 16, limit: 15 } }),
    ]);
  });
});
