// The controller of the selling screen: holds the till state, runs actions (checking their
// predicate), carries out their effects, and routes keys and scanner bursts to actions.
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { uuidv7 } from 'uuidv7';
import { enqueueSale } from '../../sync/sale-queue';
import { actionForKey, tillActions, type ActionId, type ArgOf } from '../actions/registry';
import type { Action, Effect, TillContext, TillState } from '../actions/types';
import { emptyCart, totalsOf, type NewLine } from '../cart/cart';
import { fmt as fmtMoney } from './money';
import { findByBarcode, priceIn, ratesIn } from '../catalog/catalog-query';
import { catalogDb, type CachedVariant, type CatalogDb } from '../db/catalog-db';
import { tillDb } from '../db/till-db';
import type { Pairing } from '../pairing-store';
import { toggleFavourite } from '../register/register-settings';
import { WedgeDetector } from '../scanner/wedge';
import type { TillServices } from '../till-services';
import type { AuthSource } from '../../api/client';
import { useOnline } from '../../ui/use-online';
import { carryOutDrawer, createDrawerApi } from '../drawer/drawer-effects';
import { initialDrawer } from '../drawer/drawer-state';
import { printReceipt } from '../receipt/print';
import { createTenderApi } from '../tender/tender-api';
import { carryOutTender } from '../tender/tender-effects';
import { freshTender, moneyTaken, offlineTaken } from '../tender/tender-state';
import { discardParked, parkSale, recoverDraft, saveDraft, takeParked } from './parked-sales';
import { offlineTerms, refreshOfflineTerms, spendKnownGiftCard } from '../tender/offline-tenders';

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
  /** the signed-in cashier's token: payments and the drawer are theirs */
  auth: AuthSource;
};

