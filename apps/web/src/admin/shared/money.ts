// Money is integer minor units plus an ISO currency; people type and read decimals.
import type { Money } from '../catalog/catalog-api';

const digitsCache = new Map<string, number>();
export function currencyDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
}

export function formatMoney(m: Money | null | undefined): string {
  if (!m) return '';
  const digits = currencyDigits(m.currency);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: m.currency }).format(m.amount / 10 ** digits);
  } catch {
    return `${(m.amount / 10 ** digits).toFixed(digits)} ${m.currency}`;
  }
}

/** The amount as typed in a price field: "12.5" for 1250 cents. */
export function moneyToInput(m: Money | null | undefined): string {
  if (!m) return '';
  const digits = currencyDigits(m.currency);
  return (m.amount / 10 ** digits).toFixed(digits);
}

/**
 * Reads "12.50", "12,50" or "1,234.50" into minor units, exactly (no float maths): null when it is
 * not a plain non-negative amount with at most the currency's decimals.
 */
export function parseMoney(text: string, currency: string): Money | null {
  const digits = currencyDigits(currency);
  let t = text.trim().replace(/\s/g, '');
  if (!t) return null;
  // A lone comma followed by 1-2 digits at the end is a decimal comma; other commas group thousands.
  if (/^\d+,\d{1,2}$/.test(t)) t = t.replace(',', '.');
  else t = t.replaceAll(',', '');
  const m = /^(\d+)(?:\.(\d*))?$/.exec(t);
  if (!m) return null;
  const frac = m[2] ?? '';
  if (frac.length > digits) return null;
  const amount = Number(m[1]) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(amount) ? { amount, currency } : null;
}

/** 88750 ppm → "8.875" (percent, as typed). */
export const ppmToPercent = (ppm: number) => String(ppm / 10_000);

export function percentToPpm(text: string): number | null {
  const m = /^(\d{1,3})(?:[.,](\d{0,4}))?$/.exec(text.trim());
  if (!m) return null;
  const ppm = Number(m[1]) * 10_000 + Number((m[2] ?? '').padEnd(4, '0') || '0');
  return ppm <= 1_000_000 ? ppm : null;
}
