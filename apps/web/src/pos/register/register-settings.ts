// What the till needs to know about its register and tenant to sell offline: the numbers that
// make up its order-number prefix, the cashier discount limit, cash rounding. Fetched when
// online, kept in the till database, read from there.
import { lastNumberOf } from '../../sync/device';
import { raiseCounter } from '../../sync/sale-queue';
import type { TillDb } from '../db/till-db';
import type { Pairing } from '../pairing-store';
import type { TillApi } from '../till-api';

export type RegisterSettings = {
  store_number: number | null;
  register_number: number | null;
  cashier_max_discount_percent: number;
  cash_rounding_increment: number;
  currency: string | null;
  updated_at: string | null;
};

/** Until GET /sales/settings answers: the sales module's own default. */
export const DEFAULT_CASHIER_MAX_DISCOUNT_PERCENT = 10;

export const DEFAULT_SETTINGS: RegisterSettings = {
  store_number: null,
  register_number: null,
  cashier_max_discount_percent: DEFAULT_CASHIER_MAX_DISCOUNT_PERCENT,
  cash_rounding_increment: 0,
  currency: null,
  updated_at: null,
};

export const settingsKey = (registerId: string) => `register_settings:${registerId}`;
export const favouritesKey = (registerId: string) => `favourites:${registerId}`;

export async function readRegisterSettings(db: TillDb, pairing: Pairing): Promise<RegisterSettings> {
  const stored = (await db.getMeta<RegisterSettings>(settingsKey(pairing.register_id))) ?? DEFAULT_SETTINGS;
  return {
    ...stored,
    store_number: stored.store_number ?? pairing.store_number ?? null,
    register_number: stored.register_number ?? pairing.register_number ?? null,
  };
}

/** Refreshes the settings from the server; offline, keeps what is stored. */
export async function refreshRegisterSettings(db: TillDb, api: TillApi, pairing: Pairing): Promise<void> {
  const current = await readRegisterSettings(db, pairing);
  const [store, registers, sales] = await Promise.allSettled([api.getStore(pairing.store_id), api.listRegisters(pairing.store_id), api.salesSettings()]);
  const next: RegisterSettings = { ...current };
  if (store.status === 'fulfilled') next.store_number = store.value.number;
  if (registers.status === 'fulfilled') next.register_number = registers.value.data.find((r) => r.id === pairing.register_id)?.number ?? next.register_number;
  if (sales.status === 'fulfilled') {
    next.cashier_max_discount_percent = sales.value.cashier_max_discount_percent;
    next.cash_rounding_increment = sales.value.cash_rounding_increment;
    next.currency = sales.value.currency;
  }
  // Otherwise (404: the server has no sales settings yet; unreachable) the stored values stay.
  if (store.status === 'fulfilled' || registers.status === 'fulfilled' || sales.status === 'fulfilled') next.updated_at = new Date().toISOString();
  await db.setMeta(settingsKey(pairing.register_id), next);
  // The counter starts above the highest number the server already has for the register (a
  // device paired again, or a replaced one); it never goes down.
  const prefix = numberPrefix(next);
  let floor = 0;
  try {
    floor = lastNumberOf(await api.registerLastNumber(pairing.register_id), prefix);
  } catch {
    // Offline, or a server without the last-number route: the register's recent orders instead.
    if (prefix) {
      try {
        const orders = await api.registerOrders(pairing.register_id, prefix);
        for (const o of orders.data) if (o.number.startsWith(prefix)) floor = Math.max(floor, Number(o.number.slice(prefix.length)) || 0);
      } catch {
        // Offline, or a server without orders yet: this device's own counter is the floor.
      }
    }
  }
  await raiseCounter(db, pairing.register_id, floor);
}

export const numberPrefix = (s: RegisterSettings): string | null =>
  s.store_number !== null && s.register_number !== null ? `S${s.store_number}-R${s.register_number}-` : null;

export async function toggleFavourite(db: TillDb, registerId: string, variantId: string): Promise<boolean> {
  return db.transaction('rw', db.meta, async () => {
    const list = (await db.getMeta<string[]>(favouritesKey(registerId))) ?? [];
    const has = list.includes(variantId);
    await db.setMeta(favouritesKey(registerId), has ? list.filter((id) => id !== variantId) : [...list, variantId]);
    return !has;
  });
}
