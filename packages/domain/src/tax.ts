import { divideHalfEven } from './money.ts';

/**
 * Sales tax, computed the same way by the till and the server.
 *
 * Rates are integers in parts per million of the price (`rate_ppm`: 88_750 = 8.875 %), so rates
 * such as New York City's combined 8.875 % are exact. Amounts are integer minor units of one
 * currency. A line may carry several rates (state + city): each is computed on the line's
 * taxable amount, never on another tax.
 *
 * Rounding: per line and per rate, half to even (banker's rounding), the rule in the design.
 * Totals and the per-rate breakdown are sums of the rounded line taxes, so a receipt's lines
 * always add up to its totals.
 */
export const PPM = 1_000_000;

export interface TaxRate {
  id: string;
  name?: string;
  rate_ppm: number;
}

export interface TaxLineInput {
  id?: string;
  /** Price of one unit in minor units: with tax when prices include tax, without otherwise. */
  unit_price: number;
  /** Negative for a return. */
  quantity: number;
  /** Discount on the whole line in minor units (same sign convention as the price). */
  discount?: number;
  /** The rates of the line's tax code in the selling store; empty means not taxed. */
  rates: readonly TaxRate[];
}

export interface LineTax {
  rate_id: string;
  amount: number;
}

export interface TaxLineResult {
  id?: string;
  /** unit_price × quantity − discount, as priced (with tax when inclusive). */
  amount: number;
  /** The taxable amount, without tax. */
  net: number;
  tax: number;
  /** What the customer pays for the line: net + tax. */
  total: number;
  taxes: LineTax[];
}

export interface TaxBreakdown {
  rate_id: string;
  name: string | undefined;
  rate_ppm: number;
  /** Sum of the net amounts of the lines this rate applied to. */
  taxable: number;
  tax: number;
}

export interface TaxResult {
  lines: TaxLineResult[];
  /** Sum of line net amounts. */
  subtotal: number;
  tax_total: number;
  total: number;
  breakdown: TaxBreakdown[];
}

function checkRates(rates: readonly TaxRate[]): number {
  let sum = 0;
  for (const r of rates) {
    if (!Number.isSafeInteger(r.rate_ppm) || r.rate_ppm < 0 || r.rate_ppm > PPM) throw new RangeError(`rate_ppm must be an integer from 0 to ${PPM}, got ${r.rate_ppm}`);
    sum += r.rate_ppm;
  }
  return sum;
}

/** The amount a line is priced at: unit price × quantity − discount, in integers only. */
export function lineAmount(line: Pick<TaxLineInput, 'unit_price' | 'quantity' | 'discount'>): number {
  const amount = line.unit_price * line.quantity - (line.discount ?? 0);
  if (!Number.isSafeInteger(amount)) throw new RangeError('line amounts must be integers of minor units within the safe range');
  // 0 × −1 is −0 in JavaScript; money is never negative zero
  return amount === 0 ? 0 : amount;
}

/**
 * Tax of one line. Exclusive: each rate's tax is net × rate, rounded. Inclusive: the amount
 * already holds every rate, so rate i's share is amount × rate_i / (1 + Σ rates), rounded, and
 * net is what is left: net + tax equals the shelf price to the cent.
 */
export function taxLine(line: TaxLineInput, pricesIncludeTax: boolean): TaxLineResult {
  const amount = lineAmount(line);
  const sum = checkRates(line.rates);
  const taxes = line.rates.map((r) => ({
    rate_id: r.id,
    amount: pricesIncludeTax ? divideHalfEven(amount * r.rate_ppm, PPM + sum) : divideHalfEven(amount * r.rate_ppm, PPM),
  }));
  const tax = taxes.reduce((s, t) => s + t.amount, 0);
  const net = pricesIncludeTax ? amount - tax : amount;
  return { ...(line.id !== undefined ? { id: line.id } : {}), amount, net, tax, total: net + tax, taxes };
}

/** Taxes a basket: per-line results, totals and a breakdown by rate (in order of first use). */
export function computeTax(lines: readonly TaxLineInput[], opts: { pricesIncludeTax: boolean }): TaxResult {
  const results = lines.map((l) => taxLine(l, opts.pricesIncludeTax));
  const byRate = new Map<string, TaxBreakdown>();
  let subtotal = 0;
  let taxTotal = 0;
  results.forEach((res, i) => {
    subtotal += res.net;
    taxTotal += res.tax;
    lines[i]!.rates.forEach((rate, j) => {
      let b = byRate.get(rate.id);
      if (!b) byRate.set(rate.id, (b = { rate_id: rate.id, name: rate.name, rate_ppm: rate.rate_ppm, taxable: 0, tax: 0 }));
      b.taxable += res.net;
      b.tax += res.taxes[j]!.amount;
    });
  });
  return { lines: results, subtotal, tax_total: taxTotal, total: subtotal + taxTotal, breakdown: [...byRate.values()] };
}

/** 88750 → "8.875%": for labels; arithmetic stays in ppm. */
export function formatRate(ratePpm: number): string {
  const whole = Math.trunc(ratePpm / 10_000);
  const frac = String(ratePpm % 10_000).padStart(4, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''}%`;
}
