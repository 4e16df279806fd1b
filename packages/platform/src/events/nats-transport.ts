import {
  AckPolicy,
  DeliverPolicy,
  StorageType,
  connect,
  nanos,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from 'nats';
import type { Logger } from 'pino';
import type { EventEnvelope } from './types.ts';
import type { ConsumerDef } from './delivery.ts';

export const NATS_STREAM = 'NOVAPOS_EVENTS';
const SUBJECT_ROOT = 'novapos.events';

/** `novapos.events.<type>`, each token reduced to what NATS accepts, so no type can wedge the relay. */
export const subjectFor = (type: string): string =>
  `${SUBJECT_ROOT}.${type.split('.').map((t) => t.replace(/[^A-Za-z0-9_-]/g, '_') || '_').join('.')}`;
/** Durable names may not contain dots, wildcards or whitespace. */
export const durableFor = (consumer: string): string => consumer.replace(/[^A-Za-z0-9_-]/g, '_');

export interface NatsTransport {
  /** Publishes with msgID = event id and waits for every PubAck (JetStream drops duplicates by msgID). */
  publish(events: readonly EventEnvelope[]): Promise<void>;
  /** Starts a pull loop on the consumer's durable; `onMessage` settles each message (ack/nak/term). */
  consume(consumer: ConsumerDef, onMessage: (m: JsMsg) => Promise<void>): Promise<void>;
  /** Messages not yet acked by these consumers (waiting, in flight, or nak'ed for a retry). */
  pending(consumers: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

export interface NatsOptions {
  url: string;
  name: string;
  retentionMs: number;
  ackWaitMs: number;
  log: Logger;
}

async function ensureStream(jsm: JetStreamManager, retentionMs: number): Promise<void> {
  try {
    await jsm.streams.info(NATS_STREAM);
    return;
  } catch {
    // not there yet
  }
  try {
    // Limits retention, not interest: an event published before a consumer exists must not vanish.
    await jsm.streams.add({
      name: NATS_STREAM,
      subjects: [`${SUBJECT_ROOT}.>`],
      storage: StorageType.File,
      max_age: nanos(retentionMs),
      duplicate_window: nanos(Math.min(retentionMs, 10 * 60_000)),
    });
  } catch (err) {
    await jsm.streams.info(NATS_STREAM).catch(() => Promise.reject(err)); // another worker won the race
  }
}

async function ensureConsumer(jsm: JetStreamManager, consumer: ConsumerDef, ackWaitMs: number, log: Logger): Promise<string> {
  const durable = durableFor(consumer.name);
  // Server 2.9 takes one filter subject: several types share the root and the handler filters.
  const filter = consumer.types !== '*' && consumer.types.length === 1 ? subjectFor(consumer.types[0]!) : `${SUBJECT_ROOT}.>`;
  const existing = await jsm.consumers.info(NATS_STREAM, durable).catch(() => null);
  if (!existing) {
    await jsm.consumers.add(NATS_STREAM, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      // A new consumer starts with events published from now on, like a new one in database mode;
      // replaying a week of history into a side-effecting consumer would surprise.
      deliver_policy: DeliverPolicy.New,
      filter_subject: filter,
      ack_wait: nanos(ackWaitMs),
      // Unlimited: the bus counts deliveries itself and records the dead letter before term(),
      // so a crash during the last attempt cannot drop an event without a trace.
      max_deliver: -1,
    });
  } else if (existing.config.filter_subject !== filter) {
    await jsm.consumers.update(NATS_STREAM, durable, { filter_subject: filter }).catch((err: unknown) =>
      log.warn({ err, consumer: consumer.name }, 'could not change the NATS consumer filter; the handler filters by type'),
    );
  }
  return durable;
}

export async function openNats(opts: NatsOptions): Promise<NatsTransport> {
  const nc = await connect({ servers: opts.url, name: opts.name });
  const jsm = await nc.jetstreamManager();
  await ensureStream(jsm, opts.retentionMs);
  const js = nc.jetstream();
  const running: { messages: ConsumerMessages; loop: Promise<void> }[] = [];

  return {
    async publish(events) {
      await Promise.all(events.map((e) => js.publish(subjectFor(e.type), JSON.stringify(e), { msgID: e.id })));
    },
    async consume(consumer, onMessage) {
      const durable = await ensureConsumer(jsm, consumer, opts.ackWaitMs, opts.log);
      const messages = await (await js.consumers.get(NATS_STREAM, durable)).consume({ max_messages: 64 });
      const loop = (async () => {
        for await (const m of messages) await onMessage(m);
      })().catch((err: unknown) => opts.log.error({ err, consumer: consumer.name }, 'NATS consumer loop ended'));
      running.push({ messages, loop });
    },
    async pending(consumers) {
      let n = 0;
      for (const c of consumers) {
        const info = await jsm.consumers.info(NATS_STREAM, durableFor(c));
        n += info.num_pending + info.num_ack_pending;
      }
      return n;
    },
    async close() {
      // Stop pulling, let the message in hand finish (its ack goes out), then flush and close.
      for (const r of running) r.messages.stop();
      await Promise.all(running.map((r) => r.loop));
      await nc.drain().catch(() => nc.close());
    },
  };
}
