import { describe, expect, it } from 'vitest';
import { toPositionalText } from '../../src/domain/positional.ts';

describe('toPositionalText', () => {
  it('numbers named variables in order of first appearance and reuses a number for a repeat', () => {
    expect(toPositionalText('Hi {{name}}, {{when}} is set. Bye {{name}}!')).toEqual({
      text: 'Hi {{1}}, {{2}} is set. Bye {{1}}!',
      names: ['name', 'when'],
    });
  });

  it('leaves text without variables as it is', () => {
    expect(toPositionalText('No variables here.')).toEqual({ text: 'No variables here.', names: [] });
  });
});
