// What the till remembers about the people who switch in on it, in localStorage:
// - the store's last cashier list, so the name tiles still show when the API is briefly away;
// - this device's count of wrong PINs in a row, per person and for the register's PIN-only pad,
//   so it can say how many tries are left (the server locks at 5 but does not tell the count).
import type { Cashier } from '../api/client';
import { isObject } from '../auth/stored-value';

export const MAX_PIN_TRIES = 5;

const LIST_PREFIX = 'novapos.pos.cashiers.';
const MISSES_KEY = 'novapos.pos.pin-misses';

type Misses = Record<string, number>;

function read(key: string): unknown {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as unknown) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or blocked: the till works without the cache.
  }
}

const isCashier = (v: unknown): v is Cashier =>
  isObject(v) && typeof v.id === 'string' && typeof v.name === 'string' && typeof v.role === 'string' && typeof v.pin_locked === 'boolean';

export function cachedCashiers(storeId: string): Cashier[] | null {
  const v = read(LIST_PREFIX + storeId);
  return Array.isArray(v) && v.every(isCashier) ? v : null;
}

export function cacheCashiers(storeId: string, list: readonly Cashier[]): void {
  write(LIST_PREFIX + storeId, list);
  // A manager may have unlocked someone since: the server's word replaces this device's count.
  const misses = readMisses();
  let changed = false;
  for (const c of list) {
    if (!c.pin_locked && (misses[c.id] ?? 0) >= MAX_PIN_TRIES) {
      delete misses[c.id];
      changed = true;
    }
  }
  if (changed) write(MISSES_KEY, misses);
}

/** The register's own key, for wrong PINs entered without picking a name. */
export const registerMissKey = (registerId: string) => `register:${registerId}`;

function readMisses(): Misses {
  const v = read(MISSES_KEY);
  return isObject(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, number] => typeof e[1] === 'number')) : {};
}

/** How many wrong PINs in a row this device has counted for the key. */
export function readMissCount(key: string): number {
  return readMisses()[key] ?? 0;
}

/** Counts one more wrong PIN and returns how many tries are left before the server locks. */
export function recordMiss(key: string): number {
  const misses = readMisses();
  const n = Math.min(MAX_PIN_TRIES, (misses[key] ?? 0) + 1);
  write(MISSES_KEY, { ...misses, [key]: n });
  return MAX_PIN_TRIES - n;
}

export function clearMisses(...keys: string[]): void {
  const misses = readMisses();
  for (const k of keys) delete misses[k];
  write(MISSES_KEY, misses);
}

/** On unpair: the next pairing may be another store, and staff names need not linger. */
export function forgetCashiers(): void {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(LIST_PREFIX) || key === MISSES_KEY) localStorage.removeItem(key);
  } catch {
    // Blocked storage: nothing was kept either.
  }
}
