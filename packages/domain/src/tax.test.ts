import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeTax, formatRate, taxLine, type TaxLineInput } from './index.ts';

const state = { id: 'state', name: 'NY State', rate_ppm: 40_000 };
const city = { id: 'city', name: 'NYC', rate_ppm: 48_750 };

describe('tax', () => {
  it('taxes an exclusive line per rate, rounding each half to even', () => {
    // 2 × 12.50 − 1.00 = 24.00; 4 % = 0.96; 4.875 % = 1.17 (1.17 exactly)
    const r = taxLine({ unit_price: 1250, quantity: 2, discount: 100, rates: [state, city] }, false);
    expect(r).toEqual({ amount: 2400, net: 2400, tax: 213, total: 2613, taxes: [{ rate_id: 'state', amount: 96 }, { rate_id: 'city', amount: 117 }] });
    // 0.10 at 5 % = 0.005 → 0 (half to even); 0.30 at 5 % = 0.015 → 0.02
    expect(taxLine({ unit_price: 10, quantity: 1, rates: [{ id: 'x', rate_ppm: 50_000 }] }, false).tax).toBe(0);
    expect(taxLine({ unit_price: 30, quantity: 1, rates: [{ id: 'x', rate_ppm: 50_000 }] }, false).tax).toBe(2);
  });

  it('splits an inclusive price into net and tax that add up to the shelf price', () => {
    // 10.00 incl. 20 % VAT: tax 1.666… → 1.67, net 8.33
    const vat = taxLine({ unit_price: 1000, quantity: 1, rates: [{ id: 'vat', rate_ppm: 200_000 }] }, true);
    expect(vat).toMatchObject({ amount: 1000, net: 833, tax: 167, total: 1000 });
    const two = taxLine({ unit_price: 10_888, quantity: 1, rates: [state, city] }, true);
    expect(two.net + two.tax).toBe(10_888);
    expect(two.taxes).toEqual([{ rate_id: 'state', amount: 400 }, { rate_id: 'city', amount: 488 }]);
  });

  it('totals a basket with a breakdown by rate, returns negative', () => {
    const lines: TaxLineInput[] = [
      { id: 'a', unit_price: 1999, quantity: 3, rates: [state, city] },
      { id: 'b', unit_price: 500, quantity: 1, rates: [state] },
      { id: 'c', unit_price: 2500, quantity: 1, rates: [] },
      { id: 'r', unit_price: 1999, quantity: -1, rates: [state, city] },
    ];
    const r = computeTax(lines, { pricesIncludeTax: false });
    expect(r.subtotal).toBe(5997 + 500 + 2500 - 1999);
    // a returned 19.99: 4 % = 0.7996 → 0.80, 4.875 % = 0.9745 → 0.97, both negative
    expect(r.lines[3]!.taxes.map((t) => t.amount)).toEqual([-80, -97]);
    expect(r.breakdown.map((b) => [b.rate_id, b.taxable])).toEqual([['state', 5997 + 500 - 1999], ['city', 5997 - 1999]]);
    expect(r.tax_total).toBe(r.breakdown.reduce((s, b) => s + b.tax, 0));
    expect(r.total).toBe(r.subtotal + r.tax_total);
  });

  it('formats rates and refuses out-of-range ones', () => {
    expect([formatRate(88_750), formatRate(200_000), formatRate(0)]).toEqual(['8.875%', '20%', '0%']);
    expect(() => taxLine({ unit_price: 1, quantity: 1, rates: [{ id: 'x', rate_ppm: 1.5 }] }, false)).toThrow(/integer/);
  });

  const rate = fc.record({ id: fc.string({ minLength: 1, maxLength: 4 }), rate_ppm: fc.integer({ min: 0, max: 250_000 }) });
  const line = fc.record({
    unit_price: fc.integer({ min: 0, max: 1_000_000 }),
    quantity: fc.integer({ min: -50, max: 50 }),
    discount: fc.integer({ min: 0, max: 10_000 }),
    rates: fc.uniqueArray(rate, { maxLength: 3, selector: (r) => r.id }),
  });

  it('keeps every rounded tax within half a minor unit of the exact tax, and inclusive lines whole', () => {
    fc.assert(
      fc.property(line, fc.boolean(), (l, inclusive) => {
        const r = taxLine(l, inclusive);
        const sum = l.rates.reduce((s, x) => s + x.rate_ppm, 0);
        r.taxes.forEach((t, i) => {
          const exact = inclusive ? (r.amount * l.rates[i]!.rate_ppm) / (1_000_000 + sum) : (r.amount * l.rates[i]!.rate_ppm) / 1_000_000;
          expect(Math.abs(t.amount - exact)).toBeLessThanOrEqual(0.5 + 1e-9);
        });
        expect(r.net + r.tax).toBe(r.total);
        if (inclusive) expect(r.total).toBe(r.amount);
        else expect(r.net).toBe(r.amount);
      }),
    );
  });

  it('makes totals the sums of lines and a return the exact negative of the sale', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.boolean(), (lines, inclusive) => {
        const r = computeTax(lines, { pricesIncludeTax: inclusive });
        expect(r.tax_total).toBe(r.lines.reduce((s, x) => s + x.tax, 0));
        expect(r.tax_total).toBe(r.breakdown.reduce((s, b) => s + b.tax, 0));
        expect(r.total).toBe(r.subtotal + r.tax_total);
        const back = computeTax(lines.map((l) => ({ ...l, quantity: -l.quantity, discount: -l.discount })), { pricesIncludeTax: inclusive });
        expect(back.lines.map((x) => x.tax)).toEqual(r.lines.map((x) => -x.tax || 0));
      }),
    );
  });
});
