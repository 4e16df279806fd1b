import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TillDb } from '../src/pos/db/till-db.ts';
import type { CartLine } from '../src/pos/cart/cart.ts';
import { discardParked, parkedOn, parkSale, readDraft, recoverDraft, saveDraft, takeParked, type SavedCart } from '../src/pos/selling/parked-sales.ts';
import { enqueueSale } from '../src/sync/sale-queue.ts';

const REGISTER = '0190a1b2-0000-7000-8000-000000000002';
const OTHER_REGISTER = '0190a1b2-0000-7000-8000-000000000003';
const casey = { id: '0190a1b2-0000-7000-8000-0000000000c1', name: 'Casey' };
const maya = { id: '0190a1b2-0000-7000-8000-0000000000c2', name: 'Maya' };

const line = (n: number, quantity = 1): CartLine => ({
  id: `0190a1b2-0000-7000-8000-0000000001${String(n).padStart(2, '0')}`,
  variant_id: '0190a1b2-0000-7000-8000-000000000099',
  sku: `TEE-${n}`,
  name: `Tee ${n}`,
  unit_price: 1000,
  quantity,
  discount: null,
  rates: [],
});
const cart = (...lines: CartLine[]): SavedCart => ({ lines, order_discount: null });
const draftOf = (c: SavedCart, cashier = casey) => ({ cashier, cart: c, total: c.lines.reduce((s, l) => s + l.unit_price * l.quantity, 0), currency: 'USD' });

let db: TillDb;
let n = 0;
beforeEach(async () => {
  db = new TillDb(`till-parked-${++n}`);
  await db.open();
});
afterEach(() => db.close());

describe('parked sales and the sale in progress', () => {
  it('parks per register, oldest first, and a parked sale is taken once', async () => {
    const a = await parkSale(db, { register_id: REGISTER, cashier: casey, cart: cart(line(1, 2), line(2)), total: 3000, currency: 'USD' });
    const b = await parkSale(db, { register_id: REGISTER, cashier: maya, cart: cart(line(3)), total: 1000, currency: 'USD' });
    await parkSale(db, { register_id: OTHER_REGISTER, cashier: maya, cart: cart(line(4)), total: 1000, currency: 'USD' });
    const list = await parkedOn(db, REGISTER);
    expect(list.map((p) => [p.id, p.units, p.total, p.cashier.name])).toEqual([
      [a.id, 3, 3000, 'Casey'],
      [b.id, 1, 1000, 'Maya'],
    ]);

    // two tabs resume the same one: only the first gets it
    const [first, second] = await Promise.all([takeParked(db, a.id), takeParked(db, a.id)]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect((first ?? second)!.cart.lines.map((l) => l.id)).toEqual([line(1).id, line(2).id]);
    await discardParked(db, b.id);
    expect(await parkedOn(db, REGISTER)).toEqual([]);
    expect(await parkedOn(db, OTHER_REGISTER)).toHaveLength(1);
  });

  it('parking the sale in progress clears it as the draft', async () => {
    await saveDraft(db, REGISTER, draftOf(cart(line(1))));
    await parkSale(db, { register_id: REGISTER, cashier: casey, cart: cart(line(1)), total: 1000, currency: 'USD' });
    expect(await readDraft(db, REGISTER)).toBeNull();
    expect(await recoverDraft(db, REGISTER, casey.id)).toBeNull();
  });

  it('gives the draft back to the cashier who rang it, and parks it for anyone else', async () => {
    await saveDraft(db, REGISTER, draftOf(cart(line(1), line(2, 3))));
    const same = await recoverDraft(db, REGISTER, casey.id);
    expect(same && 'restored' in same && same.restored.cart.lines.map((l) => l.quantity)).toEqual([1, 3]);

    const other = await recoverDraft(db, REGISTER, maya.id);
    expect(other && 'parked' in other && other.parked.cashier).toEqual(casey);
    expect(await readDraft(db, REGISTER)).toBeNull();
    expect((await parkedOn(db, REGISTER)).map((p) => p.units)).toEqual([4]);
  });

  it('an empty cart clears the draft; a queued sale takes its draft with it', async () => {
    await saveDraft(db, REGISTER, draftOf(cart(line(1))));
    await saveDraft(db, REGISTER, draftOf(cart()));
    expect(await readDraft(db, REGISTER)).toBeNull();

    await saveDraft(db, REGISTER, draftOf(cart(line(5))));
    await enqueueSale(db, {
      store_id: '0190a1b2-0000-7000-8000-000000000001',
      register_id: REGISTER,
      number_prefix: 'S1-R2-',
      cashier: casey,
      lines: [{ id: line(5).id, variant_id: line(5).variant_id, quantity: 1, unit_price: { amount: 1000, currency: 'USD' } }],
      tendered: { amount: 1000, currency: 'USD' },
      offline: true,
      receipt: { lines: [], subtotal: 1000, discount_total: 0, tax_total: 0, total: 1000, tendered: 1000, change_due: 0, currency: 'USD', prices_include_tax: false },
    });
    expect(await readDraft(db, REGISTER)).toBeNull();

    // a stale draft of the same sale written afterwards (another tab) is recognised by its lines
    await saveDraft(db, REGISTER, draftOf(cart(line(5))));
    expect(await recoverDraft(db, REGISTER, casey.id)).toBeNull();
    expect(await readDraft(db, REGISTER)).toBeNull();
  });
});
