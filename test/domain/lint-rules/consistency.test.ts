import { describe, expect, it } from 'vitest';
import { context, findingsOf, quickReply, urlButton, variable } from './support.ts';

const body = 'Hello {{name}}, your lesson moved to {{date}} at noon.';
const names = ['name', 'date'].map((name) => variable(name));

describe('rule sibling-variables', () => {
  it('passes when every sibling uses the same variables, in any order', () => {
    const ctx = context(
      { body },
      {
        variables: names,
        siblings: [{ language: 'ru', content: { body: 'Урок {{date}} перенесён, {{name}}, до встречи.' } }],
      },
    );
    expect(findingsOf('sibling-variables', ctx)).toEqual([]);
  });

  it('passes without siblings', () => {
    expect(findingsOf('sibling-variables', context({ body }, { variables: names }))).toEqual([]);
  });

  it('warns per sibling whose variables differ, naming what is missing on each side', () => {
    const ctx = context(
      { body },
      {
        variables: names,
        siblings: [
          {
            language: 'pl',
            content: { body: 'Cześć {{name}}, lekcja w sali {{room}} o godzinie {{date}} dziś.' },
          },
          { language: 'tr', content: { body: 'Merhaba {{name}}, dersiniz taşındı.' } },
          { language: 'ru', content: { body: 'Урок {{date}} перенесён, {{name}}, до встречи.' } },
        ],
      },
    );
    expect(findingsOf('sibling-variables', ctx)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        params: { language: 'pl', onlyHere: '—', onlyThere: 'room' },
      }),
      expect.objectContaining({
        severity: 'warning',
        params: { language: 'tr', onlyHere: 'date', onlyThere: '—' },
      }),
    ]);
  });
});

describe('rule sibling-buttons', () => {
  const buttons = [quickReply('Yes'), urlButton()];

  it('passes when siblings have the same button types in the same order', () => {
    const ctx = context(
      { buttons },
      { siblings: [{ language: 'tr', content: { body: 'x', buttons: [quickReply('Evet'), urlButton()] } }] },
    );
    expect(findingsOf('sibling-buttons', ctx)).toEqual([]);
  });

  it('warns when a sibling has other buttons or none', () => {
    const ctx = context(
      { buttons },
      {
        siblings: [
          { language: 'tr', content: { body: 'x', buttons: [urlButton(), quickReply('Evet')] } },
          { language: 'pl', content: { body: 'x' } },
        ],
      },
    );
    expect(findingsOf('sibling-buttons', ctx)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        component: 'buttons',
        params: { language: 'tr', here: 'quick_reply, url', there: 'url, quick_reply' },
      }),
      expect.objectContaining({ params: { language: 'pl', here: 'quick_reply, url', there: '—' } }),
    ]);
  });
});

describe('rule near-limit', () => {
  it('passes texts below 90% of their limits', () => {
    const ctx = context({
      header: 'h'.repeat(53),
      footer: 'f'.repeat(53),
      buttons: [quickReply('q'.repeat(22))],
    });
    expect(findingsOf('near-limit', ctx)).toEqual([]);
  });

  it('warns about texts from 90% of a limit up to the limit, and leaves longer ones to the length rules', () => {
    const ctx = context({
      header: 'h'.repeat(54),
      body: 'b'.repeat(922),
      footer: 'f'.repeat(61),
      buttons: [quickReply('q'.repeat(23))],
    });
    expect(findingsOf('near-limit', ctx).map((f) => [f.severity, f.component, f.params])).toEqual([
      ['warning', 'header', { component: 'header', length: 54, limit: 60 }],
      ['warning', 'body', { component: 'body', length: 922, limit: 1024 }],
      ['warning', 'buttons', { component: 'buttons', length: 23, limit: 25 }],
    ]);
  });
});
