import { addItem, changeQuantity, checkDiscount, emptyCart, lineBase, moveSelection, orderBase, removeLine, setLineDiscount } from '../cart/cart';
import { freshTender } from '../tender/tender-state';
import type { Action, AddArg, DiscountArg, KeyLike, TillState } from './types';

const plain = (e: KeyLike) => !e.ctrlKey && !e.altKey && !e.metaKey;
const fkey = (name: string) => (e: KeyLike) => plain(e) && !e.shiftKey && e.key === name;
const selling = (s: TillState) => s.mode === 'sell' && !s.dialog && !s.finishing;
const selectedLine = (s: TillState) => s.cart.lines.find((l) => l.id === s.cart.selected) ?? null;

export const scan: Action<string> = {
  id: 'scan',
  label: 'Scan',
  predicate: (s) => selling(s),
  perform: (_s, _c, code) => ({ effect: { kind: 'lookup-barcode', code } }),
};

export const addLine: Action<AddArg> = {
  id: 'add-line',
  label: 'Add',
  predicate: (s) => selling(s),
  perform: (s, c, item) => ({ state: { ...s, cart: addItem(s.cart, item, c.newId), notice: null } }),
};

export const focusSearch: Action = {
  id: 'focus-search',
  label: 'Search',
  shortcut: 'F2',
  predicate: (s) => selling(s),
  perform: () => ({ effect: { kind: 'focus-search' } }),
  keyTest: fkey('F2'),
};

export const toggleCamera: Action = {
  id: 'camera',
  label: 'Camera',
  shortcut: 'Shift+F2',
  predicate: (s) => s.mode === 'sell' && !s.dialog && !s.finishing,
  perform: (s) => ({ state: { ...s, camera: !s.camera } }),
  keyTest: (e) => plain(e) && e.shiftKey && e.key === 'F2',
};

export const selectLine: Action<string> = {
  id: 'select-line',
  label: 'Select line',
  predicate: (s, _c, id) => selling(s) && s.cart.lines.some((l) => l.id === id),
  perform: (s, _c, id) => ({ state: { ...s, cart: { ...s.cart, selected: id } } }),
};

export const previousLine: Action = {
  id: 'previous-line',
  label: 'Previous line',
  shortcut: '↑',
  predicate: (s) => selling(s) && s.cart.lines.length > 0,
  perform: (s) => ({ state: { ...s, cart: moveSelection(s.cart, -1) } }),
  keyTest: (e) => plain(e) && !e.typing && e.key === 'ArrowUp',
};

export const nextLine: Action = {
  id: 'next-line',
  label: 'Next line',
  shortcut: '↓',
  predicate: (s) => selling(s) && s.cart.lines.length > 0,
  perform: (s) => ({ state: { ...s, cart: moveSelection(s.cart, 1) } }),
  keyTest: (e) => plain(e) && !e.typing && e.key === 'ArrowDown',
};

export const quantityUp: Action = {
  id: 'quantity-up',
  label: 'Quantity +1',
  shortcut: '+',
  predicate: (s) => selling(s) && !!selectedLine(s),
  perform: (s) => ({ state: { ...s, cart: changeQuantity(s.cart, s.cart.selected!, 1) } }),
  keyTest: (e) => plain(e) && !e.typing && e.key === '+',
};

export const quantityDown: Action = {
  id: 'quantity-down',
  label: 'Quantity −1',
  shortcut: '−',
  predicate: (s) => selling(s) && (selectedLine(s)?.quantity ?? 0) > 1,
  perform: (s) => ({ state: { ...s, cart: changeQuantity(s.cart, s.cart.selected!, -1) } }),
  keyTest: (e) => plain(e) && !e.typing && e.key === '-',
};

export const removeSelected: Action = {
  id: 'remove-line',
  label: 'Remove line',
  shortcut: 'Del',
  predicate: (s) => selling(s) && !!selectedLine(s),
  perform: (s) => ({ state: { ...s, cart: removeLine(s.cart, s.cart.selected!) } }),
  keyTest: (e) => plain(e) && !e.typing && e.key === 'Delete',
};

export const toggleFavourite: Action = {
  id: 'toggle-favourite',
  label: 'Favourite',
  shortcut: 'F4',
  predicate: (s) => selling(s) && !!selectedLine(s),
  perform: (s) => ({ effect: { kind: 'toggle-favourite', variantId: selectedLine(s)!.variant_id } }),
  keyTest: fkey('F4'),
};

export const openLineDiscount: Action = {
  id: 'line-discount',
  label: 'Line discount',
  shortcut: 'F6',
  predicate: (s) => selling(s) && !!selectedLine(s),
  perform: (s) => ({ state: { ...s, dialog: { kind: 'line-discount', lineId: s.cart.selected! } } }),
  keyTest: fkey('F6'),
};

