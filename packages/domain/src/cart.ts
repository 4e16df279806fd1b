import { divideHalfEven } from './money.ts';
import { computeTax, type LineTax, type TaxBreakdown, type TaxRate } from './tax.ts';

/**
 * Cart pricing, the same code on the till (offline) and on the server.
 *
 * Amounts are integer minor units of one currency. Prices are as shown on the shelf: with tax when
 * `pricesIncludeTax`, without otherwise; discounts are taken off that same amount.
 *
 * Percent discounts are in **basis points**: 1 % = 100, 12.5 % = 1250, 100 % = 10 000. Integer
 * percent could not say 12.5 %, and floats are not allowed near money. A percent discount is
 * rounded half to even, like tax.
 *
 * Order of operations:
 * 1. each line's gross = unit_price × quantity;
 * 2. the line discount (amount on the whole line, or percent of the gross) is taken off;
 * 3. the order discount (amount, or percent of what is left) is spread over the lines in
 *    proportion to what is left of each, by largest remainder (ties to the earlier line), so the
 *    shares add up to the order discount exactly and the same cart always splits the same way;
 * 4. tax is computed per line on what is left (`computeTax`: per line and rate, half-even).
 *
 * Totals: `subtotal` is the sum of gross line amounts as priced; `total` is what the customer pays.
 * Exclusive prices: total = subtotal − discount_total + tax_total. Inclusive prices: total =
 * subtotal − discount_total (tax_total is the tax inside it).
 *
 * Sale lines only: quantities are positive, prices and discounts non-negative, and a discount never
 * exceeds what it applies to (a RangeError otherwise: callers validate input first).
 */
export const BASIS_POINTS = 10_000;

export const DISCOUNT_TYPES = ['amount', 'percent'] as const;
export type DiscountType = (typeof DISCOUNT_TYPES)[number];

export interface CartDiscount {
  type: DiscountType;
  /** amount: minor units; percent: basis points (1 % = 100). */
  value: number;
}

export interface CartLineInput {
  id: string;
  unit_price: number;
  quantity: number;
  discount?: CartDiscount | null;
  /** The rates of the line's tax code in the selling store; empty means not taxed. */
  rates: readonly TaxRate[];
}

export interface CartInput {
  lines: readonly CartLineInput[];
  order_discount?: CartDiscount | null;
  pricesIncludeTax: boolean;
  currency: string;
}

export interface CartLine {
  id: string;
  unit_price: number;
  quantity: number;
  /** unit_price × quantity */
  gross: number;
  /** the line's own discount */
  line_discount: number;
  /** this line's share of the order discount */
  order_discount_share: number;
  /** line_discount + order_discount_share */
  discount_total: number;
  /** gross − discount_total: what tax is computed on, as priced */
  amount: number;
  /** the amount without tax */
  net: number;
  tax_total: number;
  tax_lines: LineTax[];
  /** what the customer pays for the line: net + tax */
  total: number;
}

export interface CartTotals {
  currency: string;
  pricesIncludeTax: boolean;
  lines: CartLine[];
  /** Σ gross */
  subtotal: number;
  /** the order discount as computed (Σ order_discount_share) */
  order_discount_total: number;
  /** Σ line discount_total (line and order discounts) */
  discount_total: number;
  /** Σ net */
  net_total: number;
  tax_total: number;
  /** Σ line total */
  total: number;
  breakdown: TaxBreakdown[];
}

function checkInt(value: number, what: string, min = 0): void {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${what} must be an integer ≥ ${min}, got ${value}`);
}

/** The amount a discount takes off `base` (minor units). */
export function discountAmount(discount: CartDiscount | null | undefined, base: number): number {
  if (!discount) return 0;
  checkInt(discount.value, 'discount value');
  if (discount.type === 'percent') {
    if (discount.value > BASIS_POINTS) throw new RangeError(`a percent discount is at most ${BASIS_POINTS} basis points (100 %), got ${discount.value}`);
    return divideHalfEven(base * discount.value, BASIS_POINTS);
  }
  if (discount.value > base) throw new RangeError(`an amount discount of ${discount.value} exceeds the ${base} it applies to`);
  return discount.value;
}

/**
 * Splits `total` over `weights` in proportion, by largest remainder: each gets floor(total × w / Σw),
 * then the units left go one each to the largest remainders, ties to the lower index. The parts
 * add up to `total`; a zero weight gets nothing (unless every weight is zero: then nothing is split).
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  checkInt(total, 'allocated total');
  weights.forEach((w) => checkInt(w, 'weight'));
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum === 0) {
    if (total !== 0) throw new RangeError('cannot allocate over zero weights');
    return weights.map(() => 0);
  }
  const T = BigInt(total);
  const S = BigInt(sum);
  const parts = weights.map((w) => (T * BigInt(w)) / S);
  const rems = weights.map((w, i) => ({ i, r: T * BigInt(w) - parts[i]! * S }));
  let left = T - parts.reduce((s, p) => s + p, 0n);
  rems.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of rems) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts.map(Number);
}

/** Prices a cart: line and order discounts, tax per line, totals and the tax breakdown. */
export function priceCart(input: CartInput): CartTotals {
  const pre = input.lines.map((l) => {
    checkInt(l.unit_price, 'unit_price');
    checkInt(l.quantity, 'quantity', 1);
    const gross = l.unit_price * l.quantity;
    checkInt(gross, 'line amount');
    const lineDiscount = discountAmount(l.discount, gross);
    return { line: l, gross, lineDiscount, after: gross - lineDiscount };
  });
  const base = pre.reduce((s, p) => s + p.after, 0);
  const orderDiscount = discountAmount(input.order_discount, base);
  const shares = allocate(orderDiscount, pre.map((p) => p.after));
  const taxed = computeTax(
    pre.map((p, i) => ({ id: p.line.id, unit_price: p.line.unit_price, quantity: p.line.quantity, discount: p.lineDiscount + shares[i]!, rates: p.line.rates })),
    { pricesIncludeTax: input.pricesIncludeTax },
  );
  const lines: CartLine[] = pre.map((p, i) => {
    const t = taxed.lines[i]!;
    const discount = p.lineDiscount + shares[i]!;
    return {
      id: p.line.id,
      unit_price: p.line.unit_price,
      quantity: p.line.quantity,
      gross: p.gross,
      line_discount: p.lineDiscount,
      order_discount_share: shares[i]!,
      discount_total: discount,
      amount: t.amount,
      net: t.net,
      tax_total: t.tax,
      tax_lines: t.taxes,
      total: t.total,
    };
  });
  return {
    currency: input.currency,
    pricesIncludeTax: input.pricesIncludeTax,
    lines,
    subtotal: lines.reduce((s, l) => s + l.gross, 0),
    order_discount_total: orderDiscount,
    discount_total: lines.reduce((s, l) => s + l.discount_total, 0),
    net_total: taxed.subtotal,
    tax_total: taxed.tax_total,
    total: taxed.total,
    breakdown: taxed.breakdown,
  };
}
