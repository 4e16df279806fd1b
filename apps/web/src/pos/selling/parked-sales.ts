// Park and resume, and the sale in progress kept across a reload. Both are carts on the device
// (IndexedDB, strict durability like the queue): no money was taken on either.
import { uuidv7 } from 'uuidv7';
import type { Cart } from '../cart/cart';
import { draftKey, type DraftSale, type ParkedSale, type TillDb } from '../db/till-db';

export type SavedCart = Pick<Cart, 'lines' | 'order_discount'>;

const units = (cart: SavedCart) => cart.lines.reduce((n, l) => n + l.quantity, 0);

export async function parkSale(
  db: TillDb,
  sale: { register_id: string; cashier: { id: string; name: string }; cart: SavedCart; total: number; currency: string },
): Promise<ParkedSale> {
  const parked: ParkedSale = {
    id: uuidv7(),
    register_id: sale.register_id,
    cashier: sale.cashier,
    parked_at: new Date().toISOString(),
    cart: { lines: sale.cart.lines, order_discount: sale.cart.order_discount },
    units: units(sale.cart),
    total: sale.total,
    currency: sale.currency,
  };
  // parked and no longer the draft, in one transaction: a reload right after finds it once
  await db.transaction('rw', [db.parked, db.meta], async () => {
    await db.parked.add(parked);
    await db.meta.delete(draftKey(sale.register_id));
  });
  return parked;
}

/** Takes a parked sale off the list to resume it; null when another tab took or discarded it first. */
export async function takeParked(db: TillDb, id: string): Promise<ParkedSale | null> {
  return db.transaction('rw', db.parked, async () => {
    const found = await db.parked.get(id);
    if (found) await db.parked.delete(id);
    return found ?? null;
  });
}

export async function discardParked(db: TillDb, id: string): Promise<void> {
  await db.parked.delete(id);
}

/** This register's parked sales, oldest first. */
export function parkedOn(db: TillDb, registerId: string): Promise<ParkedSale[]> {
  return db.parked.where('[register_id+parked_at]').between([registerId, ''], [registerId, '\uffff']).toArray();
}

export async function readDraft(db: TillDb, registerId: string): Promise<DraftSale | null> {
  return (await db.getMeta<DraftSale>(draftKey(registerId))) ?? null;
}

/** Saves the sale in progress (an empty cart clears it). */
export async function saveDraft(db: TillDb, registerId: string, draft: Omit<DraftSale, 'saved_at'> | null): Promise<void> {
  if (!draft || draft.cart.lines.length === 0) await db.meta.delete(draftKey(registerId));
  else await db.setMeta(draftKey(registerId), { ...draft, saved_at: new Date().toISOString() } satisfies DraftSale);
}

/**
 * What to do with a draft found when a cashier's till opens: the same cashier gets it back in
 * the cart; another cashier's unfinished sale is parked under its cashier, so it is neither lost
 * nor rung up by someone else.
 */
export async function recoverDraft(db: TillDb, registerId: string, cashierId: string): Promise<{ restored: DraftSale } | { parked: ParkedSale } | null> {
  const draft = await readDraft(db, registerId);
  if (!draft || draft.cart.lines.length === 0) return null;
  // Queuing a sale removes its draft in the same transaction; this also holds for a draft
  // written by a tab that had not seen the sale finish: its lines (their ids) are in the queue.
  const ids = new Set(draft.cart.lines.map((l) => l.id));
  // a Dexie collection read newest first, not an array reversed in place
  // oxlint-disable-next-line unicorn/no-array-reverse
  const recent = await db.sales.orderBy('seq').reverse().limit(50).toArray();
  if (recent.some((sale) => sale.body.order.lines.some((l) => ids.has(l.id)))) {
    await saveDraft(db, registerId, null);
    return null;
  }
  if (draft.cashier.id === cashierId) return { restored: draft };
  return { parked: await parkSale(db, { register_id: registerId, cashier: draft.cashier, cart: draft.cart, total: draft.total, currency: draft.currency }) };
}
