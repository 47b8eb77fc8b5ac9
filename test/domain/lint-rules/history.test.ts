import { describe, expect, it } from 'vitest';
import { context, findingsOf } from './support.ts';

const rejected = (
  version: number,
  body: string,
  reason: string | null,
  reasonText: string | null = null,
) => ({
  version,
  body,
  reason,
  reasonText,
});

describe('rule rejected-before', () => {
  it('passes a body that was never rejected', () => {
    const ctx = context(
      { body: 'Your lesson moved to Monday.' },
      { rejectedBefore: [rejected(1, 'Your lesson moved to Tuesday.', 'INVALID_FORMAT')] },
    );
    expect(findingsOf('rejected-before', ctx)).toEqual([]);
    expect(findingsOf('rejected-before', context())).toEqual([]);
  });

  it('quotes the newest rejection of the same body, ignoring whitespace and case', () => {
    const ctx = context(
      { body: '  Your lesson   moved\nto MONDAY. ' },
      {
        rejectedBefore: [
          rejected(2, 'your lesson moved to monday.', 'INVALID_FORMAT', 'Variables at the end'),
          rejected(4, 'Your lesson moved to Monday.', 'PROMOTIONAL', null),
          rejected(3, 'Something else entirely.', 'SCAM'),
        ],
      },
    );
    expect(findingsOf('rejected-before', ctx)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        component: 'body',
        params: { version: 4, reason: 'PROMOTIONAL' },
        message: 'The same body was rejected in version 4. Reason: PROMOTIONAL',
      }),
    ]);
  });

  it('joins the reason code and text, and says so when there is neither', () => {
    const body = 'Your lesson moved to Monday.';
    const withText = context(
      { body },
      { rejectedBefore: [rejected(1, body, 'INVALID_FORMAT', 'Dangling param')] },
    );
    expect(findingsOf('rejected-before', withText)[0]?.params.reason).toBe('INVALID_FORMAT: Dangling param');
    const bare = context({ body }, { rejectedBefore: [rejected(1, body, null, null)] });
    expect(findingsOf('rejected-before', bare)[0]?.params.reason).toBe('—');
  });

  it('lower-cases by the template language', () => {
    const ctx = context(
      { body: 'DERSİNİZ İPTAL EDİLDİ.' },
      { language: 'tr', rejectedBefore: [rejected(1, 'dersiniz iptal edildi.', 'SCAM')] },
    );
    expect(findingsOf('rejected-before', ctx)).toHaveLength(1);
  });
});
