/** Money is integer minor units with a currency: `{ amount: 1999, currency: 'USD' }`. Never floats. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** Minor-unit exponent per ISO 4217 (from the runtime's ICU data): USD 2, JPY 0, BHD 3. */
export function minorUnits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`money amount must be an integer number of minor units, got ${amount}`);
  if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError(`currency must be an ISO 4217 code, got ${currency}`);
  return { amount, currency };
}

function same(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new RangeError(`cannot combine ${a.currency} with ${b.currency}`);
}

export const add = (a: Money, b: Money): Money => (same(a, b), money(a.amount + b.amount, a.currency));
export const subtract = (a: Money, b: Money): Money => (same(a, b), money(a.amount - b.amount, a.currency));
export const sum = (items: Money[], currency: string): Money => items.reduce((acc, m) => add(acc, m), money(0, currency));

/**
 * Divides numerator/denominator (integers) and rounds half to even (banker's rounding): the tax
 * rule in the design (per line, half-even), exact for any integers within the safe range.
 */
export function divideHalfEven(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) throw new RangeError('integers only, denominator ≠ 0');
  const n = BigInt(numerator) * (denominator < 0 ? -1n : 1n);
  const d = BigInt(Math.abs(denominator));
  let q = n / d;
  const r = n - q * d;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice > d || (twice === d && q % 2n !== 0n)) q += n < 0n ? -1n : 1n;
  return Number(q);
}

/** Formats for display only; arithmetic stays in minor units. */
export function format(m: Money, locale = 'en-US'): string {
  const digits = minorUnits(m.currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency }).format(m.amount / 10 ** digits);
}
