// The offline tender rules, without a browser: which tenders may be chosen offline, the caps of
// store-and-forward cards, the gift card's offline cap, and how a split offline sale is queued.
import { describe, expect, it } from 'vitest';
import { emptyCart, totalsOf } from '../src/pos/cart/cart.ts';
import { tillActions } from '../src/pos/actions/registry.ts';
import type { TillContext, TillState } from '../src/pos/actions/types.ts';
import { initialDrawer } from '../src/pos/drawer/drawer-state.ts';
import { offlineCardRefusal, offlineGiftCardCap, type OfflineTerms } from '../src/pos/tender/offline-tenders.ts';
import { dueOf, freshTender } from '../src/pos/tender/tender-state.ts';

const cart = { ...emptyCart, lines: [{ id: 'l1', variant_id: 'v1', sku: 'S', name: 'Mug', unit_price: 1000, quantity: 1, discount: null, rates: [] }] };
const base = { currency: 'USD', pricesIncludeTax: false, maxDiscountBp: 10_000, totals: totalsOf(cart, { pricesIncludeTax: false, currency: 'USD' }), newId: () => 'order-1' };
const offline = (card: boolean, giftCardLimit: number): TillContext => ({ ...base, online: false, offlineTenders: { card: card ? { per_payment_cap: 10_000, per_device_cap: 50_000 } : null, giftCardLimit } });
const tendering: TillState = { mode: 'tender', cart, dialog: null, notice: null, lastSale: null, receipt: null, finishing: false, tender: freshTender('order-1'), drawer: initialDrawer, camera: false };
const fmt = (n: number) => `$${(n / 100).toFixed(2)}`;
const terms = (enabled: boolean, key = true): OfflineTerms => ({
  config: { processor_url: 'http://x', publishable_key: 'pk', offline_card: { enabled, per_payment_cap: 10_000, per_device_cap: 50_000 }, offline_gift_card_limit: 2_000 },
  key: key ? { kid: 'k', alg: 'RSA-OAEP-256', jwk: {} } : null,
});

describe('offline tenders', () => {
  it('offers card and gift card offline only as the tenant allows, and never crypto', () => {
    expect(tillActions.chooseCard.predicate(tendering, offline(false, 0), undefined)).toBe(false);
    expect(tillActions.chooseCard.predicate(tendering, offline(true, 0), undefined)).toBe(true);
    expect(tillActions.chooseGiftCard.predicate(tendering, offline(false, 0), undefined)).toBe(false);
    expect(tillActions.chooseGiftCard.predicate(tendering, offline(false, 2000), undefined)).toBe(true);
    expect(tillActions.chooseCrypto.predicate(tendering, offline(true, 2000), undefined)).toBe(false);
  });

  it('encrypts the card offline instead of tokenizing it, without a tip', () => {
    const s: TillState = { ...tendering, dialog: { kind: 'card' }, tender: { ...tendering.tender, method: 'card', card: { amount: 1000, tip: { kind: 'percent', value: 10 } } } };
    const card = { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' };
    expect(tillActions.chargeCard.perform(s, offline(true, 0), card).effect).toEqual({ kind: 'offline-card', card, amount: 1000 });
    expect(tillActions.chargeCard.predicate(s, offline(false, 0), card)).toBe(false);
  });

  it('refuses a card offline when disabled, without the key, or over a cap', () => {
    expect(offlineCardRefusal(null, 100, 0, fmt)).toMatch(/can’t be taken offline/);
    expect(offlineCardRefusal(terms(false), 100, 0, fmt)).toMatch(/can’t be taken offline/);
    expect(offlineCardRefusal(terms(true, false), 100, 0, fmt)).toMatch(/no card terminal key/);
    expect(offlineCardRefusal(terms(true), 10_001, 0, fmt)).toMatch(/limited to \$100\.00/);
    expect(offlineCardRefusal(terms(true), 5_000, 46_000, fmt)).toMatch(/already holds \$460\.00.*At most \$40\.00 more/);
    expect(offlineCardRefusal(terms(true), 10_000, 40_000, fmt)).toBeNull();
  });

  it('caps an offline gift card at the limit and the last known balance', () => {
    expect(offlineGiftCardCap(2000, null)).toBe(2000);
    expect(offlineGiftCardCap(2000, { balance: 500, last4: '1234', seen_at: '' })).toBe(500);
    expect(offlineGiftCardCap(2000, { balance: 9000, last4: '1234', seen_at: '' })).toBe(2000);
  });

  it('redeems a gift card offline into the sale, then takes the rest in cash into the queue', () => {
    const code = '1234567812345678';
    const s: TillState = { ...tendering, tender: { ...tendering.tender, method: 'gift_card', giftCard: { code, last4: '5678', balance: 400, offline: { cap: 400, known: true } } } };
    const c = offline(false, 2000);
    expect(tillActions.redeemGiftCard.predicate(s, c, { code, amount: 401 })).toBe(false);
    const r = tillActions.redeemGiftCard.perform(s, c, { code, amount: 400 });
    expect(r.effect).toBeUndefined();
    expect(r.state!.tender.offline).toEqual([{ label: 'Gift card •••• 5678 (offline)', amount: 400, input: { tender: 'gift_card', offline: true, code, amount: { amount: 400, currency: 'USD' } } }]);
    expect(dueOf(r.state!.tender, 1000)).toBe(600);
    // back online mid-sale, the sale still goes to the queue whole (its offline payment with it)
    const online = { ...c, online: true };
    expect(tillActions.exactCash.perform(r.state!, online, undefined).effect).toEqual({ kind: 'finish-sale', tendered: 600 });
    expect(tillActions.chooseCrypto.predicate(r.state!, online, undefined)).toBe(false);
  });

  it('voids only a sale with money taken on the server, online, with a reason', () => {
    const order = { id: 'o1', number: 'S1-R1-000001', amount_paid: { amount: 500 }, amount_due: { amount: 500 }, payments: [] } as unknown as TillState['tender']['order'];
    const s: TillState = { ...tendering, tender: { ...tendering.tender, order } };
    const on = { ...offline(false, 0), online: true };
    expect(tillActions.voidSale.predicate(tendering, on, undefined)).toBe(false);
    expect(tillActions.voidSale.predicate(s, { ...on, online: false }, undefined)).toBe(false);
    const opened = tillActions.voidSale.perform(s, on, undefined).state!;
    expect(opened.dialog).toEqual({ kind: 'void-sale' });
    expect(tillActions.confirmVoidSale.predicate(opened, on, '  ')).toBe(false);
    expect(tillActions.confirmVoidSale.perform(opened, on, ' wrong items ').effect).toEqual({ kind: 'void-sale', orderId: 'o1', reason: 'wrong items' });
  });
});
