import { hostname } from 'node:os';
import type { JsMsg } from 'nats';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import type { Metrics } from '../http/metrics.ts';
import {
  backoffMs,
  countBacklog,
  countDeadLetters,
  deliverBatch,
  fanOut,
  handleOnce,
  purge,
  recordDeadLetter,
  relayTo,
  wants,
  type ConsumerDef,
  type DeliveryOutcome,
  type PurgeResult,
  type RetryPolicy,
} from './delivery.ts';
import { openNats, type NatsTransport } from './nats-transport.ts';
import type { EventEnvelope } from './types.ts';

export type { ConsumerDef, PurgeResult } from './delivery.ts';
export { retryDeadLetter } from './delivery.ts';

export interface EventBus {
  /** Registers a consumer; only before start(). */
  subscribe(consumer: ConsumerDef): void;
  /** Starts the relay, the consumers, LISTEN, the poll and purge timers (worker role). Idempotent. */
  start(): Promise<void>;
  /** Stops taking work, lets in-flight deliveries commit, closes LISTEN and NATS. */
  stop(): Promise<void>;
  /** Delivers until nothing is pending for this bus's consumers (retries included); throws on timeout. */
  drain(timeoutMs?: number): Promise<void>;
  /** Unrelayed events plus pending deliveries (all consumers; in NATS mode also unacked messages). */
  backlog(): Promise<number>;
  deadLetters(): Promise<number>;
  /** Deletes what is older than the retention; also run by the bus's timer. */
  purge(): Promise<PurgeResult>;
}

export interface EventBusOptions {
  database: Database;
  log: Logger;
  metrics?: Metrics;
  /** NATS JetStream between workers; unset means delivery through the database alone. */
  natsUrl?: string;
  /** Safety-net poll interval (default 200 ms). */
  pollMs?: number;
  /** Attempts before a delivery is parked as dead (default 10). */
  maxAttempts?: number;
  workerId?: string;
  /**
   * PostgreSQL URL for a dedicated LISTEN connection (NOTIFY on outbox insert wakes the bus at
   * once). The pool cannot LISTEN: its connections come and go. Without it the bus polls.
   */
  listenUrl?: string;
  /** Backoff: first retry after ~retryBaseMs (default 1 s), doubling up to retryMaxMs (default 5 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long delivered outbox and inbox rows are kept (default 7 days). */
  retentionMs?: number;
  purgeEveryMs?: number;
  /** Parallel delivery loops (default 4 on PostgreSQL; PGlite has one session, so 1). */
  concurrency?: number;
}

