// The controller of the selling screen: holds the till state, runs actions (checking their
// predicate), carries out their effects, and routes keys and scanner bursts to actions.
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { uuidv7 } from 'uuidv7';
import { enqueueSale } from '../../sync/sale-queue';
import { actionForKey, tillActions, type ActionId, type ArgOf } from '../actions/registry';
import type { Action, Effect, TillContext, TillState } from '../actions/types';
import { emptyCart, totalsOf, type NewLine } from '../cart/cart';
import { findByBarcode, priceIn, ratesIn } from '../catalog/catalog-query';
import { catalogDb, type CachedVariant, type CatalogDb } from '../db/catalog-db';
import { tillDb } from '../db/till-db';
import type { Pairing } from '../pairing-store';
import { toggleFavourite } from '../register/register-settings';
import { WedgeDetector } from '../scanner/wedge';
import type { TillServices } from '../till-services';

export type TillSetup = {
  pairing: Pairing;
  cashier: { id: string; name: string };
  currency: string;
  pricesIncludeTax: boolean;
  maxDiscountBp: number;
  numberPrefix: string | null;
  services: TillServices | null;
  searchRef: RefObject<HTMLInputElement | null>;
  /** the search field's text, so a scan typed into it can be taken back out */
  setQuery: (update: (q: string) => string) => void;
  onSwitch: () => void;
};

const initial: TillState = { mode: 'sell', cart: emptyCart, dialog: null, notice: null, lastSale: null, finishing: false };

export async function lineFor(db: CatalogDb, v: CachedVariant, storeId: string): Promise<NewLine | string> {
  const price = priceIn(v, storeId);
  if (!price) return `${v.name} has no price yet. Ask a manager to set one.`;
  return { variant_id: v.id, sku: v.sku, name: v.name, unit_price: price.amount, rates: await ratesIn(db, v, storeId) };
}

const isTextField = (el: Element | null) =>
  el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'submit'].includes(el.type));

