// Tender arithmetic the till shows before the server answers: what is left to pay, change, tips,
// what a gift card can cover. Pure and in minor units; the server's answer is what counts.

export type TipInput = { kind: 'amount'; value: number } | { kind: 'percent'; value: number } | null;

/** The tip on a card payment of `amount`, as payments' card adapter computes it (tipOf). */
export function tipAmount(amount: number, tip: TipInput): number {
  if (!tip) return 0;
  if (tip.kind === 'amount') return Math.max(0, Math.round(tip.value));
  return Math.round((amount * Math.round(tip.value * 100)) / 10_000);
}

/** The tip as the payment body carries it (`{ amount }` or `{ percent }`), or undefined for none. */
export function tipBody(tip: TipInput, currency: string): { amount: number; currency: string } | { percent: number } | undefined {
  if (!tip || tip.value <= 0) return undefined;
  return tip.kind === 'amount' ? { amount: tip.value, currency } : { percent: tip.value };
}

/** Cash handed over against what is due: what counts toward the sale, the change, what is short. */
export function cashOutcome(due: number, handed: number): { applied: number; change: number; short: number } {
  const applied = Math.min(due, handed);
  return { applied, change: Math.max(0, handed - due), short: Math.max(0, due - handed) };
}

/** What a gift card can take of `requested`: all of it, or its balance (partial authorization). */
export function giftCardCover(balance: number, requested: number): { authorized: number; rest: number; partial: boolean } {
  const authorized = Math.max(0, Math.min(balance, requested));
  return { authorized, rest: requested - authorized, partial: authorized < requested };
}

/** An amount typed for a non-cash tender: more than zero and no more than what is due. */
export function validTenderAmount(amount: number | null, due: number): amount is number {
  return amount !== null && Number.isSafeInteger(amount) && amount > 0 && amount <= due;
}

/** "15" or "12.5" (%, at most two decimals, 0–100) into a number, else null. */
export function parsePercent(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(t)) return null;
  const n = Number(t);
  return n <= 100 ? n : null;
}

/** Digits of a card number as typed (spaces and dashes allowed), or null when it cannot be one. */
export function cardDigits(text: string): string | null {
  const d = text.replace(/[\s-]/g, '');
  return /^\d{12,19}$/.test(d) ? d : null;
}

/** "MM/YY" or "MM/YYYY" into month and four-digit year, or null. */
export function parseExpiry(text: string): { month: number; year: number } | null {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!m) return null;
  const month = Number(m[1]);
  const year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  return month >= 1 && month <= 12 ? { month, year } : null;
}

/** A 16-digit gift card code as typed or scanned (spaces and dashes allowed), or null. */
export function giftCardDigits(text: string): string | null {
  const d = text.replace(/[\s-]/g, '');
  return /^\d{16}$/.test(d) ? d : null;
}

export type DenominationCount = { denomination: number; count: number };

/** The drawer count: the total of what was counted by denomination. */
export function countedTotal(counts: readonly DenominationCount[]): number {
  return counts.reduce((s, c) => s + c.denomination * c.count, 0);
}

/** Counted minus expected: positive over, negative short. */
export const variance = (expected: number, counted: number): number => counted - expected;

/** Notes and coins the close screen counts, largest first (minor units). */
export function denominationsFor(currency: string): number[] {
  switch (currency) {
    case 'EUR':
      return [50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1];
    case 'GBP':
      return [5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1];
    default:
      return [10000, 5000, 2000, 1000, 500, 100, 25, 10, 5, 1];
  }
}
