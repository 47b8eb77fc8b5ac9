import { describe, expect, it } from 'vitest';
import { diffWords } from '../../src/domain/text-diff.ts';

const join = (parts: ReturnType<typeof diffWords>, keep: 'before' | 'after') =>
  parts
    .filter((part) => part.op === 'same' || part.op === (keep === 'before' ? 'removed' : 'added'))
    .map((part) => part.text)
    .join('');

describe('word diff', () => {
  it('marks the changed word and keeps the rest', () => {
    expect(diffWords('Your lesson is on Monday.', 'Your lesson is on Tuesday.')).toEqual([
      { op: 'same', text: 'Your lesson is on ' },
      { op: 'removed', text: 'Monday.' },
      { op: 'added', text: 'Tuesday.' },
    ]);
  });

  it('rebuilds both texts, line breaks included', () => {
    const before = 'Hello {{name}},\nsee you at {{time}}.\nBye';
    const after = 'Hi {{name}},\n\nsee you soon at {{time}}.';
    const parts = diffWords(before, after);
    expect(join(parts, 'before')).toBe(before);
    expect(join(parts, 'after')).toBe(after);
  });

  it('finds nothing changed in equal texts', () => {
    expect(diffWords('same text', 'same text')).toEqual([{ op: 'same', text: 'same text' }]);
    expect(diffWords('', '')).toEqual([]);
  });
});
