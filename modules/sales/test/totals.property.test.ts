// The till prices a sale offline with packages/domain's priceCart; the server prices it again when
// it arrives. Random carts (variants under several tax codes, quantities, line and order
// discounts, tax-inclusive or not) must come out with the same totals and tax on both sides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { priceCart, type CartDiscount, type TaxRate } from '@novapos/domain';
import { idem, startTestApp, type TestApp, type TestTenant } from '@novapos/server/testing';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const PRICES = [1, 99, 333, 1000, 1999, 2550, 9999, 123_457];

describe('server totals equal the domain totals the till computes', () => {
  let t: TestApp;
  let owner: TestTenant;
  let variants: { id: string; price: number; rates: TaxRate[] }[] = [];
  beforeAll(async () => {
    t = await startTestApp('pglite');
    owner = await t.signup();
    const api = async (method: string, url: string, body?: unknown) => {
      const r = await t.request(method, url, { token: owner.token, headers: idem(), ...(body !== undefined ? { body } : {}) });
      if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const codes = [
      await api('POST', '/api/v1/tax-codes', { name: 'State and city', rates: [{ store_id: owner.storeId, name: 'State', rate_ppm: 40_000 }, { store_id: owner.storeId, name: 'City', rate_ppm: 48_750 }] }),
      await api('POST', '/api/v1/tax-codes', { name: 'Reduced', rates: [{ store_id: owner.storeId, name: 'Reduced', rate_ppm: 72_500 }] }),
      null,
    ];
    let i = 0;
    for (const price of PRICES) {
      const code = codes[i++ % codes.length];
      const p = await api('POST', '/api/v1/products', { name: `P${i}`, ...(code ? { tax_code_id: code.id } : {}), variants: [{ sku: `P-${i}`, price: usd(price) }] });
      const rates: TaxRate[] = code ? code.rates.filter((r: { store_id: string }) => r.store_id === owner.storeId).map((r: { id: string; name: string; rate_ppm: number }) => ({ id: r.id, name: r.name, rate_ppm: r.rate_ppm })) : [];
      variants.push({ id: p.variants[0].id, price, rates });
    }
  }, 120_000);
  afterAll(() => t?.close());

  const discount = fc.oneof(
    fc.record({ type: fc.constant('percent' as const), value: fc.integer({ min: 0, max: 10_000 }) }),
    fc.record({ type: fc.constant('amount' as const), value: fc.integer({ min: 0, max: 50_000 }) }),
  );
  const cart = fc.record({
    inclusive: fc.boolean(),
    lines: fc.array(fc.record({ v: fc.nat({ max: PRICES.length - 1 }), quantity: fc.integer({ min: 1, max: 25 }), discount: fc.option(discount, { nil: null }) }), { minLength: 1, maxLength: 6 }),
    order: fc.option(discount, { nil: null }),
  });

  it('for random carts', async () => {
    let inclusive: boolean | null = null;
    await fc.assert(
      fc.asyncProperty(cart, async (c) => {
        if (c.inclusive !== inclusive) {
          const s = await t.request('PATCH', '/api/v1/catalog/settings', { token: owner.token, body: { prices_include_tax: c.inclusive } });
          expect(s.status).toBe(200);
          inclusive = c.inclusive;
        }
        // an amount off is at most what it comes off (the till's validation does the same)
        const lines = c.lines.map((l, i) => {
          const v = variants[l.v]!;
          const gross = v.price * l.quantity;
          const d: CartDiscount | null = l.discount ? { type: l.discount.type, value: l.discount.type === 'amount' ? Math.min(l.discount.value, gross) : l.discount.value } : null;
          return { id: `l${i}`, variant: v, quantity: l.quantity, discount: d };
        });
        const domainLines = lines.map((l) => ({ id: l.id, unit_price: l.variant.price, quantity: l.quantity, discount: l.discount, rates: l.variant.rates }));
        const noOrder = priceCart({ lines: domainLines, order_discount: null, pricesIncludeTax: c.inclusive, currency: 'USD' });
        const left = noOrder.subtotal - noOrder.discount_total;
        const orderDiscount: CartDiscount | null = c.order ? { type: c.order.type, value: c.order.type === 'amount' ? Math.min(c.order.value, left) : c.order.value } : null;
        const expected = priceCart({ lines: domainLines, order_discount: orderDiscount, pricesIncludeTax: c.inclusive, currency: 'USD' });

        const r = await t.request('POST', '/api/v1/orders', {
          token: owner.token,
          headers: idem(),
          body: {
            store_id: owner.storeId,
            register_id: owner.registerId,
            lines: lines.map((l) => ({ variant_id: l.variant.id, quantity: l.quantity, ...(l.discount ? { discount: { ...l.discount, reason: 'test' } } : {}) })),
            ...(orderDiscount ? { order_discount: { ...orderDiscount, reason: 'test' } } : {}),
          },
        });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        expect({ subtotal: r.body.subtotal.amount, discount_total: r.body.discount_total.amount, tax_total: r.body.tax_total.amount, total: r.body.total.amount }).toEqual({
          subtotal: expected.subtotal,
          discount_total: expected.discount_total,
          tax_total: expected.tax_total,
          total: expected.total,
        });
        expect(r.body.lines.map((l: { tax_total: { amount: number }; total: { amount: number } }) => [l.tax_total.amount, l.total.amount])).toEqual(expected.lines.map((l) => [l.tax_total, l.total]));
      }),
      { numRuns: 40 },
    );
  }, 180_000);
});
