import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/jobs/submission-worker.ts';

describe('submission retry backoff', () => {
  it('doubles per attempt, jitters between half and all of it, and stops growing at ten minutes', () => {
    expect(retryDelayMs(1, 2000, () => 1)).toBe(2000);
    expect(retryDelayMs(3, 2000, () => 1)).toBe(8000);
    expect(retryDelayMs(3, 2000, () => 0)).toBe(4000);
    expect(retryDelayMs(30, 2000, () => 1)).toBe(600_000);
  });
});
