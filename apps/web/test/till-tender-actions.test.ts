import { describe, expect, it } from 'vitest';
import { emptyCart, totalsOf } from '../src/pos/cart/cart.ts';
import { actionForKey, tillActions } from '../src/pos/actions/registry.ts';
import type { TillContext, TillState } from '../src/pos/actions/types.ts';
import { initialDrawer } from '../src/pos/drawer/drawer-state.ts';
import { freshTender } from '../src/pos/tender/tender-state.ts';

const cart = { ...emptyCart, lines: [{ id: 'l1', variant_id: 'v1', sku: 'S', name: 'Mug', unit_price: 1000, quantity: 1, discount: null, rates: [] }] };
const ctx = (online: boolean): TillContext => ({ currency: 'USD', pricesIncludeTax: false, maxDiscountBp: 10_000, totals: totalsOf(cart, { pricesIncludeTax: false, currency: 'USD' }), newId: () => 'order-1', online });
const tendering: TillState = { mode: 'tender', cart, dialog: null, notice: null, lastSale: null, receipt: null, finishing: false, tender: freshTender('order-1'), drawer: initialDrawer, camera: false };
const key = (k: string, typing = false) => ({ key: k, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, typing });

describe('the tender actions', () => {
  it('pays exact cash on the server online and through the durable queue offline', () => {
    expect(tillActions.exactCash.perform(tendering, ctx(true), undefined).effect).toEqual({ kind: 'take-payment', body: { tender: 'cash', amount: 1000 } });
    expect(tillActions.exactCash.perform(tendering, ctx(false), undefined).effect).toEqual({ kind: 'finish-sale', tendered: 1000 });
  });

  it('takes less cash than due only online (a split), and offline only what covers the sale', () => {
    expect(tillActions.cashTendered.predicate(tendering, ctx(true), 400)).toBe(true);
    expect(tillActions.cashTendered.predicate(tendering, ctx(false), 400)).toBe(false);
    expect(tillActions.cashTendered.predicate(tendering, ctx(false), 2000)).toBe(true);
  });

  it('refuses card, gift card and crypto offline', () => {
    for (const id of ['chooseCard', 'chooseGiftCard', 'chooseCrypto'] as const) {
      expect(tillActions[id].predicate(tendering, ctx(false), undefined)).toBe(false);
      expect(tillActions[id].predicate(tendering, ctx(true), undefined)).toBe(true);
    }
  });

  it('binds the test cards to 1–4 only inside the card terminal and not while typing', () => {
    const withDialog = { ...tendering, dialog: { kind: 'card' as const }, tender: { ...tendering.tender, card: { amount: 1000, tip: null } } };
    expect(actionForKey(key('2'), withDialog, ctx(true))).toBe('testCardDecline');
    expect(actionForKey(key('2', true), withDialog, ctx(true))).toBeNull();
    expect(actionForKey(key('2'), tendering, ctx(true))).toBeNull();
    expect(actionForKey(key('F2'), tendering, ctx(true))).toBe('chooseCard');
  });

  it('keeps the sale on the tender screen once money was taken on it', () => {
    const paid = { ...tendering, tender: { ...tendering.tender, order: { id: 'o', amount_paid: { amount: 500, currency: 'USD' }, amount_due: { amount: 500, currency: 'USD' }, payments: [] } as never } };
    expect(tillActions.backToSale.predicate(tendering, ctx(true), undefined)).toBe(true);
    expect(tillActions.backToSale.predicate(paid, ctx(true), undefined)).toBe(false);
    expect(tillActions.exactCash.perform(paid, ctx(true), undefined).effect).toEqual({ kind: 'take-payment', body: { tender: 'cash', amount: 500 } });
  });

  it('opens the drawer screen only between sales', () => {
    const selling = { ...tendering, mode: 'sell' as const };
    expect(tillActions.openDrawerScreen.predicate(selling, ctx(true), undefined)).toBe(false);
    expect(tillActions.openDrawerScreen.predicate({ ...selling, cart: emptyCart }, ctx(true), undefined)).toBe(true);
  });
});
