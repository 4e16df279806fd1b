// Outbound webhooks: signed, retried with backoff on anything but 2xx, the same event id and body
// on every attempt (re-signed with a fresh timestamp, as Stripe does).
import type { FastifyBaseLogger } from 'fastify';
import type { CryptoCharge, WebhookEvent, WebhookEventType } from './contract.ts';
import { newId } from './errors.ts';
import type { Faults } from './faults.ts';
import { SIGNATURE_HEADER, signatureHeader } from './signature.ts';
import { SandboxClosedError, type Timers } from './timers.ts';

export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'dropped' | 'no_endpoint';

export interface DeliveryAttempt {
  copy: number;
  attempt: number;
  at: number;
  status: number | null;
  error: string | null;
}

export interface EventRecord {
  event: WebhookEvent;
  url: string | null;
  state: DeliveryState;
  copies: number;
  attempts: DeliveryAttempt[];
}

export interface WebhookDeps {
  secret: string;
  url: string | null;
  now: () => Date;
  timers: Timers;
  faults: Faults;
  log: FastifyBaseLogger;
  /** Waits between attempts; its length + 1 is the number of attempts. */
  retryDelaysMs: readonly number[];
  attemptTimeoutMs: number;
}

export function createWebhookSender(deps: WebhookDeps) {
  const { secret, now, timers, faults, log } = deps;
  let defaultUrl = deps.url;
  const records: EventRecord[] = [];
  const inFlight = new Set<Promise<void>>();
  const closing = new AbortController();
  const counts = { sent: 0, delivered: 0, failed_attempts: 0 };

  async function deliverCopy(record: EventRecord, url: string, raw: string, copy: number): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const t = Math.floor(now().getTime() / 1000);
      const entry: DeliveryAttempt = { copy, attempt, at: t, status: null, error: null };
      record.attempts.push(entry);
      counts.sent++;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'NovaPOS-Sandbox/1', [SIGNATURE_HEADER]: signatureHeader(secret, raw, t) },
          body: raw,
          signal: AbortSignal.any([closing.signal, AbortSignal.timeout(deps.attemptTimeoutMs)]),
        });
        entry.status = res.status;
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          counts.delivered++;
          log.info({ event: record.event.id, type: record.event.type, status: res.status, attempt, copy }, 'webhook delivered');
          return true;
        }
      } catch (err) {
        if (closing.signal.aborted) return false;
        entry.error = err instanceof Error ? err.message : String(err);
      }
      counts.failed_attempts++;
      const delay = deps.retryDelaysMs[attempt - 1];
      log.warn({ event: record.event.id, status: entry.status, error: entry.error, attempt, retry_in_ms: delay ?? null }, 'webhook attempt failed');
      if (delay === undefined) return false;
      try {
        await timers.sleep(delay);
      } catch (err) {
        if (err instanceof SandboxClosedError) return false;
        throw err;
      }
    }
  }

  function track(p: Promise<void>) {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }

  return {
    setUrl(url: string | null) {
      defaultUrl = url;
    },
    emit(type: WebhookEventType, charge: CryptoCharge): WebhookEvent {
      const event: WebhookEvent = { id: newId('evt'), object: 'event', type, created: Math.floor(now().getTime() / 1000), data: { charge } };
      const url = charge.metadata.webhook_url ?? defaultUrl;
      const record: EventRecord = { event, url, state: 'pending', copies: 1, attempts: [] };
      records.push(record);
      if (!url) {
        record.state = 'no_endpoint';
        return structuredClone(event);
      }
      const fate = faults.takeWebhookFate();
      if (fate === 'drop') {
        record.state = 'dropped';
        log.info({ event: event.id, type }, 'webhook dropped by fault control');
        return structuredClone(event);
      }
      record.copies = fate === 'duplicate' ? 2 : 1;
      // one serialization for every attempt and copy: the receiver verifies these exact bytes
      const raw = JSON.stringify(event);
      track(
        (async () => {
          const results = await Promise.all(Array.from({ length: record.copies }, (_, i) => deliverCopy(record, url, raw, i + 1)));
          record.state = results.some(Boolean) ? 'delivered' : 'failed';
        })().catch((err: unknown) => {
          record.state = 'failed';
          log.error({ err, event: event.id }, 'webhook delivery crashed');
        }),
      );
      return structuredClone(event);
    },
    /** Resolves once every delivery under way (retries included) has finished. */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
    list(filter: { type?: WebhookEventType | undefined; charge?: string | undefined; limit: number }): WebhookEvent[] {
      return records
        .filter((r) => (filter.type === undefined || r.event.type === filter.type) && (filter.charge === undefined || r.event.data.charge.id === filter.charge))
        .slice(-filter.limit)
        .toReversed()
        .map((r) => structuredClone(r.event));
    },
    records(): EventRecord[] {
      return structuredClone(records);
    },
    stats() {
      const byState: Record<string, number> = {};
      const byType: Record<string, number> = {};
      for (const r of records) {
        byState[r.state] = (byState[r.state] ?? 0) + 1;
        byType[r.event.type] = (byType[r.event.type] ?? 0) + 1;
      }
      return {
        events: records.length,
        by_type: byType,
        by_state: byState,
        /** HTTP POSTs made, retries and duplicate copies included. */
        sent: counts.sent,
        /** POSTs answered 2xx (a duplicated event counts twice). */
        delivered: counts.delivered,
        failed_attempts: counts.failed_attempts,
        dropped: byState.dropped ?? 0,
        duplicated: records.filter((r) => r.copies > 1).length,
        in_flight: inFlight.size,
      };
    },
    close() {
      closing.abort();
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
