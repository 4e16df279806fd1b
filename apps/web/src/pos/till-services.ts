// The till's background work for a paired device: the catalog feed, the sale sync engine, the
// register's settings, and the request that the browser keep this site's storage.
import type { AuthSource } from '../api/client';
import { sendSale } from '../sync/send-sale';
import { createSyncEngine, type SyncEngine } from '../sync/sync-engine';
import { startCatalogSync, type CatalogSync } from './catalog/catalog-sync';
import { tillDb } from './db/till-db';
import { pairingAuth, type Pairing } from './pairing-store';
import { refreshRegisterSettings } from './register/register-settings';
import { createTillApi } from './till-api';

export type CashierAuth = { user_id: string; access_token: string; expires_at: number };

export interface TillServices {
  catalog: CatalogSync;
  sales: SyncEngine;
  stop(): void;
}

export const SALE_POLL_MS = 30_000;
const PERSIST_KEY = 'storage_persist_asked';

/** Asks once per device that the browser not evict this site's storage (queued sales live there). */
async function askPersistence(): Promise<void> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.persist) return;
  const db = tillDb();
  if ((await storage.persisted?.()) || (await db.getMeta<boolean>(PERSIST_KEY))) return;
  const granted = await storage.persist();
  await db.setMeta(PERSIST_KEY, { asked_at: new Date().toISOString(), granted });
}

export function startTillServices(pairing: Pairing, currentCashier: () => CashierAuth | null): TillServices {
  const api = createTillApi(pairingAuth);
  const catalog = startCatalogSync(api);

  // A sale goes with its cashier's PIN session while that is still open on this device (so the
  // server records who sold it); otherwise with the pairing's token.
  const authFor = (cashierId: string): AuthSource => {
    const c = currentCashier();
    if (c && c.user_id === cashierId && c.expires_at - 30_000 > Date.now()) {
      return { accessToken: async () => c.access_token, renew: async () => (await pairingAuth.accessToken()) ?? null };
    }
    return pairingAuth;
  };
  const sales = createSyncEngine({
    db: tillDb(),
    send: (sale) => sendSale(sale, authFor(sale.cashier.id)),
    locks: typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null,
  });

  const kick = () => void sales.syncNow();
  window.addEventListener('online', kick);
  // Picks up sales queued by another tab and retries after the lock holder went away; a backoff
  // in progress is left to run its course.
  const poll = setInterval(() => {
    if (navigator.onLine && sales.state().next_retry_at === null) kick();
  }, SALE_POLL_MS);
  kick();
  void askPersistence().catch(() => {});
  void refreshRegisterSettings(tillDb(), api, pairing).catch(() => {});

  return {
    catalog,
    sales,
    stop() {
      clearInterval(poll);
      window.removeEventListener('online', kick);
      catalog.stop();
      sales.stop();
    },
  };
}
