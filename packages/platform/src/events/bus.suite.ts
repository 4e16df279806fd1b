/**
 * Shared test kit and behaviour suite for the event bus, run on PGlite (bus.test.ts), on a
 * PostgreSQL server (bus.pg.test.ts) and over NATS (bus.nats.test.ts).
 */
import { fileURLToPath } from 'node:url';
import { sql, type RawBuilder } from 'kysely';
import { connect } from 'nats';
import pino, { type Logger } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemTx, tenantTx, type Database, type Trx } from '../db/database.ts';
import { migrate, type MigrationSource } from '../db/migrator.ts';
import { createMetrics } from '../http/metrics.ts';
import { newId } from '../ids.ts';
import { createEventBus, retryDeadLetter, type ConsumerDef, type EventBus, type EventBusOptions } from './bus.ts';
import { NATS_STREAM, subjectFor } from './nats-transport.ts';
import { emit } from './outbox.ts';
import type { EventEnvelope } from './types.ts';

/** Defines a test only where it applies, so a full run reports no skips. */
const onlyIf = (cond: boolean) => (cond ? it : ((() => undefined) as unknown as typeof it));

export const platformMigrations: MigrationSource = {
  module: 'platform',
  schema: 'platform',
  dir: fileURLToPath(new URL('../../migrations', import.meta.url)),
};

export const T1 = '0190a000-0000-7000-8000-000000000001';
export const T2 = '0190a000-0000-7000-8000-000000000002';

/** Migrates and adds the tables the test consumers write their effects to. */
export async function prepare(database: Database): Promise<void> {
  await migrate(database, [platformMigrations]);
  await sql.raw(`
    create schema if not exists bus_test;
    create table if not exists bus_test.effects (
      tenant_id uuid not null, consumer text not null, event_id uuid not null, n integer not null,
      primary key (tenant_id, consumer, event_id));
    create table if not exists bus_test.seen (
      at bigserial primary key, consumer text not null, tenant_id uuid not null, event_id uuid not null,
      seq integer, scope_tenant text, scope_system boolean);
    grant usage on schema bus_test to novapos_app;
    grant select, insert, update, delete on all tables in schema bus_test to novapos_app;
    grant usage on all sequences in schema bus_test to novapos_app;`).execute(database.admin);
}

export async function reset(database: Database): Promise<void> {
  await sql`truncate platform.outbox, platform.event_deliveries, platform.inbox, bus_test.effects, bus_test.seen`.execute(database.admin);
}

/** Runs a query in system scope (the platform tables are RLS-protected even for their owner). */
export async function rows<T>(database: Database, query: RawBuilder<T>): Promise<T[]> {
  return systemTx(database.db, async (trx) => (await query.execute(trx)).rows);
}

export async function emitEvents(database: Database, tenantId: string, n: number, type = 'thing.happened'): Promise<string[]> {
  return tenantTx(database.db, tenantId, async (trx) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await emit(trx, { tenantId, type, payload: { i } }));
    return ids;
  });
}

export function memoryLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) }) };
}

export interface CounterOptions {
  types?: string[] | '*';
  /** Throw (after writing the effect, which must then roll back) when this returns true. */
  fail?: (event: EventEnvelope, attempt: number) => boolean;
  delayMs?: number;
}

/** A consumer that counts each event it applies in bus_test.effects and logs what it saw. */
export function counter(name: string, o: CounterOptions = {}): ConsumerDef & { calls: Map<string, number>; attempts: EventEnvelope[] } {
  const calls = new Map<string, number>();
  const attempts: EventEnvelope[] = [];
  return {
    name,
    types: o.types ?? '*',
    calls,
    attempts,
    async handle(trx: Trx, e: EventEnvelope) {
      const attempt = (calls.get(e.id) ?? 0) + 1;
      calls.set(e.id, attempt);
      attempts.push(e);
      await sql`insert into bus_test.effects (tenant_id, consumer, event_id, n) values (${e.tenant_id}, ${name}, ${e.id}, 1)
        on conflict (tenant_id, consumer, event_id) do update set n = effects.n + 1`.execute(trx);
      await sql`insert into bus_test.seen (consumer, tenant_id, event_id, seq, scope_tenant, scope_system)
        values (${name}, ${e.tenant_id}, ${e.id}, ${Number(e.payload.i ?? -1)}, current_setting('app.tenant_id', true), platform.is_system())`.execute(trx);
      if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
      if (o.fail?.(e, attempt)) throw new Error(`${name} failed on attempt ${attempt}`);
    },
  };
}

