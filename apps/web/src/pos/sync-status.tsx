import { useEffect, useState, useSyncExternalStore } from 'react';
import type { CatalogSync } from './catalog/catalog-sync';
import { queueSummary } from '../sync/sale-queue';
import { useOnline } from '../ui/use-online';
import { tillDb } from './db/till-db';
import { openRefusedSales } from './manager/refused-view';
import { useLiveQuery } from './use-live-query';

export const STALE_MS = 24 * 60 * 60_000;

export function ageText(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'under a minute';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} days`;
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function useQueueSummary() {
  return useLiveQuery(() => queueSummary(tillDb()), [], { queued: 0, rejected: 0, oldest_queued_at: null });
}

export function NetPill() {
  const online = useOnline();
  return (
    <span className={online ? 'pos__net' : 'pos__net pos__net--off'} role="status">
      {online ? 'Online' : 'Offline'}
    </span>
  );
}

/** What the cashier must always see: offline, how many sales wait and for how long, refusals. */
export function QueueBanner() {
  const online = useOnline();
  const q = useQueueSummary();
  const now = useNow(30_000);
  const age = q.oldest_queued_at ? now - Date.parse(q.oldest_queued_at) : 0;
  const stale = q.queued > 0 && age > STALE_MS;
  return (
    <>
      {(!online || q.queued > 0 || q.rejected > 0) && (
        <div className={`till-sync${stale ? ' till-sync--stale' : ''}`} role={stale ? 'alert' : 'status'} aria-label="Sales waiting to send">
          {!online && <strong className="till-sync__offline">Offline: sales are saved on this till and sent when the connection is back.</strong>}
          {q.queued > 0 && (
            <span data-testid="queued-sales">
              {q.queued} {q.queued === 1 ? 'sale' : 'sales'} waiting to send · oldest {ageText(age)}
            </span>
          )}
          {stale && <strong> · Older than 24 hours: connect this till to the network as soon as possible.</strong>}
          {q.rejected > 0 && (
            <span className="till-sync__rejected">
              {q.rejected} {q.rejected === 1 ? 'sale was' : 'sales were'} refused by the server: a manager must look at {q.rejected === 1 ? 'it' : 'them'}.
              <button type="button" className="button button--small button--secondary till-sync__review" onClick={openRefusedSales}>
                Review refused sales
              </button>
            </span>
          )}
        </div>
      )}
    </>
  );
}

const idle = { running: false, synced_at: null, known: false, error: null, applied: 0 };

/**
 * The catalog's download as the cashier needs to know it: its progress the first time on this
 * device, and a failing update (prices as of when).
 */
export function CatalogStatus({ catalog }: { catalog: CatalogSync | null | undefined }) {
  const online = useOnline();
  const state = useSyncExternalStore(
    (cb) => catalog?.subscribe(cb) ?? (() => {}),
    () => catalog?.state() ?? idle,
  );
  if (!state.known) return null;
  const fmt = (n: number) => n.toLocaleString();
  if (state.synced_at === null) {
    if (state.error && !state.running)
      return (
        <div className="till-sync till-sync--stale" role="alert" aria-label="Catalog">
          <strong>The catalog could not be downloaded onto this till:</strong> {state.error}. It is tried again every minute and when the connection is back.
        </div>
      );
    return (
      <div className="till-sync" role="status" aria-label="Catalog">
        Downloading the catalog onto this till… {state.applied > 0 ? `${fmt(state.applied)} items so far` : ''}
      </div>
    );
  }
  if (state.error && online && !state.running)
    return (
      <div className="till-sync" role="status" aria-label="Catalog">
        Catalog updates are failing ({state.error}): prices are as of {new Date(state.synced_at).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' })}.
      </div>
    );
  return null;
}