const DAY = 24 * 60 * 60 * 1000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createEventBus(opts: EventBusOptions): EventBus {
  const { database } = opts;
  const db = database.db;
  const workerId = opts.workerId ?? `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const log = opts.log.child({ component: 'event-bus', worker: workerId });
  const policy: RetryPolicy = { maxAttempts: opts.maxAttempts ?? 10, baseMs: opts.retryBaseMs ?? 1000, maxMs: opts.retryMaxMs ?? 5 * 60_000 };
  const pollMs = opts.pollMs ?? 200;
  const retentionMs = opts.retentionMs ?? 7 * DAY;
  const concurrency = database.kind === 'pglite' ? 1 : (opts.concurrency ?? 4);
  const consumers = new Map<string, ConsumerDef>();

  let starting: Promise<void> | null = null;
  let stopping = false;
  // A function, not the flag itself, in loop conditions: stop() flips it from another task.
  const live = () => !stopping;
  let nats: NatsTransport | null = null;
  let listener: pg.Client | null = null;
  const timers: NodeJS.Timeout[] = [];
  let pumping: Promise<void> | null = null;
  let again = false;

  const report = (o: DeliveryOutcome) => {
    if (o.kind === 'done') {
      opts.metrics?.eventsDelivered.inc({ consumer: o.consumer.name });
      return;
    }
    opts.metrics?.eventsFailed.inc({ consumer: o.consumer.name });
    const ctx = { consumer: o.consumer.name, event_id: o.event.id, type: o.event.type, tenant_id: o.event.tenant_id };
    if (o.dead) log.error({ ...ctx, err: o.error, attempts: o.attempts }, 'event delivery parked as dead letter');
    else log.warn({ ...ctx, err: o.error, attempts: o.attempts, retry_in_ms: o.retryInMs }, 'event delivery failed; will retry');
  };

  const FANOUT_BATCH = 500;
  const DELIVERY_BATCH = 16;

  // Relay then deliver what is due. Runs one at a time per bus; a wake-up during a run queues one more run.
  async function pumpOnce(): Promise<void> {
    if (!live()) return;
    try {
      if (nats) {
        const transport = nats;
        while ((await relayTo(db, (events) => transport.publish(events))) > 0 && live());
      }
      let fanned = 0;
      if (!nats && consumers.size > 0) {
        // Without consumers, relaying would mark events as handed out to nobody. A short batch
        // means the outbox is drained: no second, empty round trip.
        const list = [...consumers.values()];
        for (let n = FANOUT_BATCH; n === FANOUT_BATCH && live(); ) fanned += n = await fanOut(db, list, FANOUT_BATCH);
      }
      if (consumers.size === 0) return;
      // Deliveries are claimed in batches (one transaction each, a savepoint per delivery); as
      // many loops as there is fresh work for, each ending on one empty claim: an idle poll or a
      // lone event costs one loop, a burst gets `concurrency` of them.
      const batch = () => deliverBatch(db, consumers, policy, DELIVERY_BATCH);
      const loops = Math.max(1, Math.min(concurrency, Math.ceil(fanned / DELIVERY_BATCH)));
      await Promise.all(
        Array.from({ length: loops }, async () => {
          for (let got = await batch(); got.length && live(); got = await batch()) got.forEach(report);
        }),
      );
    } catch (err) {
      log.warn({ err }, 'event relay/delivery round failed; retrying on the next poll');
    }
  }

  function wake(): Promise<void> {
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = (async () => {
      do {
        again = false;
        await pumpOnce();
      } while (again && live());
    })().finally(() => {
      pumping = null;
    });
    return pumping;
  }

  // NATS path: same inbox-guarded transaction; ack after commit, nak with backoff, dead after maxAttempts.
  async function onNatsMessage(consumer: ConsumerDef, m: JsMsg): Promise<void> {
    let event: EventEnvelope;
    try {
      event = m.json<EventEnvelope>();
    } catch (err) {
      log.error({ err, consumer: consumer.name, subject: m.subject }, 'unreadable NATS event dropped');
      m.term();
      return;
    }
    if (!wants(consumer, event.type)) return m.ack();
    try {
      const applied = await db.transaction().execute((trx) => handleOnce(trx, consumer, event));
      m.ack();
      report({ kind: 'done', consumer, event, applied });
    } catch (error) {
      const attempts = m.info.deliveryCount;
      const dead = attempts >= policy.maxAttempts;
      const retryInMs = dead ? 0 : backoffMs(policy, attempts);
      if (dead) {
        try {
          await recordDeadLetter(db, event.id, consumer.name, attempts, error);
          m.term();
        } catch (err) {
          log.warn({ err, event_id: event.id }, 'could not record the dead letter; NATS will redeliver');
          m.nak(policy.baseMs);
        }
      } else m.nak(retryInMs);
      report({ kind: 'failed', consumer, event, error, attempts, dead, retryInMs });
    }
  }

  async function listen(): Promise<void> {
    if (!opts.listenUrl || !live()) return;
    const client = new pg.Client({ connectionString: opts.listenUrl });
    client.on('notification', () => void wake());
    let failed = false;
    client.on('error', (err) => {
      if (failed) return;
      failed = true;
      log.warn({ err }, 'LISTEN connection lost; polling until it is back');
      listener = null;
      void client.end().catch(() => undefined);
      if (live()) timers.push(setTimeout(() => void listen(), 1000).unref());
    });
    try {
      await client.connect();
      await client.query('listen novapos_outbox');
      listener = client;
    } catch (err) {
      client.emit('error', err);
    }
  }

  const bus: EventBus = {
    subscribe(consumer) {
      if (starting) throw new Error(`subscribe('${consumer.name}') after start()`);
      if (consumers.has(consumer.name)) throw new Error(`consumer '${consumer.name}' is already subscribed`);
      consumers.set(consumer.name, consumer);
    },

    start() {
      starting ??= (async () => {
        if (opts.natsUrl) {
          const transport = await openNats({ url: opts.natsUrl, name: `novapos-${workerId}`, retentionMs, ackWaitMs: 30_000, log });
          // Consumers exist before the first publish: a durable created later only sees newer events.
          for (const c of consumers.values()) await transport.consume(c, (m) => onNatsMessage(c, m));
          nats = transport;
        }
        await listen();
        timers.push(setInterval(() => void wake(), pollMs).unref());
        const purgeNow = () => void bus.purge().catch((err: unknown) => log.warn({ err }, 'event purge failed'));
        timers.push(setInterval(purgeNow, opts.purgeEveryMs ?? 60 * 60_000).unref());
        purgeNow();
        void wake();
        log.info({ consumers: [...consumers.keys()], nats: Boolean(opts.natsUrl), listen: Boolean(opts.listenUrl) }, 'event bus started');
      })();
      return starting;
    },

    async stop() {
      stopping = true;
      await starting?.catch(() => undefined);
      for (const t of timers) clearTimeout(t);
      await pumping;
      await listener?.end().catch(() => undefined);
      await nats?.close();
    },

    async drain(timeoutMs = 30_000) {
      // In NATS mode the consumers' pull loops do the delivering, so they must be running.
      if (opts.natsUrl) await bus.start();
      const names = [...consumers.keys()];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await wake();
        const n =
          (await countBacklog(db, { relaying: Boolean(opts.natsUrl) || names.length > 0, consumers: names })) +
          (nats ? await nats.pending(names) : 0);
        if (n === 0) return;
        if (Date.now() >= deadline) throw new Error(`drain: ${n} event deliveries still pending after ${timeoutMs} ms`);
        await sleep(Math.min(25, pollMs));
      }
    },

    async backlog() {
      return (await countBacklog(db, { relaying: true })) + (nats ? await nats.pending([...consumers.keys()]) : 0);
    },
    deadLetters: () => countDeadLetters(db),
    purge: () => purge(db, retentionMs),
  };

  if (opts.metrics) {
    const m = opts.metrics;
    // Several buses may share one registry (tests, CLI); the first one's gauges serve.
    if (!m.registry.getSingleMetric('novapos_outbox_backlog')) m.addGauge('novapos_outbox_backlog', 'Events not yet delivered to every consumer', () => bus.backlog());
    if (!m.registry.getSingleMetric('novapos_events_dead_letters')) m.addGauge('novapos_events_dead_letters', 'Event deliveries parked as dead letters', () => bus.deadLetters());
  }
  return bus;
}