export async function effects(database: Database, consumer?: string): Promise<{ event_id: string; n: number }[]> {
  return rows(database, sql<{ event_id: string; n: number }>`select event_id, n from bus_test.effects
    where ${consumer ?? null}::text is null or consumer = ${consumer ?? null} order by event_id`);
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<number> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - t0;
}

export interface SuiteTarget {
  open(): Promise<Database>;
  /** A second connection to the same database, as another worker process would have. */
  openPeer(database: Database): Promise<Database>;
  /** Extra bus options (NATS mode, LISTEN). */
  busOptions?: () => Partial<EventBusOptions>;
  /** NATS mode: deliveries rows exist only for dead letters, and per-tenant order is not kept. */
  nats?: boolean;
}

/** The behaviour every backend must show. */
export function busSuite(label: string, target: SuiteTarget): void {
  describe(`event bus on ${label}`, () => {
    let database: Database;
    const buses: EventBus[] = [];
    const peers: Database[] = [];
    let seq = 0;
    // Unique consumer names per suite and test: durable NATS consumers outlive both.
    const run = Math.random().toString(36).slice(2, 8);
    const name = (base: string) => `${base}-${run}-${seq}`;
    const bus = (o: Partial<EventBusOptions> = {}, db = database): EventBus => {
      const b = createEventBus({ database: db, log: pino({ level: 'silent' }), retryBaseMs: 10, retryMaxMs: 50, ...target.busOptions?.(), ...o });
      buses.push(b);
      return b;
    };

    beforeAll(async () => {
      database = await target.open();
      await prepare(database);
    });
    beforeEach(async () => {
      await Promise.all(buses.splice(0).map((b) => b.stop()));
      await Promise.all(peers.splice(0).map((p) => p.close()));
      await reset(database);
      seq++;
    });
    afterAll(async () => {
      await Promise.all(buses.map((b) => b.stop()));
      await Promise.all(peers.map((p) => p.close()));
      await database?.close();
    });

    it('delivers a committed event once to each interested consumer, in a transaction scoped to its tenant', async () => {
      const b = bus();
      const all = counter(name('all'));
      const orders = counter(name('orders'), { types: ['order.completed'] });
      b.subscribe(all);
      b.subscribe(orders);
      const [id] = await tenantTx(database.db, T1, async (trx) => [await emit(trx, { tenantId: T1, type: 'order.completed', payload: { i: 7 } })]);
      await emitEvents(database, T2, 1, 'payment.captured');
      await b.drain();
      expect((await effects(database, all.name)).map((r) => r.n)).toEqual([1, 1]);
      expect(await effects(database, orders.name)).toEqual([{ event_id: id, n: 1 }]);
      const seen = await rows(database, sql<{ tenant_id: string; scope_tenant: string; scope_system: boolean }>`
        select tenant_id, scope_tenant, scope_system from bus_test.seen`);
      expect(seen).toHaveLength(3);
      for (const s of seen) expect(s).toEqual({ tenant_id: s.tenant_id, scope_tenant: s.tenant_id, scope_system: false });
      expect(await b.backlog()).toBe(0);
    });

    it('shows a handler only its own tenant', async () => {
      const b = bus();
      const visible: number[] = [];
      b.subscribe({
        name: name('peek'),
        types: '*',
        async handle(trx) {
          visible.push((await sql<{ n: number }>`select count(*)::int as n from platform.inbox`.execute(trx)).rows[0]!.n);
        },
      });
      await emitEvents(database, T2, 1);
      await emitEvents(database, T1, 1);
      await b.drain();
      expect(visible).toEqual([1, 1]);
    });

    it('never delivers an event whose transaction rolled back', async () => {
      const b = bus();
      const c = counter(name('c'));
      b.subscribe(c);
      await expect(
        tenantTx(database.db, T1, async (trx) => {
          await emit(trx, { tenantId: T1, type: 'order.completed', payload: {} });
          throw new Error('business failure');
        }),
      ).rejects.toThrow('business failure');
      await b.drain();
      expect(await effects(database)).toEqual([]);
    });

    it('retries a failing consumer without re-running the others, and rolls back its partial writes', async () => {
      const b = bus();
      const ok = counter(name('ok'));
      const flaky = counter(name('flaky'), { fail: (_e, attempt) => attempt <= 2 });
      b.subscribe(ok);
      b.subscribe(flaky);
      const [id] = await emitEvents(database, T1, 1);
      await b.drain();
      expect(flaky.calls.get(id!)).toBe(3);
      expect(ok.calls.get(id!)).toBe(1);
      // Each failed attempt wrote its effect before throwing; only the successful one remains.
      expect(await effects(database, flaky.name)).toEqual([{ event_id: id, n: 1 }]);
      expect(await effects(database, ok.name)).toEqual([{ event_id: id, n: 1 }]);
      expect(await b.deadLetters()).toBe(0);
    });

    it('skips the handler when an event is delivered again after its effect committed', async () => {
      const b = bus();
      const c = counter(name('c'));
      b.subscribe(c);
      const [id] = await emitEvents(database, T1, 1);
      await b.drain();
      // As if the worker died after commit but before the delivery was marked, or NATS redelivered.
      await rows(database, sql`update platform.event_deliveries set status = 'pending'`);
      await rows(database, sql`insert into platform.event_deliveries (tenant_id, consumer, event_id, seq)
        select tenant_id, ${c.name}, id, seq from platform.outbox on conflict do nothing`);
      await b.drain();
      expect(c.calls.get(id!)).toBe(1);
      expect(await effects(database, c.name)).toEqual([{ event_id: id, n: 1 }]);
    });

    it('parks a delivery as dead after maxAttempts, counts and logs it, and re-arms it on request', async () => {
      const metrics = createMetrics();
      const { log, lines } = memoryLog();
      let broken = true;
      const b = bus({ maxAttempts: 3, metrics, log });
      const c = counter(name('c'), { fail: () => broken });
      b.subscribe(c);
      const [id] = await emitEvents(database, T1, 1);
      await b.drain();
      expect(c.calls.get(id!)).toBe(3);
      expect(await b.deadLetters()).toBe(1);
      expect(await effects(database)).toEqual([]);
      const dead = await rows(database, sql<{ event_id: string; consumer: string; attempts: number; last_error: string }>`
        select event_id, consumer, attempts, last_error from platform.dead_letters`);
      expect(dead).toEqual([{ event_id: id, consumer: c.name, attempts: 3, last_error: expect.stringContaining('failed on attempt 3') }]);
      expect(lines.some((l) => l.msg === 'event delivery parked as dead letter' && l.event_id === id)).toBe(true);
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/novapos_events_dead_letters 1/);
      expect(text).toMatch(/novapos_outbox_backlog 0/);
      expect(text).toContain(`novapos_events_failed_total{consumer="${c.name}"} 3`);

      broken = false;
      expect(await retryDeadLetter(database, id!, c.name)).toBe(true);
      expect(await retryDeadLetter(database, id!, c.name)).toBe(false);
      await b.drain();
      expect(await b.deadLetters()).toBe(0);
      expect(await effects(database, c.name)).toEqual([{ event_id: id, n: 1 }]);
      expect(await metrics.registry.metrics()).toContain(`novapos_events_delivered_total{consumer="${c.name}"} 1`);
    });

    onlyIf(!target.nats)('keeps outbox order per tenant, and a poisoned event holds back only its own tenant until parked', async () => {
      const poisoned = new Set<string>();
      const b = bus({ maxAttempts: 4, retryBaseMs: 40, retryMaxMs: 40 });
      const c = counter(name('c'), { fail: (e) => poisoned.has(e.id) });
      b.subscribe(c);
      const t1 = await emitEvents(database, T1, 3);
      const t2 = await emitEvents(database, T2, 3);
      poisoned.add(t1[1]!);
      const order = (tenant: string) => c.attempts.filter((e) => e.tenant_id === tenant).map((e) => e.id);
      // While T1's second event is failing, T2 is delivered completely and T1's third waits.
      const drained = b.drain();
      await waitFor(async () => order(T2).length === 3 && (c.calls.get(t1[1]!) ?? 0) >= 2);
      expect(c.calls.get(t1[2]!)).toBeUndefined();
      await drained;
      expect(order(T2)).toEqual(t2);
      expect(order(T1)).toEqual([t1[0], t1[1], t1[1], t1[1], t1[1], t1[2]]);
      expect(await b.deadLetters()).toBe(1);
      expect((await effects(database, c.name)).length).toBe(5);
    });

    it('purges delivered rows after the retention but keeps dead letters and recent rows', async () => {
      const b = bus({ maxAttempts: 1 });
      const c = counter(name('c'), { fail: (e) => e.payload.i === 1 });
      b.subscribe(c);
      await emitEvents(database, T1, 2);
      await b.drain();
      expect((await b.purge()).outbox).toBe(0);
      await rows(database, sql`update platform.outbox set relayed_at = now() - interval '8 days'`);
      await rows(database, sql`update platform.event_deliveries set updated_at = now() - interval '8 days'`);
      await rows(database, sql`update platform.inbox set processed_at = now() - interval '8 days'`);
      expect(await b.purge()).toEqual({ inbox: 1, deliveries: target.nats ? 0 : 1, outbox: 1 });
      expect(await b.deadLetters()).toBe(1);
      expect(await rows(database, sql`select id from platform.outbox`)).toHaveLength(1);
    });

    it('delivers in the background once started, and stops gracefully', async () => {
      const b = bus();
      const c = counter(name('c'));
      b.subscribe(c);
      await b.start();
      await b.start();
      expect(() => b.subscribe(counter(name('late')))).toThrow(/after start/);
      await emitEvents(database, T1, 3);
      const ms = await waitFor(async () => (await effects(database, c.name)).length === 3, 3000);
      expect(ms).toBeLessThan(1500);
      await b.stop();
      await emitEvents(database, T1, 1);
      await new Promise((r) => setTimeout(r, 300));
      expect((await effects(database, c.name)).length).toBe(3);
    });

    it('runs each effect once when two workers deliver the same events', async () => {
      const peer = await target.openPeer(database);
      if (peer !== database) peers.push(peer);
      const consumerName = name('count');
      const [a, b] = [bus({ pollMs: 20 }), bus({ pollMs: 20 }, peer)];
      a.subscribe(counter(consumerName, { delayMs: 0 }));
      b.subscribe(counter(consumerName, { delayMs: 0 }));
      await Promise.all([a.start(), b.start()]);
      const tenants = [T1, T2, newId(), newId(), newId()];
      // 500 events in 50 transactions, emitted while both workers run.
      for (let i = 0; i < 50; i++) await emitEvents(database, tenants[i % 5]!, 10);
      await a.drain(60_000);
      await b.drain(60_000);
      const counts = await rows(database, sql<{ events: number; max: number; min: number }>`
        select count(*)::int as events, max(n) as max, min(n) as min from bus_test.effects where consumer = ${consumerName}`);
      expect(counts).toEqual([{ events: 500, max: 1, min: 1 }]);
    }, 120_000);

    onlyIf(!!target.nats)('publishes each event once to the stream even when the relay repeats itself after a crash', async () => {
      const b = bus();
      const c = counter(name('dedup'));
      b.subscribe(c);
      const [id] = await emitEvents(database, T1, 1, 'order.completed');
      await b.drain();
      const before = await streamMessages(target);
      // As if the relay died after the PubAck but before marking the row relayed.
      await rows(database, sql`update platform.outbox set relayed_at = null`);
      await b.drain();
      expect(await streamMessages(target)).toBe(before);
      expect(c.calls.get(id!)).toBe(1);
    });

    onlyIf(!!target.nats)('applies a duplicate that slips past JetStream de-duplication only once', async () => {
      const b = bus();
      const c = counter(name('dup'), { types: ['order.completed'] });
      b.subscribe(c);
      const [id] = await emitEvents(database, T1, 1, 'order.completed');
      await b.drain();
      const envelope: EventEnvelope = { id: id!, type: 'order.completed', tenant_id: T1, occurred_at: new Date().toISOString(), version: 1, payload: {} };
      const nc = await connect({ servers: target.busOptions!().natsUrl! });
      await nc.jetstream().publish(subjectFor('order.completed'), JSON.stringify(envelope), { msgID: `${id}-again` });
      await nc.close();
      await b.drain();
      expect(c.calls.get(id!)).toBe(1);
      expect(await effects(database, c.name)).toEqual([{ event_id: id, n: 1 }]);
    });
  });
}

async function streamMessages(target: SuiteTarget): Promise<number> {
  const nc = await connect({ servers: target.busOptions!().natsUrl! });
  const info = await (await nc.jetstreamManager()).streams.info(NATS_STREAM);
  await nc.close();
  return info.state.messages;
}