const initial: TillState = { mode: 'sell', cart: emptyCart, dialog: null, notice: null, lastSale: null, receipt: null, finishing: false, tender: freshTender(null), drawer: initialDrawer, camera: false };

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
  const browserOnline = useOnline();
  const online = browserOnline && (setup.services?.sales.state().failures ?? 0) === 0;
  const [offlineTenders, setOfflineTenders] = useState<TillContext['offlineTenders']>(undefined);
  const ctx: TillContext = useMemo(
    () => ({ currency: setup.currency, pricesIncludeTax: setup.pricesIncludeTax, maxDiscountBp: setup.maxDiscountBp, totals, newId: uuidv7, online, offlineTenders }),
    [setup.currency, setup.pricesIncludeTax, setup.maxDiscountBp, totals, online, offlineTenders],
  );
  const apis = useMemo(() => ({ tender: createTenderApi(setup.auth), drawer: createDrawerApi(setup.auth, setup.pairing.register_id) }), [setup.auth, setup.pairing.register_id]);
  // What may be taken offline: refreshed from the server (and the processor's terminal key) while
  // online, each time the tender screen opens; read from IndexedDB otherwise.
  const tendering = state.mode === 'tender';
  const termsAsked = useRef(false);
  useEffect(() => {
    let gone = false;
    const db = tillDb();
    // asked once when the till starts online, then each time the tender screen opens online
    const ask = online && (tendering || !termsAsked.current);
    if (ask) termsAsked.current = true;
    void (ask ? refreshOfflineTerms(db, apis.tender).catch(() => {}) : Promise.resolve())
      .then(() => offlineTerms(db))
      .then((terms) => {
        if (gone) return;
        const card = terms?.config.offline_card.enabled && terms.key ? { per_payment_cap: terms.config.offline_card.per_payment_cap, per_device_cap: terms.config.offline_card.per_device_cap } : null;
        setOfflineTenders({ card, giftCardLimit: terms?.config.offline_gift_card_limit ?? 0 });
      })
      .catch(() => {});
    return () => {
      gone = true;
    };
  }, [online, tendering, apis.tender]);
  const live = useRef({ state, ctx, setup, apis });
  live.current = { state, ctx, setup, apis };

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
    const { setup: su, ctx: c, apis: api } = live.current;
    const env = {
      state: () => live.current.state,
      ctx: () => live.current.ctx,
      update: (fn: (s: TillState) => TillState) => {
        live.current.state = fn(live.current.state);
        setState(live.current.state);
      },
      store_id: su.pairing.store_id,
      register_id: su.pairing.register_id,
      cashier: su.cashier,
      finishSale: (tendered: number) => {
        live.current.state = { ...live.current.state, finishing: true };
        setState(live.current.state);
        void carryOut({ kind: 'finish-sale', tendered });
      },
    };
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
        return printReceipt(live.current.state, api.tender);
      case 'switch-cashier':
        su.onSwitch();
        return;
      case 'park-sale': {
        const snapshot = live.current.state.cart;
        try {
          await parkSale(tillDb(), { register_id: su.pairing.register_id, cashier: su.cashier, cart: snapshot, total: c.totals.total, currency: c.currency });
        } catch (err) {
          return notice('error', `The sale was not parked: ${err instanceof Error ? err.message : String(err)}`);
        }
        const units = snapshot.lines.reduce((n, l) => n + l.quantity, 0);
        env.update((s) => {
          // anything rung while the write ran stays in the cart
          const lines = s.cart.lines.filter((l) => !snapshot.lines.some((p) => p.id === l.id));
          return {
            ...s,
            cart: lines.length ? { ...s.cart, lines, selected: lines.at(-1)!.id } : emptyCart,
            notice: { tone: 'info', text: `Sale parked: ${units} ${units === 1 ? 'item' : 'items'}, ${fmtMoney(c.totals.total, c.currency)}. Parked sales (Shift+F3) brings it back.` },
          };
        });
        return;
      }
      case 'resume-parked': {
        const parked = await takeParked(tillDb(), effect.id).catch(() => null);
        if (!parked) return notice('error', 'That sale is no longer parked: it was resumed or discarded, maybe in another tab.');
        if (live.current.state.cart.lines.length > 0 || live.current.state.mode !== 'sell') {
          // something was rung while it was taken off the list: it goes back rather than mix in
          await parkSale(tillDb(), { register_id: su.pairing.register_id, cashier: parked.cashier, cart: parked.cart, total: parked.total, currency: parked.currency }).catch(() => {});
          return notice('error', 'Park or clear the sale in progress to resume another one.');
        }
        env.update((s) => ({
          ...s,
          dialog: null,
          cart: { lines: parked.cart.lines, order_discount: parked.cart.order_discount, selected: parked.cart.lines.at(-1)?.id ?? null },
          notice: { tone: 'info', text: `Resumed the sale ${parked.cashier.name} parked at ${new Date(parked.parked_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.` },
        }));
        return;
      }
      case 'discard-parked':
        await discardParked(tillDb(), effect.id);
        return notice('info', 'The parked sale was discarded.');
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
          // payments taken offline on this sale (card, gift card), then the cash handed over
          const taken = s.tender.offline;
          const paidOffline = offlineTaken(s.tender);
          const payments = taken.length ? [...taken.map((p) => p.input), ...(effect.tendered > 0 ? [{ tender: 'cash' as const, amount: money(effect.tendered) }] : [])] : undefined;
          const sale = await enqueueSale(tillDb(), {
            store_id: su.pairing.store_id,
            register_id: su.pairing.register_id,
            number_prefix: su.numberPrefix,
            cashier: su.cashier,
            lines: s.cart.lines.map((l) => ({ id: l.id, variant_id: l.variant_id, quantity: l.quantity, unit_price: money(l.unit_price), discount: l.discount })),
            order_discount: s.cart.order_discount,
            tendered: money(effect.tendered),
            ...(payments ? { payments } : {}),
            offline: taken.length > 0 || !navigator.onLine || su.services?.sales.state().failures !== 0,
            receipt: {
              lines: s.cart.lines.map((l) => ({ name: l.name, sku: l.sku, quantity: l.quantity, unit_price: l.unit_price, discount_total: byId.get(l.id)?.discount_total ?? 0, total: byId.get(l.id)?.total ?? 0 })),
              subtotal: t.subtotal,
              discount_total: t.discount_total,
              tax_total: t.tax_total,
              total: t.total,
              tendered: paidOffline + effect.tendered,
              change_due: Math.max(0, paidOffline + effect.tendered - t.total),
              ...(taken.length
                ? { payments: [...taken.map((p) => ({ label: p.label, amount: p.amount })), ...(effect.tendered > 0 ? [{ label: 'Cash', amount: effect.tendered }] : [])] }
                : {}),
              currency: c.currency,
              prices_include_tax: c.pricesIncludeTax,
            },
          });
          for (const p of taken) if (p.input.tender === 'gift_card') await spendKnownGiftCard(tillDb(), String(p.input.code), p.amount).catch(() => {});
          live.current.state = { ...live.current.state, mode: 'receipt', lastSale: sale, receipt: null, finishing: false, notice: null };
          setState((prev) => ({ ...prev, mode: 'receipt', lastSale: sale, receipt: null, finishing: false, notice: null }));
          void su.services?.sales.syncNow();
        } catch (err) {
          setState((prev) => ({ ...prev, finishing: false, notice: { tone: 'error', text: `The sale was not saved: ${err instanceof Error ? err.message : String(err)}` } }));
        }
        return;
      }
      case 'drawer-load':
      case 'drawer-open':
      case 'drawer-movement':
      case 'drawer-report':
      case 'drawer-close':
        return carryOutDrawer(effect, { ...env, api: api.drawer });
      default:
        return carryOutTender(effect, { ...env, api: api.tender });
    }
  }

  // The sale in progress is saved as it changes, so a reload, a closed tab or a crash keeps it;
  // it stops being a draft once money is taken on it (the server holds the order then) or it is
  // done. A draft found when the till opens comes back (or is parked, if another cashier rang it).
  const recovered = useRef(false);
  useEffect(() => {
    let gone = false;
    const { pairing, cashier } = live.current.setup;
    void recoverDraft(tillDb(), pairing.register_id, cashier.id)
      .then((r) => {
        if (gone) return;
        recovered.current = true;
        if (!r) return;
        const s0 = live.current.state;
        if ('parked' in r) return notice('info', `${r.parked.cashier.name}’s unfinished sale was parked: Parked sales (Shift+F3) brings it back.`);
        if (s0.mode === 'sell' && s0.cart.lines.length === 0) {
          const cart = { lines: r.restored.cart.lines, order_discount: r.restored.cart.order_discount, selected: r.restored.cart.lines.at(-1)?.id ?? null };
          live.current.state = { ...s0, cart, notice: { tone: 'info', text: 'The sale in progress was restored.' } };
          setState(live.current.state);
          return;
        }
        // something was rung before the draft was read: the draft is parked, not overwritten
        const d = r.restored;
        return parkSale(tillDb(), { register_id: pairing.register_id, cashier: d.cashier, cart: d.cart, total: d.total, currency: d.currency }).then(() =>
          notice('info', 'The sale in progress before the reload was parked: Parked sales (Shift+F3) brings it back.'),
        );
      })
      .catch(() => {
        recovered.current = true;
      });
    return () => {
      gone = true;
    };
  }, []);
  const draftDone = state.mode === 'receipt' || moneyTaken(state.tender) || state.tender.offline.length > 0;
  useEffect(() => {
    if (!recovered.current) return;
    const { pairing, cashier } = live.current.setup;
    const { ctx: c } = live.current;
    const draft = draftDone ? null : { cashier, cart: { lines: state.cart.lines, order_discount: state.cart.order_discount }, total: c.totals.total, currency: c.currency };
    void saveDraft(tillDb(), pairing.register_id, draft).catch((err: unknown) => console.error('the sale in progress was not saved', err));
  }, [state.cart, draftDone]);

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

  return { state, ctx, totals, run, can, apis, notice, dismissNotice: () => setState((s) => ({ ...s, notice: null })) };
}

export type Till = ReturnType<typeof useTill>;
