// Every intent on the till (scan, add, quantity, discount, pay, new sale…) is an action with a
// predicate (may it run now), a pure perform (state in, state out, plus at most one effect for
// the controller to carry out: IndexedDB, focus, navigation) and a key binding. A scanner, a key
// and a button all dispatch the same action, so they cannot drift apart.
import type { CartTotals } from '@novapos/domain';
import type { Cart, NewLine } from '../cart/cart';
import type { Discount, QueuedSale } from '../db/till-db';

export type TillMode = 'sell' | 'tender' | 'receipt';

export type TillDialog = null | { kind: 'line-discount'; lineId: string } | { kind: 'order-discount' };

export interface TillState {
  mode: TillMode;
  cart: Cart;
  dialog: TillDialog;
  notice: { tone: 'error' | 'info'; text: string } | null;
  lastSale: QueuedSale | null;
  /** a sale being written to the queue */
  finishing: boolean;
}

export interface TillContext {
  currency: string;
  pricesIncludeTax: boolean;
  /** the signed-in person's discount limit in basis points (10 000 = no limit) */
  maxDiscountBp: number;
  totals: CartTotals;
  newId: () => string;
}

export type Effect =
  | { kind: 'lookup-barcode'; code: string }
  | { kind: 'focus-search' }
  | { kind: 'finish-sale'; tendered: number }
  | { kind: 'switch-cashier' }
  | { kind: 'print' }
  | { kind: 'toggle-favourite'; variantId: string };

export type ActionResult = { state?: TillState; effect?: Effect };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  /** focus is in a text field: plain character keys belong to it */
  typing: boolean;
}

export interface Action<A = void> {
  id: string;
  label: string;
  /** shown on the button */
  shortcut?: string;
  predicate(state: TillState, ctx: TillContext, arg: A): boolean;
  perform(state: TillState, ctx: TillContext, arg: A): ActionResult;
  keyTest?(e: KeyLike, state: TillState): boolean;
}

export type DiscountArg = Discount | null;
export type AddArg = NewLine;
