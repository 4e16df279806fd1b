/**
 * Cash rounding for currencies whose smallest coin is larger than the minor unit (Swiss francs to
 * 0.05, Swedish and Canadian cash, ...): the amount due in cash is rounded to the nearest multiple
 * of `increment` minor units; exactly halfway rounds up, away from zero for negative amounts (a
 * refund), which is what cash registers do (CHF 1.025 cannot occur; with increment 10, 1.05 → 1.10).
 * Increment 0 or 1 means no rounding. Only cash is rounded; card and other tenders pay the exact
 * amount.
 */
export function cashRound(amount: number, increment: number): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount must be an integer of minor units, got ${amount}`);
  if (!Number.isSafeInteger(increment) || increment < 0) throw new RangeError(`increment must be a non-negative integer of minor units, got ${increment}`);
  if (increment <= 1) return amount;
  const abs = Math.abs(amount);
  const rest = abs % increment;
  const rounded = rest * 2 >= increment ? abs - rest + increment : abs - rest;
  // 0 - x, not -x: no negative zero
  return amount < 0 ? 0 - rounded : rounded;
}

/** The signed adjustment cash rounding adds to `amount` (rounded − amount). */
export const cashRoundingAdjustment = (amount: number, increment: number): number => cashRound(amount, increment) - amount;
