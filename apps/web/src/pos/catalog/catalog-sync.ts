// Keeps the catalog cache fresh: on start, when the browser comes back online, and every minute.
// One pull at a time in this tab, and one across tabs (Web Lock): a second tab just reads the
// same IndexedDB.
import { catalogDb, type CatalogDb } from '../db/catalog-db';
import type { TillApi } from '../till-api';
import { pullCatalog, SETTINGS_KEY, SYNCED_AT_KEY } from './catalog-feed';

export const CATALOG_POLL_MS = 60_000;

export type CatalogSyncState = {
  running: boolean;
  /** when a pull last completed on this device (null: never, the catalog is not all here yet) */
  synced_at: string | null;
  /** synced_at has been read from IndexedDB (until then, "never" is not known) */
  known: boolean;
  error: string | null;
  /** variants received by the pull under way */
  applied: number;
};

type Listener = (s: CatalogSyncState) => void;

export interface CatalogSync {
  pull(): Promise<void>;
  state(): CatalogSyncState;
  subscribe(l: Listener): () => void;
  stop(): void;
}

export function startCatalogSync(api: TillApi, db: CatalogDb = catalogDb()): CatalogSync {
  let state: CatalogSyncState = { running: false, synced_at: null, known: false, error: null, applied: 0 };
  const listeners = new Set<Listener>();
  const set = (patch: Partial<CatalogSyncState>) => {
    state = { ...state, ...patch };
    listeners.forEach((l) => l(state));
  };
  void db.meta.get(SYNCED_AT_KEY).then(
    (m) => set({ known: true, synced_at: state.synced_at ?? ((m?.value as string | undefined) ?? null) }),
    () => set({ known: true }),
  );

  let inflight: Promise<void> | null = null;
  async function run(): Promise<void> {
    set({ running: true, applied: 0 });
    try {
      // The feed carries settings only when they change: read them once per pull as well.
      const settings = await api.catalogSettings();
      await db.meta.put({ key: SETTINGS_KEY, value: { currency: settings.currency, prices_include_tax: settings.prices_include_tax } });
      await pullCatalog(db, (cursor) => api.catalogChanges(cursor), undefined, (p) => set({ applied: p.variants }));
      set({ running: false, error: null, synced_at: new Date().toISOString() });
    } catch (err) {
      set({ running: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  function pull(): Promise<void> {
    if (inflight) return inflight;
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    const p = locks ? locks.request('novapos.catalog-sync', { ifAvailable: true }, (lock) => (lock ? run() : undefined)) : run();
    inflight = Promise.resolve(p).finally(() => (inflight = null));
    return inflight;
  }

  const onOnline = () => void pull();
  window.addEventListener('online', onOnline);
  const timer = setInterval(() => {
    if (navigator.onLine) void pull();
  }, CATALOG_POLL_MS);
  void pull();

  return {
    pull,
    state: () => state,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    stop() {
      clearInterval(timer);
      window.removeEventListener('online', onOnline);
    },
  };
}
