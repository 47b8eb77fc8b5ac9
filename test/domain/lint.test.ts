import { describe, expect, it } from 'vitest';
import type { TemplateVariable, VersionContent } from '../../src/domain/content.ts';
import {
  characterCount,
  coreRules,
  defineRule,
  hasErrors,
  type LintContext,
  type LintFinding,
  lintContent,
  usedVariables,
  whatsappRules,
} from '../../src/domain/lint.ts';

function variable(name: string): TemplateVariable {
  return { name, type: 'text', example: `example ${name}` };
}

function context(content: VersionContent, names: string[] = []): LintContext {
  return { content, variables: names.map(variable), category: 'utility', language: 'tr' };
}

function byRule(findings: LintFinding[], rule: string): LintFinding[] {
  return findings.filter((finding) => finding.rule === rule);
}

const valid: VersionContent = {
  header: 'Ders {{lesson}}',
  body: 'Merhaba {{name}}, dersiniz {{lesson_at}} saatine taşındı.',
  footer: 'Vetted',
  buttons: [
    { type: 'url', text: 'Aç', url: 'https://example.com/lessons/{{lesson}}' },
    { type: 'quick_reply', text: 'Tamam' },
  ],
};
const validNames = ['lesson', 'name', 'lesson_at'];

describe('lintContent', () => {
  it('finds nothing in a valid template', () => {
    expect(lintContent(context(valid, validNames))).toEqual([]);
  });

  it('gives every finding an i18n key derived from its rule and an English message filled with its params', () => {
    const [finding] = lintContent(context({ body: 'Hi {{who}}' }));
    expect(finding).toMatchObject({
      rule: 'undeclared-variable',
      messageKey: 'lint.undeclared-variable',
      params: { name: 'who' },
      message: 'Variable who is used but not declared on the template.',
    });
  });

  it('sorts errors before warnings, then header, body, footer, buttons (core rules only)', () => {
    const findings = lintContent(
      context(
        {
          header: '{{a}} {{b}}',
          body: 'Body {{c}}',
          footer: 'Foot {{d}}',
          buttons: [{ type: 'url', text: 'Go', url: '{{e}}/x' }],
        },
        ['a', 'b', 'c', 'd', 'e', 'unused'],
      ),
      coreRules,
    );
    expect(findings.map((f) => [f.severity, f.component, f.rule])).toEqual([
      ['error', 'header', 'header-variables'],
      ['error', 'footer', 'footer-variables'],
      ['error', 'buttons', 'url-variable-position'],
      ['warning', 'body', 'unused-variable'],
    ]);
  });

  it('runs only the rules it is given', () => {
    const always = defineRule('always', 'Always {x}.', (_ctx, _parsed, report) => [
      report({ severity: 'warning', component: 'footer', params: { x: 1 } }),
    ]);
    expect(lintContent(context({ body: '{{#if x}}{{/if}}' }), [always])).toEqual([
      {
        rule: 'always',
        severity: 'warning',
        component: 'footer',
        message: 'Always 1.',
        messageKey: 'lint.always',
        params: { x: 1 },
      },
    ]);
  });

  it('parses each text component once and hands the parse to every rule', () => {
    const seen: unknown[] = [];
    const spy = defineRule('spy', '', (_ctx, parsed) => {
      seen.push(parsed);
      return [];
    });
    lintContent(context(valid, validNames), [spy, spy]);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).toMatchObject({
      header: { variables: ['lesson'] },
      body: { variables: ['name', 'lesson_at'] },
      footer: { variables: [] },
      buttons: [{ text: { variables: [] }, url: { variables: ['lesson'] } }, { text: { variables: [] } }],
    });
  });

  it('exposes the core rules in a documented order', () => {
    expect(coreRules.map((rule) => rule.id)).toEqual([
      'syntax',
      'undeclared-variable',
      'unused-variable',
      'body-required',
      'length',
      'footer-variables',
      'header-variables',
      'url-variable-position',
    ]);
  });
});

describe('whatsappRules', () => {
  it('starts with the core rules and is what lintContent runs by default', () => {
    expect(whatsappRules.slice(0, coreRules.length)).toEqual(coreRules);
    const ctx = context({ body: '{{name}}, {{city}}' }, ['name', 'city']);
    expect(lintContent(ctx)).toEqual(lintContent(ctx, whatsappRules));
    expect(lintContent(ctx).map((f) => f.rule)).toEqual(
      expect.arrayContaining([
        'variable-at-start',
        'variable-at-end',
        'adjacent-variables',
        'too-many-variables',
      ]),
    );
  });
});

describe('rule syntax', () => {
  it('passes plain variables', () => {
    expect(byRule(lintContent(context({ body: 'Hi {{name}}' }, ['name'])), 'syntax')).toEqual([]);
  });

  it('reports each forbidden construct with its component, line and column', () => {
    const findings = byRule(
      lintContent(
        context({ body: 'Hi\n{{#if x}}y{{/if}}', buttons: [{ type: 'quick_reply', text: '{{{t}}}' }] }),
      ),
      'syntax',
    );
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        component: 'body',
        params: { construct: 'block' },
        messageKey: 'lint.syntax',
        line: 2,
        column: 1,
      }),
      expect.objectContaining({
        component: 'buttons',
        buttonIndex: 0,
        params: { construct: 'triple-brace' },
        line: 1,
        column: 1,
      }),
    ]);
  });
});

