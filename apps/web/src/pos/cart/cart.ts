// The sale being rung up: plain data and pure functions. Totals come from packages/domain's
// priceCart, the same code the server prices an order with.
import { BASIS_POINTS, discountAmount, priceCart, type CartTotals, type TaxRate } from '@novapos/domain';
import type { Discount } from '../db/till-db';

export interface CartLine {
  id: string;
  variant_id: string;
  sku: string;
  name: string;
  /** minor units, as priced in this store when the line was rung */
  unit_price: number;
  quantity: number;
  discount: Discount | null;
  rates: TaxRate[];
}

export interface Cart {
  lines: CartLine[];
  order_discount: Discount | null;
  selected: string | null;
}

export const emptyCart: Cart = { lines: [], order_discount: null, selected: null };

export type NewLine = Omit<CartLine, 'id' | 'quantity' | 'discount'>;

/** A second scan of the same item adds to its line (unless that line carries its own discount). */
export function addItem(cart: Cart, item: NewLine, newId: () => string): Cart {
  const same = cart.lines.find((l) => l.variant_id === item.variant_id && !l.discount && l.unit_price === item.unit_price);
  if (same) return { ...cart, lines: cart.lines.map((l) => (l === same ? { ...l, quantity: l.quantity + 1 } : l)), selected: same.id };
  const line: CartLine = { ...item, id: newId(), quantity: 1, discount: null };
  return { ...cart, lines: [...cart.lines, line], selected: line.id };
}

export function changeQuantity(cart: Cart, lineId: string, delta: number): Cart {
  return { ...cart, lines: cart.lines.map((l) => (l.id === lineId ? { ...l, quantity: Math.max(1, Math.min(1_000_000, l.quantity + delta)) } : l)) };
}

export function removeLine(cart: Cart, lineId: string): Cart {
  const i = cart.lines.findIndex((l) => l.id === lineId);
  const lines = cart.lines.filter((l) => l.id !== lineId);
  const next = lines[Math.min(i, lines.length - 1)]?.id ?? null;
  return { ...cart, lines, selected: next, order_discount: lines.length ? cart.order_discount : null };
}

export function moveSelection(cart: Cart, by: number): Cart {
  if (!cart.lines.length) return cart;
  const i = cart.lines.findIndex((l) => l.id === cart.selected);
  const j = Math.max(0, Math.min(cart.lines.length - 1, (i < 0 ? cart.lines.length : i) + by));
  return { ...cart, selected: cart.lines[j]!.id };
}

export function setLineDiscount(cart: Cart, lineId: string, discount: Discount | null): Cart {
  return { ...cart, lines: cart.lines.map((l) => (l.id === lineId ? { ...l, discount } : l)) };
}

export function totalsOf(cart: Cart, opts: { pricesIncludeTax: boolean; currency: string }): CartTotals {
  return priceCart({
    lines: cart.lines.map((l) => ({ id: l.id, unit_price: l.unit_price, quantity: l.quantity, discount: l.discount, rates: l.rates })),
    order_discount: cart.order_discount,
    pricesIncludeTax: opts.pricesIncludeTax,
    currency: opts.currency,
  });
}

/** What the discount takes off `base`, in basis points of it (for the permission check). */
export function discountShareBp(discount: Pick<Discount, 'type' | 'value'>, base: number): number {
  if (discount.type === 'percent') return discount.value;
  if (base <= 0) return discount.value > 0 ? BASIS_POINTS : 0;
  return Math.ceil((discount.value * BASIS_POINTS) / base);
}

export type DiscountCheck = { ok: true } | { ok: false; message: string };

/** A discount must fit what it applies to, and the cashier's limit (managers have none). */
export function checkDiscount(discount: Pick<Discount, 'type' | 'value'>, base: number, maxBp: number): DiscountCheck {
  try {
    discountAmount(discount, base);
  } catch {
    return { ok: false, message: discount.type === 'percent' ? 'A percent discount is at most 100 %.' : 'The discount is more than the amount it applies to.' };
  }
  if (discountShareBp(discount, base) > maxBp) return { ok: false, message: `Your limit is ${maxBp / 100} % off. Ask a manager for more.` };
  return { ok: true };
}

/** The base a line discount applies to, and the one an order discount applies to. */
export const lineBase = (l: CartLine) => l.unit_price * l.quantity;
export function orderBase(cart: Cart): number {
  return cart.lines.reduce((s, l) => {
    const gross = lineBase(l);
    return s + gross - (l.discount ? discountAmount(l.discount, gross) : 0);
  }, 0);
}
