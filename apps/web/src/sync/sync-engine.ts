// Pushes the queue to the server as per-device mutations, oldest first, a batch at a time.
// - A mutation the server applied, or had already applied (`duplicate`), is marked synced.
// - One it refused for a business reason (`rejected`) is set aside with the problem; its seq
//   counts as processed, so the rest go on.
// - A `sequence_gap` (the server has less than this till thinks, e.g. restored from a backup)
//   puts everything of that device after `last_applied_seq` back in the queue and sends again.
// - A network failure, a 5xx, a 429, or a batch the server stopped part way through ends the run:
//   the same mutations are sent again after a backoff (2 s doubling to 5 min, with jitter),
//   never skipped. A replay is harmless: the server answers `duplicate` for what it has.
// - Only one tab syncs at a time: the run holds a Web Lock, and a tab that cannot get it leaves
//   the work to the holder (IndexedDB is shared, so every tab sees the outcome).
import Dexie from 'dexie';
import type { QueuedSale, TillDb } from '../pos/db/till-db';
import { deviceAckKey } from './device';
import { rejectionOf, type PushOutcome } from './push';

export type SyncRunResult = { sent: number; rejected: number; stopped: 'drained' | 'retry' | 'busy'; reason?: string };

/** The part of the Web Locks API (navigator.locks) the engine uses. */
export interface Locks {
  request<T>(name: string, options: { ifAvailable: true }, callback: (lock: object | null) => Promise<T> | T): Promise<T>;
}

export interface SyncEngineDeps {
  db: TillDb;
  /** Pushes one device's mutations (in seq order) to the server. */
  push(deviceId: string, registerId: string, sales: readonly QueuedSale[]): Promise<PushOutcome>;
  locks?: Locks | null;
  /** mutations per push (default 10) */
  batchSize?: number;
  now?: () => number;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export const SYNC_LOCK = 'novapos.sale-sync';
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_MAX_MS = 5 * 60_000;
/** `sequence_gap` answers taken in one run before giving up until the next (a server that keeps asking is broken) */
const MAX_GAPS_PER_RUN = 3;

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
  const batchSize = deps.batchSize ?? 10;
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
    let gaps = 0;
    for (;;) {
      if (stopped) return { sent, rejected, stopped: 'retry', reason: 'stopped' };
      const batch = await nextBatch(db, batchSize);
      if (!batch.length) return { sent, rejected, stopped: 'drained' };
      const { device_id: deviceId, register_id: registerId } = batch[0]!;
      const at = new Date(now()).toISOString();
      let outcome: PushOutcome;
      try {
        outcome = await deps.push(deviceId, registerId, batch);
      } catch (err) {
        outcome = { kind: 'retry', reason: err instanceof Error ? err.message : String(err) };
      }
      if (outcome.kind === 'retry') {
        await db.transaction('rw', db.sales, () =>
          Promise.all(batch.map((s) => db.sales.update(s.seq, { attempts: s.attempts + 1, last_attempt_at: at, last_error: outcome.reason }))),
        );
        return { sent, rejected, stopped: 'retry', reason: outcome.reason };
      }
      if (outcome.kind === 'gap') {
        if (++gaps > MAX_GAPS_PER_RUN) return { sent, rejected, stopped: 'retry', reason: 'The server keeps asking for earlier sales' };
        const missing = await requeueAfter(db, deviceId, outcome.last_applied_seq);
        if (missing) return { sent, rejected, stopped: 'retry', reason: missing };
        continue;
      }
      const counts = await applyResults(db, batch, outcome, at);
      sent += counts.sent;
      rejected += counts.rejected;
      if (state.failures) set({ failures: 0, last_error: null });
      // The server stopped before the end of the batch (an outage on its side): try again later.
      if (counts.sent + counts.rejected < batch.length) {
        return { sent, rejected, stopped: 'retry', reason: 'The server stopped part way through; the rest is sent again shortly' };
      }
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

/** The oldest queued mutation's device, and that device's queued mutations in seq order. */
async function nextBatch(db: TillDb, limit: number): Promise<QueuedSale[]> {
  const first = await db.sales.where('[status+seq]').between(['queued', Dexie.minKey], ['queued', Dexie.maxKey]).first();
  if (!first) return [];
  const queued = await db.sales
    .where('[status+device_id+device_seq]')
    .between(['queued', first.device_id, Dexie.minKey], ['queued', first.device_id, Dexie.maxKey])
    .limit(limit)
    .toArray();
  // A push carries one consecutive run of the device's sequence.
  const run = queued.findIndex((s, i) => i > 0 && s.device_seq !== queued[i - 1]!.device_seq + 1);
  return run < 0 ? queued : queued.slice(0, run);
}

async function applyResults(db: TillDb, batch: readonly QueuedSale[], outcome: Extract<PushOutcome, { kind: 'processed' }>, at: string) {
  const bySeq = new Map(outcome.results.map((r) => [r.seq, r]));
  let sent = 0;
  let rejected = 0;
  await db.transaction('rw', [db.sales, db.meta], async () => {
    for (const sale of batch) {
      const r = bySeq.get(sale.device_seq);
      // A result for another mutation at this seq would mean the server holds something else there.
      if (!r || (r.id && r.id !== sale.mutation_id)) {
        if (r) await db.sales.update(sale.seq, { attempts: sale.attempts + 1, last_attempt_at: at, last_error: `The server holds another sale at sequence ${r.seq}` });
        continue;
      }
      if (r.status === 'rejected' || (r.status === 'duplicate' && r.problem && !r.order)) {
        const rejection = rejectionOf(r.problem);
        await db.sales.update(sale.seq, { status: 'rejected', attempts: sale.attempts + 1, last_attempt_at: at, last_error: rejection.detail ?? rejection.title, rejection });
        rejected++;
      } else {
        const o = r.order ?? null;
        await db.sales.update(sale.seq, {
          status: 'synced',
          attempts: sale.attempts + 1,
          last_attempt_at: at,
          last_error: null,
          synced_at: at,
          server: { number: o?.number ?? sale.number, status: o?.status ?? 'unknown', total: o?.total?.amount ?? null },
        });
        sent++;
      }
    }
    const key = deviceAckKey(batch[0]!.device_id);
    if (outcome.last_applied_seq > ((await db.getMeta<number>(key)) ?? 0)) await db.setMeta(key, outcome.last_applied_seq);
  });
  return { sent, rejected };
}

/**
 * After a sequence_gap: every mutation of the device after `last` goes back in the queue (the
 * server asks for them again), whatever became of it here. Returns why it cannot, when this till
 * no longer has the mutation right after `last`.
 */
async function requeueAfter(db: TillDb, deviceId: string, last: number): Promise<string | null> {
  return db.transaction('rw', [db.sales, db.meta], async () => {
    const after = await db.sales.where('[device_id+device_seq]').between([deviceId, last + 1], [deviceId, Dexie.maxKey]).toArray();
    if (!after.length || after[0]!.device_seq !== last + 1) {
      return `The server has this till's sales up to number ${last} only, and the till no longer has sale ${last + 1}: call support.`;
    }
    for (const s of after) if (s.status !== 'queued') await db.sales.update(s.seq, { status: 'queued', synced_at: null, rejection: null, server: null });
    await db.setMeta(deviceAckKey(deviceId), last);
    return null;
  });
}
