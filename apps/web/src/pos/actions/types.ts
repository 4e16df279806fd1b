// Every intent on the till (scan, add, quantity, discount, pay, new sale…) is an action with a
// predicate (may it run now), a pure perform (state in, state out, plus at most one effect for
// the controller to carry out: IndexedDB, focus, navigation) and a key binding. A scanner, a key
// and a button all dispatch the same action, so they cannot drift apart.
import type { CartTotals } from '@novapos/domain';
import type { Cart, NewLine } from '../cart/cart';
import type { Discount, QueuedSale } from '../db/till-db';
import type { DrawerEffect, DrawerState } from '../drawer/drawer-actions';
import type { ReceiptView } from '../receipt/receipt-view';
import type { TenderEffect } from '../tender/tender-actions';
import type { TenderState } from '../tender/tender-state';

export type TillMode = 'sell' | 'tender' | 'receipt' | 'drawer';

export type TillDialog = null | { kind: 'line-discount'; lineId: string } | { kind: 'order-discount' } | { kind: 'card' } | { kind: 'void-sale' } | { kind: 'parked' };

export interface TillState {
  mode: TillMode;
  cart: Cart;
  dialog: TillDialog;
  notice: { tone: 'error' | 'info'; text: string } | null;
  lastSale: QueuedSale | null;
  /** a sale paid online: the server's order as the receipt shows it */
  receipt: ReceiptView | null;
  /** a sale being written to the queue */
  finishing: boolean;
  tender: TenderState;
  drawer: DrawerState;
  /** the camera scanner is on (the selling screen shows it) */
  camera: boolean;
}

export interface TillContext {
  currency: string;
  pricesIncludeTax: boolean;
  /** the signed-in person's discount limit in basis points (10 000 = no limit) */
  maxDiscountBp: number;
  totals: CartTotals;
  newId: () => string;
  /** the server can be reached (tenders other than cash need it) */
  online: boolean;
  /** what the tenant lets this till take offline (last known; absent: cash only) */
  offlineTenders?: { card: { per_payment_cap: number; per_device_cap: number } | null; giftCardLimit: number };
}

export type Effect =
  | { kind: 'lookup-barcode'; code: string }
  | { kind: 'focus-search' }
  | { kind: 'finish-sale'; tendered: number }
  | { kind: 'switch-cashier' }
  | { kind: 'print' }
  | { kind: 'toggle-favourite'; variantId: string }
  | { kind: 'park-sale' }
  | { kind: 'resume-parked'; id: string }
  | { kind: 'discard-parked'; id: string }
  | TenderEffect
  | DrawerEffect;

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