export const openOrderDiscount: Action = {
  id: 'order-discount',
  label: 'Order discount',
  shortcut: 'F7',
  predicate: (s) => selling(s) && s.cart.lines.length > 0,
  perform: (s) => ({ state: { ...s, dialog: { kind: 'order-discount' } } }),
  keyTest: fkey('F7'),
};

/** Applies (or clears, with null) the discount of the open dialog, within the person's limit. */
export const applyDiscount: Action<DiscountArg> = {
  id: 'apply-discount',
  label: 'Apply discount',
  predicate: (s, c, d) => {
    if (s.mode !== 'sell' || (s.dialog?.kind !== 'line-discount' && s.dialog?.kind !== 'order-discount')) return false;
    if (!d) return true;
    if (s.dialog.kind === 'order-discount') return checkDiscount(d, orderBase(s.cart), c.maxDiscountBp).ok;
    const id = s.dialog.lineId;
    const line = s.cart.lines.find((l) => l.id === id);
    return !!line && checkDiscount(d, lineBase(line), c.maxDiscountBp).ok;
  },
  perform: (s, _c, d) => {
    if (s.dialog?.kind !== 'line-discount' && s.dialog?.kind !== 'order-discount') return {};
    const cart = s.dialog.kind === 'order-discount' ? { ...s.cart, order_discount: d } : setLineDiscount(s.cart, s.dialog.lineId, d);
    return { state: { ...s, cart, dialog: null } };
  },
};

export const closeDialog: Action = {
  id: 'close-dialog',
  label: 'Cancel',
  shortcut: 'Esc',
  predicate: (s) => !!s.dialog,
  perform: (s) => ({ state: { ...s, dialog: null } }),
};

export const clearSale: Action = {
  id: 'clear-sale',
  label: 'Clear sale',
  shortcut: 'F8',
  predicate: (s) => selling(s) && s.cart.lines.length > 0,
  perform: (s) => ({ state: { ...s, cart: emptyCart, notice: { tone: 'info', text: 'The sale was cleared.' } } }),
  keyTest: fkey('F8'),
};

export const parkSale: Action = {
  id: 'park-sale',
  label: 'Park sale',
  shortcut: 'F3',
  predicate: (s) => selling(s) && s.cart.lines.length > 0,
  perform: () => ({ effect: { kind: 'park-sale' } }),
  keyTest: fkey('F3'),
};

export const openParkedSales: Action = {
  id: 'parked-sales',
  label: 'Parked sales',
  shortcut: 'Shift+F3',
  predicate: (s) => selling(s),
  perform: (s) => ({ state: { ...s, dialog: { kind: 'parked' }, notice: null } }),
  keyTest: (e) => plain(e) && e.shiftKey && e.key === 'F3',
};

/** Resumes a parked sale into an empty cart (park or clear the current one first). */
export const resumeParked: Action<string> = {
  id: 'resume-parked',
  label: 'Resume',
  predicate: (s, _c, id) => s.mode === 'sell' && s.dialog?.kind === 'parked' && !s.finishing && s.cart.lines.length === 0 && !!id,
  perform: (_s, _c, id) => ({ effect: { kind: 'resume-parked', id } }),
};

export const discardParked: Action<string> = {
  id: 'discard-parked',
  label: 'Discard',
  predicate: (s, _c, id) => s.mode === 'sell' && s.dialog?.kind === 'parked' && !!id,
  perform: (_s, _c, id) => ({ effect: { kind: 'discard-parked', id } }),
};

export const switchCashier: Action = {
  id: 'switch-cashier',
  label: 'Switch cashier',
  shortcut: 'F9',
  predicate: (s) => selling(s) && s.cart.lines.length === 0,
  perform: () => ({ effect: { kind: 'switch-cashier' } }),
  keyTest: fkey('F9'),
};

export const newSale: Action = {
  id: 'new-sale',
  label: 'New sale',
  shortcut: 'F12',
  predicate: (s) => s.mode === 'receipt',
  perform: (s) => ({ state: { ...s, mode: 'sell', cart: emptyCart, lastSale: null, receipt: null, notice: null, tender: freshTender(null) } }),
  keyTest: (e) => plain(e) && (e.key === 'F12' || (e.key === 'Enter' && !e.typing)),
};

export const printReceipt: Action = {
  id: 'print-receipt',
  label: 'Print',
  shortcut: 'Ctrl+P',
  predicate: (s) => s.mode === 'receipt',
  perform: () => ({ effect: { kind: 'print' } }),
  keyTest: (e) => (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'p',
};

// The tender screen's actions and the drawer's live beside their screens.
export * from '../tender/tender-actions';
export * from '../drawer/drawer-actions';
