import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, cashRound, cashRoundingAdjustment, computeTax, discountAmount, priceCart, type CartInput } from './index.ts';

const state = { id: 'state', name: 'NY State', rate_ppm: 40_000 };
const city = { id: 'city', name: 'NYC', rate_ppm: 48_750 };
const vat = { id: 'vat', name: 'VAT', rate_ppm: 200_000 };

describe('priceCart', () => {
  it('takes line discounts off the gross and taxes what is left, per line', () => {
    const r = priceCart({
      currency: 'USD',
      pricesIncludeTax: false,
      lines: [
        { id: 'a', unit_price: 1250, quantity: 2, discount: { type: 'amount', value: 100 }, rates: [state, city] },
        { id: 'b', unit_price: 1000, quantity: 1, discount: { type: 'percent', value: 1250 }, rates: [state] },
      ],
    });
    expect(r.lines[0]).toMatchObject({ gross: 2500, line_discount: 100, order_discount_share: 0, amount: 2400, tax_total: 213, total: 2613 });
    // 12.5 % of 10.00 = 1.25
    expect(r.lines[1]).toMatchObject({ gross: 1000, line_discount: 125, amount: 875, tax_total: 35, total: 910 });
    expect(r).toMatchObject({ subtotal: 3500, discount_total: 225, tax_total: 248, total: 3523 });
    expect(r.total).toBe(r.subtotal - r.discount_total + r.tax_total);
    expect(r.breakdown.map((b) => [b.rate_id, b.taxable, b.tax])).toEqual([['state', 3275, 96 + 35], ['city', 2400, 117]]);
  });

  it('spreads an order discount over the lines by largest remainder, deterministically', () => {
    const cart: CartInput = {
      currency: 'USD',
      pricesIncludeTax: false,
      order_discount: { type: 'amount', value: 100 },
      lines: [
        { id: 'a', unit_price: 100, quantity: 1, rates: [] },
        { id: 'b', unit_price: 100, quantity: 1, rates: [] },
        { id: 'c', unit_price: 100, quantity: 1, rates: [] },
      ],
    };
    const r = priceCart(cart);
    // 33.33… each: the one unit left goes to the first line
    expect(r.lines.map((l) => l.order_discount_share)).toEqual([34, 33, 33]);
    expect(r.order_discount_total).toBe(100);
    expect(priceCart(cart)).toEqual(r);
  });

  it('takes a percent order discount of what the line discounts left', () => {
    const r = priceCart({
      currency: 'USD',
      pricesIncludeTax: false,
      order_discount: { type: 'percent', value: 1000 },
      lines: [
        { id: 'a', unit_price: 2000, quantity: 1, discount: { type: 'amount', value: 1000 }, rates: [] },
        { id: 'b', unit_price: 3000, quantity: 1, rates: [] },
      ],
    });
    expect(r.order_discount_total).toBe(400);
    expect(r.lines.map((l) => [l.order_discount_share, l.total])).toEqual([[100, 900], [300, 2700]]);
    expect(r.total).toBe(3600);
  });

  it('keeps the shelf price as the total when prices include tax', () => {
    const r = priceCart({ currency: 'EUR', pricesIncludeTax: true, lines: [{ id: 'a', unit_price: 1000, quantity: 3, rates: [vat] }] });
    expect(r).toMatchObject({ subtotal: 3000, tax_total: 500, net_total: 2500, total: 3000, discount_total: 0 });
  });

  it('refuses discounts above what they apply to, percent above 100 % and non-integer input', () => {
    const line = { id: 'a', unit_price: 100, quantity: 1, rates: [] };
    expect(() => priceCart({ currency: 'USD', pricesIncludeTax: false, lines: [{ ...line, discount: { type: 'amount', value: 101 } }] })).toThrow(RangeError);
    expect(() => priceCart({ currency: 'USD', pricesIncludeTax: false, lines: [line], order_discount: { type: 'percent', value: 10_001 } })).toThrow(RangeError);
    expect(() => priceCart({ currency: 'USD', pricesIncludeTax: false, lines: [{ ...line, unit_price: 1.5 }] })).toThrow(RangeError);
    expect(() => priceCart({ currency: 'USD', pricesIncludeTax: false, lines: [{ ...line, quantity: 0 }] })).toThrow(RangeError);
    expect(discountAmount({ type: 'percent', value: 10_000 }, 999)).toBe(999);
  });

  it('is computeTax when there are no discounts', () => {
    const lines = [
      { id: 'a', unit_price: 1999, quantity: 3, rates: [state, city] },
      { id: 'b', unit_price: 500, quantity: 1, rates: [state] },
    ];
    const r = priceCart({ currency: 'USD', pricesIncludeTax: false, lines });
    const t = computeTax(lines, { pricesIncludeTax: false });
    expect([r.tax_total, r.total, r.net_total]).toEqual([t.tax_total, t.total, t.subtotal]);
  });

  const rate = fc.record({ id: fc.constantFrom('r1', 'r2', 'r3'), rate_ppm: fc.integer({ min: 0, max: 250_000 }) });
  const discount = (max: number) => fc.option(fc.oneof(fc.record({ type: fc.constant('percent' as const), value: fc.integer({ min: 0, max: 10_000 }) }), fc.record({ type: fc.constant('amount' as const), value: fc.integer({ min: 0, max }) })), { nil: undefined });
  const cart = fc
    .array(fc.record({ unit_price: fc.integer({ min: 0, max: 1_000_000 }), quantity: fc.integer({ min: 1, max: 50 }), rates: fc.uniqueArray(rate, { selector: (r) => r.id, maxLength: 2 }), pct: fc.integer({ min: 0, max: 10_000 }) }), { minLength: 1, maxLength: 12 })
    .chain((ls) =>
      fc.record({
        lines: fc.constant(ls.map((l, i) => ({ id: String(i), unit_price: l.unit_price, quantity: l.quantity, rates: l.rates, discount: { type: 'percent' as const, value: l.pct } }))),
        order_discount: discount(0),
        pricesIncludeTax: fc.boolean(),
      }),
    );

  it('adds up: lines to totals, shares to the order discount, tax to the breakdown (property)', () => {
    fc.assert(
      fc.property(cart, ({ lines, order_discount, pricesIncludeTax }) => {
        const r = priceCart({ currency: 'USD', pricesIncludeTax, lines, ...(order_discount ? { order_discount } : {}) });
        const sum = (f: (l: (typeof r.lines)[number]) => number) => r.lines.reduce((s, l) => s + f(l), 0);
        expect(sum((l) => l.order_discount_share)).toBe(r.order_discount_total);
        expect(sum((l) => l.total)).toBe(r.total);
        expect(sum((l) => l.tax_total)).toBe(r.tax_total);
        expect(r.breakdown.reduce((s, b) => s + b.tax, 0)).toBe(r.tax_total);
        expect(r.total).toBe(pricesIncludeTax ? r.subtotal - r.discount_total : r.subtotal - r.discount_total + r.tax_total);
        for (const l of r.lines) {
          expect(l.discount_total).toBeLessThanOrEqual(l.gross);
          expect(l.amount).toBeGreaterThanOrEqual(0);
          expect(l.net + l.tax_total).toBe(l.total);
        }
      }),
    );
  });

  it('allocates exactly, in proportion within one unit, and the same way every time (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 10_000_000 }), (weights, raw) => {
        const sum = weights.reduce((s, w) => s + w, 0);
        fc.pre(sum > 0);
        const total = raw % (sum + 1);
        const parts = allocate(total, weights);
        expect(parts.reduce((s, p) => s + p, 0)).toBe(total);
        parts.forEach((p, i) => {
          expect(Math.abs(p * sum - total * weights[i]!)).toBeLessThan(sum);
          if (weights[i] === 0) expect(p).toBe(0);
        });
        expect(allocate(total, weights)).toEqual(parts);
      }),
    );
  });
});

describe('cashRound', () => {
  it('rounds to the increment, halves up and away from zero', () => {
    expect([101, 102, 103, 104, 105, 107, 108].map((a) => cashRound(a, 5))).toEqual([100, 100, 105, 105, 105, 105, 110]);
    expect(cashRound(105, 10)).toBe(110);
    expect(cashRound(104, 10)).toBe(100);
    expect(cashRound(-103, 5)).toBe(-105);
    expect(cashRound(-102, 5)).toBe(-100);
    expect(cashRound(1234, 0)).toBe(1234);
    expect(cashRound(1234, 1)).toBe(1234);
    expect(cashRoundingAdjustment(102, 5)).toBe(-2);
    expect(() => cashRound(1.5, 5)).toThrow(RangeError);
    expect(() => cashRound(100, -5)).toThrow(RangeError);
  });

  it('lands on a multiple within half an increment (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 2, max: 1000 }), (a, inc) => {
        const r = cashRound(a, inc);
        expect(Math.abs(r % inc) === 0).toBe(true);
        expect(Math.abs(r - a) * 2).toBeLessThanOrEqual(inc);
        expect(cashRound(0 - a, inc)).toBe(0 - r);
      }),
    );
  });
});