describe('rule undeclared-variable', () => {
  it('passes when every used variable is declared', () => {
    expect(byRule(lintContent(context(valid, validNames)), 'undeclared-variable')).toEqual([]);
  });

  it('reports an undeclared variable once per component where it appears, with its position', () => {
    const findings = byRule(
      lintContent(context({ header: 'H {{ghost}}', body: '{{ghost}} and {{ghost}}' })),
      'undeclared-variable',
    );
    expect(findings.map((f) => [f.component, f.params.name, f.line, f.column, f.severity])).toEqual([
      ['header', 'ghost', 1, 3, 'error'],
      ['body', 'ghost', 1, 1, 'error'],
    ]);
  });

  it('checks button URLs too', () => {
    const findings = byRule(
      lintContent(
        context({ body: 'x', buttons: [{ type: 'url', text: 'Go', url: 'https://a.b/{{slug}}' }] }),
      ),
      'undeclared-variable',
    );
    expect(findings).toEqual([
      expect.objectContaining({ component: 'buttons', buttonIndex: 0, params: { name: 'slug' } }),
    ]);
  });
});

describe('rule unused-variable', () => {
  it('passes when every declared variable is used somewhere in the version', () => {
    expect(byRule(lintContent(context(valid, validNames)), 'unused-variable')).toEqual([]);
  });

  it('warns about a declared variable missing from this version', () => {
    const findings = byRule(
      lintContent(context({ body: 'Hi {{name}}' }, ['name', 'city'])),
      'unused-variable',
    );
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', params: { name: 'city' } })]);
    expect(hasErrors(findings)).toBe(false);
  });
});

describe('rule body-required', () => {
  it('passes a non-empty body', () => {
    expect(byRule(lintContent(context({ body: 'x' })), 'body-required')).toEqual([]);
  });

  it.each(['', '   \n\t'])('reports an empty or blank body (%j)', (body) => {
    expect(byRule(lintContent(context({ body })), 'body-required')).toEqual([
      expect.objectContaining({ severity: 'error', component: 'body' }),
    ]);
  });
});

describe('rule length', () => {
  it('passes texts exactly at the limits, counting an emoji as one character', () => {
    const content = { header: '😀'.repeat(60), body: 'я'.repeat(1024), footer: 'ş'.repeat(60) };
    expect(byRule(lintContent(context(content)), 'length')).toEqual([]);
  });

  it('reports each text component over its limit with the limit and the length', () => {
    const content = { header: 'h'.repeat(61), body: 'b'.repeat(1025), footer: 'f'.repeat(70) };
    const findings = byRule(lintContent(context(content)), 'length');
    expect(findings.map((f) => [f.component, f.params.limit, f.params.length])).toEqual([
      ['header', 60, 61],
      ['body', 1024, 1025],
      ['footer', 60, 70],
    ]);
    expect(findings[1]?.message).toBe('The body has 1025 characters; the limit is 1024.');
  });
});

describe('rule footer-variables', () => {
  it('passes a footer without variables', () => {
    expect(byRule(lintContent(context(valid, validNames)), 'footer-variables')).toEqual([]);
  });

  it('reports a variable in the footer', () => {
    const findings = byRule(
      lintContent(context({ body: 'x', footer: 'Bye {{name}}' }, ['name'])),
      'footer-variables',
    );
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        component: 'footer',
        params: { name: 'name' },
        column: 5,
      }),
    ]);
  });
});

describe('rule header-variables', () => {
  it('passes a header with one variable', () => {
    expect(
      byRule(lintContent(context({ header: 'Order {{id}}', body: 'x' }, ['id'])), 'header-variables'),
    ).toEqual([]);
  });

  it('reports a header with more than one variable', () => {
    const findings = byRule(
      lintContent(context({ header: '{{a}} {{b}}', body: 'x' }, ['a', 'b'])),
      'header-variables',
    );
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        component: 'header',
        params: { limit: 1, count: 2 },
        column: 7,
      }),
    ]);
  });
});

describe('rule url-variable-position', () => {
  const lint = (url: string) =>
    byRule(
      lintContent(context({ body: 'x', buttons: [{ type: 'url', text: 'Go', url }] }, ['a', 'b'])),
      'url-variable-position',
    );

  it('passes a URL without variables or with one variable at its very end', () => {
    expect(lint('https://example.com/help')).toEqual([]);
    expect(lint('https://example.com/l/{{a}}')).toEqual([]);
  });

  it('reports a variable that is not at the very end', () => {
    expect(lint('https://example.com/{{a}}/details')).toEqual([
      expect.objectContaining({
        severity: 'error',
        component: 'buttons',
        buttonIndex: 0,
        params: { count: 1, name: 'a' },
      }),
    ]);
    expect(lint('https://example.com/{{a}} ')).toHaveLength(1);
  });

  it('reports more than one variable', () => {
    expect(lint('https://example.com/{{a}}{{b}}')).toEqual([
      expect.objectContaining({ params: { count: 2, name: 'b' } }),
    ]);
  });
});

describe('hasErrors', () => {
  it('is true only when some finding is an error', () => {
    expect(hasErrors([])).toBe(false);
    expect(hasErrors(lintContent(context({ body: 'x' }, ['unused'])))).toBe(false);
    expect(hasErrors(lintContent(context({ body: '' })))).toBe(true);
  });
});

describe('usedVariables', () => {
  it('returns the union over all components in order header, body, footer, buttons', () => {
    expect(
      usedVariables({
        header: '{{h}}',
        body: '{{b}} {{h}}',
        footer: '{{f}}',
        buttons: [{ type: 'url', text: '{{t}}', url: 'https://x/{{u}}' }],
      }),
    ).toEqual(['h', 'b', 'f', 't', 'u']);
  });

  it('ignores components that do not parse', () => {
    expect(usedVariables({ header: '{{x', body: '{{y}}' })).toEqual(['y']);
  });
});

describe('characterCount', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(characterCount('ab😀')).toBe(3);
  });
});