export function useTill(setup: TillSetup) {
  const [state, setState] = useState<TillState>(initial);
  const totals = useMemo(
    () => totalsOf(state.cart, { pricesIncludeTax: setup.pricesIncludeTax, currency: setup.currency }),
    [state.cart, setup.pricesIncludeTax, setup.currency],
  );
  const ctx: TillContext = useMemo(
    () => ({ currency: setup.currency, pricesIncludeTax: setup.pricesIncludeTax, maxDiscountBp: setup.maxDiscountBp, totals, newId: uuidv7 }),
    [setup.currency, setup.pricesIncludeTax, setup.maxDiscountBp, totals],
  );
  const live = useRef({ state, ctx, setup });
  live.current = { state, ctx, setup };

  const notice = (tone: 'error' | 'info', text: string) => setState((s) => ({ ...s, notice: { tone, text } }));

  const run = useCallback(<K extends ActionId>(id: K, ...args: ArgOf<K> extends void ? [] : [ArgOf<K>]): boolean => {
    const action = tillActions[id] as unknown as Action<unknown>;
    const { state: s, ctx: c } = live.current;
    const arg = args[0];
    if (!action.predicate(s, c, arg)) return false;
    const result = action.perform(s, c, arg);
    if (result.state) {
      live.current.state = result.state;
      setState(result.state);
    }
    if (result.effect) void carryOut(result.effect);
    return true;
    // carryOut only reads live.current
    // oxlint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function carryOut(effect: Effect): Promise<void> {
    const { setup: su, ctx: c } = live.current;
    switch (effect.kind) {
      case 'lookup-barcode': {
        const db = catalogDb();
        const v = await findByBarcode(db, effect.code);
        if (!v) return notice('error', `No product has the barcode ${effect.code}.`);
        if (v.status !== 'active') return notice('error', `${v.name} is archived and can’t be sold.`);
        const line = await lineFor(db, v, su.pairing.store_id);
        if (typeof line === 'string') return notice('error', line);
        run('addLine', line);
        return;
      }
      case 'focus-search':
        su.searchRef.current?.focus();
        su.searchRef.current?.select();
        return;
      case 'print':
        window.print();
        return;
      case 'switch-cashier':
        su.onSwitch();
        return;
      case 'toggle-favourite': {
        const added = await toggleFavourite(tillDb(), su.pairing.register_id, effect.variantId);
        notice('info', added ? 'Added to this register’s favourites.' : 'Removed from favourites.');
        return;
      }
      case 'finish-sale': {
        const s = live.current.state;
        try {
          if (!su.numberPrefix) throw new Error('This till has not loaded its register number yet. Connect it to the network once, then try again.');
          const t = c.totals;
          const byId = new Map(t.lines.map((l) => [l.id, l]));
          const money = (amount: number) => ({ amount, currency: c.currency });
          const sale = await enqueueSale(tillDb(), {
            store_id: su.pairing.store_id,
            register_id: su.pairing.register_id,
            number_prefix: su.numberPrefix,
            cashier: su.cashier,
            lines: s.cart.lines.map((l) => ({ id: l.id, variant_id: l.variant_id, quantity: l.quantity, unit_price: money(l.unit_price), discount: l.discount })),
            order_discount: s.cart.order_discount,
            tendered: money(effect.tendered),
            offline: !navigator.onLine || su.services?.sales.state().failures !== 0,
            receipt: {
              lines: s.cart.lines.map((l) => ({ name: l.name, sku: l.sku, quantity: l.quantity, unit_price: l.unit_price, discount_total: byId.get(l.id)?.discount_total ?? 0, total: byId.get(l.id)?.total ?? 0 })),
              subtotal: t.subtotal,
              discount_total: t.discount_total,
              tax_total: t.tax_total,
              total: t.total,
              tendered: effect.tendered,
              change_due: effect.tendered - t.total,
              currency: c.currency,
              prices_include_tax: c.pricesIncludeTax,
            },
          });
          setState((prev) => ({ ...prev, mode: 'receipt', lastSale: sale, finishing: false, notice: null }));
          void su.services?.sales.syncNow();
        } catch (err) {
          setState((prev) => ({ ...prev, finishing: false, notice: { tone: 'error', text: `The sale was not saved: ${err instanceof Error ? err.message : String(err)}` } }));
        }
        return;
      }
    }
  }

  // Keys: a scanner burst first, then the actions' own bindings.
  useEffect(() => {
    const wedge = new WedgeDetector();
    const onKey = (e: KeyboardEvent) => {
      if (e.isComposing) return;
      const target = document.activeElement;
      const typing = isTextField(target);
      const inSearch = target === live.current.setup.searchRef.current;
      const code = wedge.key(e.key, e.timeStamp || performance.now());
      if (code !== null && (!typing || inSearch) && !live.current.state.dialog) {
        e.preventDefault();
        // The burst went into the search field as it came: take it back out.
        if (inSearch) live.current.setup.setQuery((q) => (q.endsWith(code) ? q.slice(0, -code.length) : q));
        run('scan', code);
        return;
      }
      const id = actionForKey({ key: e.key, ctrlKey: e.ctrlKey, altKey: e.altKey, metaKey: e.metaKey, shiftKey: e.shiftKey, typing }, live.current.state, live.current.ctx);
      if (id) {
        e.preventDefault();
        run(id as 'pay'); // keyed actions take no argument
      }
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [run]);

  const can = useCallback(<K extends ActionId>(id: K, ...args: ArgOf<K> extends void ? [] : [ArgOf<K>]) => {
    const action = tillActions[id] as unknown as Action<unknown>;
    return action.predicate(state, ctx, args[0]);
  }, [state, ctx]);

  return { state, ctx, totals, run, can, notice, dismissNotice: () => setState((s) => ({ ...s, notice: null })) };
}

export type Till = ReturnType<typeof useTill>;
