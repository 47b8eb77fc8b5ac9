import { createHmac, timingSafeEqual } from 'node:crypto';
import type { VersionStatus } from './lifecycle.ts';

/** What a subscription can ask to hear about. */
export const NOTIFICATION_EVENTS = [
  'version.approved',
  'version.rejected',
  'version.paused',
  'version.disabled',
  'template.recategorised',
  'submission.failed',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

const STATUS_EVENTS: Partial<Record<VersionStatus, NotificationEvent>> = {
  approved: 'version.approved',
  rejected: 'version.rejected',
  paused: 'version.paused',
  disabled: 'version.disabled',
  submit_failed: 'submission.failed',
};

/** The notification a version's new status makes, if any. */
export function statusNotification(status: string): NotificationEvent | undefined {
  return Object.hasOwn(STATUS_EVENTS, status) ? STATUS_EVENTS[status as VersionStatus] : undefined;
}

/** How long a receiver may keep accepting a signed body: older timestamps are replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** `Vetted-Signature`: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/**
 * A receiver's check, as the README documents it: the timestamp within the tolerance of `now`,
 * and one of the `v1` values equal (constant time) to the HMAC of `t.body`.
 */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([name]) => name === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  return parts
    .filter(([name, value]) => name === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value))
    .some(([, value]) => timingSafeEqual(Buffer.from(value ?? '', 'hex'), expected));
}

/**
 * pg-boss waits before retry n (1-based) between base × 2^(n-1) and base × 2^n seconds, at most
 * `maxSeconds`. The fewest retries whose shortest waits add up to `windowSeconds`, so a receiver
 * that is down for the whole window is still tried after it.
 */
export function retryLimitFor(baseSeconds: number, maxSeconds: number, windowSeconds: number): number {
  let waited = 0;
  let retries = 0;
  while (waited < windowSeconds) {
    waited += Math.min(maxSeconds, baseSeconds * 2 ** retries);
    retries += 1;
  }
  return retries;
}

/** Deliveries are retried for at least a day. */
export const RETRY_WINDOW_SECONDS = 24 * 60 * 60;
