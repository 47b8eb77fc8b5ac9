import { describe, expect, it } from 'vitest';
import type { VersionContent } from '../../src/domain/content.ts';
import {
  compileContent,
  compileText,
  MissingVariableError,
  renderContent,
  renderedLengthProblems,
  sendTimeValueProblems,
  TemplateSyntaxError,
} from '../../src/domain/render.ts';
import { parseTemplateText } from '../../src/domain/template-syntax.ts';

describe('compileText', () => {
  it('renders Cyrillic text with named variables', () => {
    const render = compileText('Здравствуйте, {{first_name}}! Трек-номер {{tracking}}.');
    expect(render({ first_name: 'Анна', tracking: 'RU123456789' })).toBe(
      'Здравствуйте, Анна! Трек-номер RU123456789.',
    );
  });

  it('renders Turkish text and keeps dotted and dotless i intact', () => {
    const render = compileText('Merhaba {{name}}, dersiniz {{lesson_at}} saatine taşındı. İyi günler!');
    expect(render({ name: 'Ayşe Işık', lesson_at: '14:30' })).toBe(
      'Merhaba Ayşe Işık, dersiniz 14:30 saatine taşındı. İyi günler!',
    );
  });

  it('renders plain text without HTML escaping', () => {
    expect(compileText('{{x}} & <b>')({ x: '<i>"Tom & Jerry"</i>' })).toBe('<i>"Tom & Jerry"</i> & <b>');
  });

  it('repeats a variable used twice and ignores extra values', () => {
    expect(compileText('{{a}}-{{a}}')({ a: '1', unrelated: '2' })).toBe('1-1');
  });

  it('throws MissingVariableError naming the variable when a value is absent', () => {
    const render = compileText('Hi {{name}} at {{place}}');
    expect(() => render({ name: 'x' })).toThrow(MissingVariableError);
    try {
      render({ name: 'x' });
    } catch (error) {
      expect(error).toBeInstanceOf(MissingVariableError);
      expect((error as MissingVariableError).variable).toBe('place');
    }
  });

  it('treats a value inherited from Object.prototype as absent', () => {
    expect(() => compileText('{{value_of}}')({})).toThrow(MissingVariableError);
    expect(() => compileText('{{x}}')(Object.create({ x: 'inherited' }))).toThrow(MissingVariableError);
  });

  it('refuses text that fails the allowlist, before Handlebars ever compiles it', () => {
    expect(() => compileText('{{#each items}}{{/each}}')).toThrow(TemplateSyntaxError);
    expect(() => compileText('{{lookup this "constructor"}}')).toThrow(TemplateSyntaxError);
    expect(() => compileText('{{x')).toThrow(TemplateSyntaxError);
    try {
      compileText('a {{> p}}');
    } catch (error) {
      expect((error as TemplateSyntaxError).issues[0]).toMatchObject({
        construct: 'partial',
        line: 1,
        column: 3,
      });
    }
  });

  it('renders injection-looking values literally', () => {
    const render = compileText('Hello {{name}}!');
    const hostile = [
      '{{other}}',
      '{{{other}}}',
      '{{#each this}}x{{/each}}',
      '{{constructor.constructor "return process"}}',
      '__proto__',
      '$& $1 $$',
      '\\{{x}}',
    ];
    for (const value of hostile) expect(render({ name: value })).toBe(`Hello ${value}!`);
  });

  it('is unaffected by a __proto__ key in the values', () => {
    const values = JSON.parse('{"__proto__": {"polluted": "yes"}, "name": "Ann"}');
    expect(compileText('Hi {{name}}')(values)).toBe('Hi Ann');
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('compileContent and renderContent', () => {
  const content: VersionContent = {
    header: 'Заказ {{order_id}}',
    body: 'Здравствуйте, {{first_name}}! Заказ {{order_id}} в пути.',
    footer: 'Vetted',
    buttons: [
      { type: 'url', text: 'Отследить', url: 'https://example.com/track/{{tracking}}' },
      { type: 'phone_number', text: 'Позвонить', phoneNumber: '+70000000000' },
      { type: 'quick_reply', text: 'Спасибо' },
    ],
  };

  it('lists the variables of each component', () => {
    expect(compileContent(content).variables).toEqual({
      header: ['order_id'],
      body: ['first_name', 'order_id'],
      footer: [],
      buttons: [['tracking'], [], []],
    });
  });

  it('renders every component and keeps button types and phone numbers', () => {
    const rendered = renderContent(content, compileContent(content), {
      order_id: 'A-1042',
      first_name: 'Анна',
      tracking: 'RU123',
    });
    expect(rendered).toEqual({
      header: 'Заказ A-1042',
      body: 'Здравствуйте, Анна! Заказ A-1042 в пути.',
      footer: 'Vetted',
      buttons: [
        { type: 'url', text: 'Отследить', url: 'https://example.com/track/RU123' },
        { type: 'phone_number', text: 'Позвонить', phoneNumber: '+70000000000' },
        { type: 'quick_reply', text: 'Спасибо' },
      ],
    });
  });

  it('omits absent header, footer and buttons', () => {
    const minimal = { body: 'Hi {{name}}', header: null, footer: '', buttons: null };
    expect(renderContent(minimal, compileContent(minimal), { name: 'Ann' })).toEqual({ body: 'Hi Ann' });
  });

  it('refuses content whose any component fails the allowlist', () => {
    expect(() => compileContent({ body: 'ok', footer: '{{! hidden }}' })).toThrow(TemplateSyntaxError);
  });

  it('throws MissingVariableError for a value missing from any component', () => {
    expect(() => renderContent(content, compileContent(content), { order_id: '1', first_name: 'A' })).toThrow(
      MissingVariableError,
    );
  });
});

describe('sendTimeValueProblems', () => {
  it('accepts ordinary values, including four consecutive spaces', () => {
    expect(sendTimeValueProblems({ a: 'Анна', b: 'a    b', c: '' })).toEqual([]);
  });

  it('reports newlines, tabs and more than four consecutive spaces', () => {
    expect(sendTimeValueProblems({ a: 'x\ny', b: 'x\r', c: 'x\ty', d: 'x     y', e: 'ok' })).toEqual([
      { name: 'a', problem: 'newline' },
      { name: 'b', problem: 'newline' },
      { name: 'c', problem: 'tab' },
      { name: 'd', problem: 'spaces' },
    ]);
  });

  it('reports every problem of one value', () => {
    expect(sendTimeValueProblems({ a: '\t\n     ' }).map((p) => p.problem)).toEqual([
      'newline',
      'tab',
      'spaces',
    ]);
  });
});

describe('renderedLengthProblems', () => {
  it('reports a body that values pushed past 1024 characters', () => {
    const content = { body: 'Hi {{name}}' };
    const rendered = renderContent(content, compileContent(content), { name: 'x'.repeat(1022) });
    expect(renderedLengthProblems(rendered)).toEqual([{ component: 'body', length: 1025, limit: 1024 }]);
  });
});

// Deterministic PRNG (mulberry32) so a failure can be replayed from its seed.
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

const LITERALS = [
  'Hello ',
  'Здравствуйте, ',
  'Günaydın ışık İ ',
  ' ',
  '\n',
  '\r\n',
  '{',
  '}',
  '}}',
  '{{',
  'this',
  '.',
  '../',
  '@root',
  '#if ',
  '/if',
  '>',
  '!',
  '&',
  '~',
  '"',
  '(',
  ')',
  '=',
  '[',
  ']',
  '__proto__',
  'constructor',
  '$&',
  '<b>',
  '😀',
];
const NAMES = ['name', 'lesson_at', 'x', 'a1', 'b_2', 'order_id', 'city'];
const VALUES = [
  '',
  'Анна',
  'Ayşe Işık',
  '{{name}}',
  '{{{x}}}',
  '__proto__',
  'constructor',
  '{{#each this}}{{/each}}',
  '$1',
  '😀',
  '<script>',
  '{',
];

function randomTemplate(random: () => number): string {
  let text = '';
  const chunks = 1 + Math.floor(random() * 8);
  for (let i = 0; i < chunks; i++) {
    text += random() < 0.35 ? `{{${pick(random, NAMES)}}}` : pick(random, LITERALS);
  }
  return text;
}

function randomValues(random: () => number): Record<string, string> {
  const values: Record<string, string> = JSON.parse('{"__proto__": "not a prototype"}');
  for (const name of NAMES) {
    if (random() < 0.9) values[name] = pick(random, VALUES);
  }
  return values;
}

function expectedRendering(text: string, values: Record<string, string>): string {
  let output = '';
  let cursor = 0;
  for (const placeholder of parseTemplateText(text).placeholders) {
    output += text.slice(cursor, placeholder.start) + (values[placeholder.name] ?? '');
    cursor = placeholder.end;
  }
  return output + text.slice(cursor);
}

/** reliability.md: 10,000 random templates and variable maps through the allowlist and the renderer. */
const PROPERTY_RUNS = 10_000;

describe('rendering random templates (property)', () => {
  it('never throws outside the documented errors, leaves no template syntax in the output and never touches Object.prototype', () => {
    const random = prng(20260701);
    const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
    const outcomes = { rendered: 0, refused: 0, missing: 0 };

    for (let run = 0; run < PROPERTY_RUNS; run++) {
      const text = randomTemplate(random);
      const values = randomValues(random);
      let output: string;
      try {
        output = compileText(text)(values);
      } catch (error) {
        if (error instanceof TemplateSyntaxError) {
          expect(parseTemplateText(text).issues.length, text).toBeGreaterThan(0);
          outcomes.refused++;
          continue;
        }
        if (error instanceof MissingVariableError) {
          expect(Object.hasOwn(values, error.variable), text).toBe(false);
          outcomes.missing++;
          continue;
        }
        throw new Error(`unexpected ${String(error)} for template ${JSON.stringify(text)}`);
      }
      outcomes.rendered++;
      expect(output, text).toBe(expectedRendering(text, values));
      if (output.includes('{{')) {
        expect(
          Object.values(values).some((value) => value.includes('{')),
          text,
        ).toBe(true);
      }
    }

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(outcomes.rendered).toBeGreaterThan(PROPERTY_RUNS / 10);
    expect(outcomes.refused).toBeGreaterThan(PROPERTY_RUNS / 10);
    expect(outcomes.missing).toBeGreaterThan(PROPERTY_RUNS / 100);
  });
});
