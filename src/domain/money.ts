/**
 * Prices as decimal strings ("0.0109"), computed exactly in integer millionths: money never goes
 * through a binary float, so a delta per 1,000 sends is what the rate card says, to the last digit.
 */

/** A price as the API accepts it: up to 6 digits before and 6 after the point, no sign, no exponent. */
export const PRICE_PATTERN = /^\d{1,6}(\.\d{1,6})?$/;

const SCALE = 6;
const UNIT = 10n ** BigInt(SCALE);

function toMicros(price: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(price);
  if (!match) throw new RangeError(`Not a decimal price: ${JSON.stringify(price)}`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  if (fraction.length > SCALE && /[1-9]/.test(fraction.slice(SCALE)))
    throw new RangeError(`More than ${SCALE} decimals: ${price}`);
  const micros = BigInt(whole) * UNIT + BigInt(fraction.slice(0, SCALE).padEnd(SCALE, '0'));
  return sign ? -micros : micros;
}

function fromMicros(micros: bigint): string {
  const negative = micros < 0n;
  const absolute = negative ? -micros : micros;
  const whole = absolute / UNIT;
  const fraction = (absolute % UNIT).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** The same price in its shortest spelling: "0.010900" → "0.0109", "5.000" → "5". */
export function normalisePrice(price: string): string {
  return fromMicros(toMicros(price));
}

/** `to − from`, signed: what a message costs more (or, negative, less) after a change. */
export function priceDifference(from: string, to: string): string {
  return fromMicros(toMicros(to) - toMicros(from));
}

/** `price × count`, exactly: the cost of `count` messages. */
export function priceTimes(price: string, count: number): string {
  if (!Number.isSafeInteger(count)) throw new RangeError(`Not a whole count: ${count}`);
  return fromMicros(toMicros(price) * BigInt(count));
}
