import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/domain/destination.ts';
import {
  RETRY_WINDOW_SECONDS,
  retryLimitFor,
  signatureHeader,
  statusNotification,
  verifySignature,
} from '../../src/domain/notifications.ts';

describe('public destination addresses', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '192.0.2.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::127.0.0.1',
    '64:ff9b::a00:1',
    '2002:a00:1::',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('signatures', () => {
  const body = '{"id":"e1","type":"version.approved"}';

  it('verifies its own signature within the tolerance, and nothing altered or stale', () => {
    const header = signatureHeader('secret', 1_800_000_000, body);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('secret', header, body, 1_800_000_100)).toBe(true);
    expect(verifySignature('secret', header, `${body} `, 1_800_000_100)).toBe(false);
    expect(verifySignature('other', header, body, 1_800_000_100)).toBe(false);
    expect(verifySignature('secret', header, body, 1_800_000_301)).toBe(false);
    expect(verifySignature('secret', 'v1=abc', body, 1_800_000_000)).toBe(false);
    expect(
      verifySignature('secret', header.replace('t=1800000000', 't=1800000001'), body, 1_800_000_000),
    ).toBe(false);
  });
});

describe('retries', () => {
  it('retries for at least 24 hours with the shortest waits pg-boss may pick', () => {
    for (const [base, max] of [
      [30, 3600],
      [1, 1],
      [60, 600],
      [3600, 86_400],
    ] as const) {
      const limit = retryLimitFor(base, max, RETRY_WINDOW_SECONDS);
      const shortest = Array.from({ length: limit }, (_, n) => Math.min(max, base * 2 ** n));
      expect(shortest.reduce((sum, wait) => sum + wait, 0)).toBeGreaterThanOrEqual(RETRY_WINDOW_SECONDS);
      expect(shortest.slice(0, -1).reduce((sum, wait) => sum + wait, 0)).toBeLessThan(RETRY_WINDOW_SECONDS);
    }
    expect(retryLimitFor(30, 3600, RETRY_WINDOW_SECONDS)).toBe(30);
  });

  it('names the statuses that notify', () => {
    expect(statusNotification('approved')).toBe('version.approved');
    expect(statusNotification('submit_failed')).toBe('submission.failed');
    expect(statusNotification('pending')).toBeUndefined();
    expect(statusNotification('constructor')).toBeUndefined();
  });
});
