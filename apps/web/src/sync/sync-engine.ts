// Sends the queue to the server, oldest first, one sale at a time.
// - A sale the server took (or had already taken: same key, same body → replay) is marked synced.
// - A sale it refuses for a business reason is set aside with the reason; the rest go on.
// - A network failure, a 5xx, a 429 or a request still in progress stops the run: the same sale
//   is retried after a backoff (2 s doubling to 5 min, with jitter), never skipped.
// - Only one tab syncs at a time: the run holds a Web Lock, and a tab that cannot get it leaves
//   the work to the holder (IndexedDB is shared, so every tab sees the outcome).
import Dexie from 'dexie';
import type { QueuedSale, SaleRejection, TillDb } from '../pos/db/till-db';

export type SendOutcome =
  | { kind: 'accepted'; order: { number: string; status: string; total: number | null } }
  | { kind: 'rejected'; rejection: SaleRejection }
  | { kind: 'retry'; reason: string };

export type SyncRunResult = { sent: number; rejected: number; stopped: 'drained' | 'retry' | 'busy'; reason?: string };

/** The part of the Web Locks API (navigator.locks) the engine uses. */
export interface Locks {
  request<T>(name: string, options: { ifAvailable: true }, callback: (lock: object | null) => Promise<T> | T): Promise<T>;
}

export interface SyncEngineDeps {
  db: TillDb;
  send(sale: QueuedSale): Promise<SendOutcome>;
  locks?: Locks | null;
  now?: () => number;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export const SYNC_LOCK = 'novapos.sale-sync';
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_MAX_MS = 5 * 60_000;

export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const raw = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

export type SyncEngineState = { running: boolean; failures: number; next_retry_at: number | null; last_error: string | null };

export interface SyncEngine {
  /** Runs now (or joins the run in progress). */
  syncNow(): Promise<SyncRunResult>;
  state(): SyncEngineState;
  subscribe(l: (s: SyncEngineState) => void): () => void;
  stop(): void;
}

export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const listeners = new Set<(s: SyncEngineState) => void>();
  let state: SyncEngineState = { running: false, failures: 0, next_retry_at: null, last_error: null };
  let timer: unknown = null;
  let inflight: Promise<SyncRunResult> | null = null;
  let stopped = false;

  const set = (patch: Partial<SyncEngineState>) => {
    state = { ...state, ...patch };
    listeners.forEach((l) => l(state));
  };

  async function drain(): Promise<SyncRunResult> {
    let sent = 0;
    let rejected = 0;
    for (;;) {
      if (stopped) return { sent, rejected, stopped: 'retry', reason: 'stopped' };
      const sale = await nextQueued(db);
      if (!sale) return { sent, rejected, stopped: 'drained' };
      const at = new Date(now()).toISOString();
      let outcome: SendOutcome;
      try {
        outcome = await deps.send(sale);
      } catch (err) {
        outcome = { kind: 'retry', reason: err instanceof Error ? err.message : String(err) };
      }
      if (outcome.kind === 'retry') {
        await db.sales.update(sale.seq, { attempts: sale.attempts + 1, last_attempt_at: at, last_error: outcome.reason });
        return { sent, rejected, stopped: 'retry', reason: outcome.reason };
      }
      if (outcome.kind === 'accepted') {
        await db.sales.update(sale.seq, { status: 'synced', attempts: sale.attempts + 1, last_attempt_at: at, last_error: null, synced_at: at, server: outcome.order });
        sent++;
      } else {
        await db.sales.update(sale.seq, { status: 'rejected', attempts: sale.attempts + 1, last_attempt_at: at, last_error: outcome.rejection.detail ?? outcome.rejection.title, rejection: outcome.rejection });
        rejected++;
      }
      if (state.failures) set({ failures: 0, last_error: null });
    }
  }

  function schedule(result: SyncRunResult) {
    if (timer !== null) clearTimer(timer);
    timer = null;
    if (stopped || result.stopped !== 'retry') {
      set({ next_retry_at: null, ...(result.stopped === 'drained' ? { failures: 0, last_error: null } : {}) });
      return;
    }
    const failures = state.failures + 1;
    const delay = backoffDelay(failures, random);
    set({ failures, last_error: result.reason ?? null, next_retry_at: now() + delay });
    timer = setTimer(() => {
      timer = null;
      void syncNow();
    }, delay);
  }

  function syncNow(): Promise<SyncRunResult> {
    if (inflight) return inflight;
    const run = async (): Promise<SyncRunResult> => {
      set({ running: true });
      try {
        const result = deps.locks
          ? ((await deps.locks.request(SYNC_LOCK, { ifAvailable: true }, (lock) => (lock ? drain() : null))) ?? { sent: 0, rejected: 0, stopped: 'busy' as const })
          : await drain();
        schedule(result);
        return result;
      } finally {
        set({ running: false });
      }
    };
    inflight = run().finally(() => (inflight = null));
    return inflight;
  }

  return {
    syncNow,
    state: () => state,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    stop() {
      stopped = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
  };
}

async function nextQueued(db: TillDb): Promise<QueuedSale | undefined> {
  // Lowest sequence first, through the [status+seq] index (synced sales are not walked).
  return db.sales.where('[status+seq]').between(['queued', Dexie.minKey], ['queued', Dexie.maxKey]).first();
}
