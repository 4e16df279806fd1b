// The till's background work for a paired device: the catalog feed, the sale sync engine, the
// register's settings, and the request that the browser keep this site's storage.
import { pushSales } from '../sync/push';
import { createSyncEngine, type SyncEngine } from '../sync/sync-engine';
import { startCatalogSync, type CatalogSync } from './catalog/catalog-sync';
import { tillDb } from './db/till-db';
import { pairingAuth, type Pairing } from './pairing-store';
import { refreshRegisterSettings } from './register/register-settings';
import { createTillApi } from './till-api';
import { refreshVerifiers } from './pin/verifiers';

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

export function startTillServices(pairing: Pairing): TillServices {
  const api = createTillApi(pairingAuth);
  const catalog = startCatalogSync(api);

  // Pushes go with the pairing's token (it outlives PIN sessions and works while nobody is signed
  // in, or after an offline PIN switch); each mutation names its cashier (cashier_id).
  const sales = createSyncEngine({
    db: tillDb(),
    push: (deviceId, registerId, batch) => pushSales(deviceId, registerId, batch, pairingAuth),
    locks: typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null,
  });

  const refreshPins = () => void refreshVerifiers(tillDb(), api, pairing.store_id).catch(() => {});
  const kick = () => {
    void sales.syncNow();
    refreshPins();
  };
  window.addEventListener('online', kick);
  // Picks up sales queued by another tab and retries after the lock holder went away; a backoff
  // in progress is left to run its course.
  const poll = setInterval(() => {
    if (navigator.onLine && sales.state().next_retry_at === null) void sales.syncNow();
  }, SALE_POLL_MS);
  // A PIN changed in the back office reaches this till's offline check within minutes.
  const pinPoll = setInterval(() => navigator.onLine && refreshPins(), 10 * 60_000);
  kick();
  void askPersistence().catch(() => {});
  void refreshRegisterSettings(tillDb(), api, pairing).catch(() => {});

  return {
    catalog,
    sales,
    stop() {
      clearInterval(poll);
      clearInterval(pinPoll);
      window.removeEventListener('online', kick);
      catalog.stop();
      sales.stop();
    },
  };
}
