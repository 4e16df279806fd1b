import { sql } from 'kysely';
import { scopeToSystem, scopeToTenant, systemTx, type Database, type Db, type Trx } from '../db/database.ts';
import type { EventEnvelope } from './types.ts';

/** A subscriber. `handle` runs in a transaction scoped to the event's tenant; it must use `trx` only. */
export interface ConsumerDef {
  name: string;
  types: string[] | '*';
  handle(trx: Trx, event: EventEnvelope): Promise<void>;
}

export const wants = (consumer: ConsumerDef, type: string): boolean => consumer.types === '*' || consumer.types.includes(type);

// Advisory lock keys (the migrator holds 7243002): one relay and one purge at a time across workers.
const RELAY_LOCK = 7243003;
const PURGE_LOCK = 7243004;

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/** Exponential backoff with "equal jitter": between half and all of min(max, base * 2^(attempt-1)). */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

export const errorText = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 2000);

async function tryLock(trx: Trx, key: number): Promise<boolean> {
  return (await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${key}) as ok`.execute(trx)).rows[0]!.ok;
}

/**
 * Inserts the inbox row, then runs the handler, in `trx` scoped to the event's tenant: the effect
 * and the inbox row commit or roll back together. False when this consumer already applied it.
 */
export async function handleOnce(trx: Trx, consumer: ConsumerDef, event: EventEnvelope): Promise<boolean> {
  // scopeToTenant also turns app.system (on from the claim) off: the handler sees its tenant only
  await scopeToTenant(trx, event.tenant_id);
  const fresh = await sql`insert into platform.inbox (tenant_id, consumer, event_id)
    values (${event.tenant_id}, ${consumer.name}, ${event.id}) on conflict do nothing returning event_id`.execute(trx);
  if (fresh.rows.length === 0) return false;
  await consumer.handle(trx, event);
  return true;
}

interface OutboxRow {
  seq: number;
  id: string;
  tenant_id: string;
  type: string;
  version: number;
  payload: Record<string, unknown>;
  occurred_at: Date;
}

const toEnvelope = (r: OutboxRow): EventEnvelope => ({
  id: r.id,
  type: r.type,
  tenant_id: r.tenant_id,
  occurred_at: r.occurred_at.toISOString(),
  version: r.version,
  payload: r.payload,
});

/**
 * Fans a batch of unrelayed outbox rows out into one pending delivery per interested consumer and
 * marks them relayed, in one statement. Returns how many outbox rows it took (0 when another worker
 * holds the relay lock).
 */
export async function fanOut(db: Db, consumers: readonly ConsumerDef[], limit = 500): Promise<number> {
  const names: string[] = [];
  const types: string[] = [];
  for (const c of consumers) {
    for (const t of c.types === '*' ? ['*'] : c.types) {
      names.push(c.name);
      types.push(t);
    }
  }
  return systemTx(db, async (trx) => {
    if (!(await tryLock(trx, RELAY_LOCK))) return 0;
    const r = await sql<{ seq: number }>`
      with batch as (
        select seq, id, tenant_id, type from platform.outbox
        where relayed_at is null order by seq limit ${limit} for update skip locked
      ), fan as (
        insert into platform.event_deliveries (tenant_id, consumer, event_id, seq)
        select distinct b.tenant_id, p.consumer, b.id, b.seq
        from batch b join unnest(${names}::text[], ${types}::text[]) as p(consumer, type)
          on p.type = '*' or p.type = b.type
        on conflict do nothing
      )
      update platform.outbox o set relayed_at = now() from batch b where o.seq = b.seq
      returning o.seq`.execute(trx);
    return r.rows.length;
  });
}

/**
 * Takes a batch of unrelayed outbox rows, hands them to `publish` (NATS), and marks them relayed
 * only if that succeeded. A crash in between republishes; JetStream drops the duplicate by msgID.
 */
export async function relayTo(db: Db, publish: (events: EventEnvelope[]) => Promise<void>, limit = 200): Promise<number> {
  return systemTx(db, async (trx) => {
    if (!(await tryLock(trx, RELAY_LOCK))) return 0;
    const rows = (await sql<OutboxRow>`select seq, id, tenant_id, type, version, payload, occurred_at from platform.outbox
      where relayed_at is null order by seq limit ${limit} for update skip locked`.execute(trx)).rows;
    if (rows.length === 0) return 0;
    await publish(rows.map(toEnvelope));
    await sql`update platform.outbox set relayed_at = now() where seq = any(${rows.map((r) => r.seq)}::bigint[])`.execute(trx);
    return rows.length;
  });
}

export type DeliveryOutcome =
  | { kind: 'done'; consumer: ConsumerDef; event: EventEnvelope; applied: boolean }
  | { kind: 'failed'; consumer: ConsumerDef; event: EventEnvelope; error: unknown; attempts: number; dead: boolean; retryInMs: number };

/**
 * Claims the oldest due delivery of one of `consumers` and runs it, all in one transaction: the row
 * lock (SKIP LOCKED) keeps other workers off it while the handler runs in a savepoint, so a failing
 * handler's writes roll back while its failure count commits. A delivery waits while an older one
 * of the same tenant and consumer is pending (outbox order per tenant); a dead one no longer blocks.
 */
export async function deliverNext(db: Db, consumers: ReadonlyMap<string, ConsumerDef>, policy: RetryPolicy): Promise<DeliveryOutcome | null> {
  return (await deliverBatch(db, consumers, policy, 1))[0] ?? null;
}

/**
 * Like deliverNext for up to `limit` due deliveries in one transaction (one claim, one commit):
 * each runs in its own savepoint, so one failing handler neither undoes nor blocks the others. A
 * claimed batch holds at most one delivery per tenant and consumer (the oldest), so outbox order
 * per tenant holds. Empty when nothing is due.
 */
export async function deliverBatch(db: Db, consumers: ReadonlyMap<string, ConsumerDef>, policy: RetryPolicy, limit: number): Promise<DeliveryOutcome[]> {
  return db.transaction().execute(async (trx) => {
    await scopeToSystem(trx);
    const rows = (await sql<OutboxRow & { consumer: string; attempts: number }>`
      select d.consumer, d.attempts, o.seq, o.id, o.tenant_id, o.type, o.version, o.payload, o.occurred_at
      from platform.event_deliveries d join platform.outbox o on o.id = d.event_id
      where d.status = 'pending' and d.next_attempt_at <= now() and d.consumer = any(${[...consumers.keys()]}::text[])
        and not exists (select 1 from platform.event_deliveries e
          where e.tenant_id = d.tenant_id and e.consumer = d.consumer and e.status = 'pending' and e.seq < d.seq)
      order by d.seq limit ${limit}
      for update of d skip locked`.execute(trx)).rows;
    const out: DeliveryOutcome[] = [];
    for (const row of rows) out.push(await deliverClaimed(trx, consumers, policy, row));
    return out;
  });
}

async function deliverClaimed(trx: Trx, consumers: ReadonlyMap<string, ConsumerDef>, policy: RetryPolicy, row: OutboxRow & { consumer: string; attempts: number }): Promise<DeliveryOutcome> {
  {
    const consumer = consumers.get(row.consumer)!;
    const event = toEnvelope(row);
    const key = sql`tenant_id = ${row.tenant_id} and consumer = ${row.consumer} and event_id = ${row.id}`;
    await sql`savepoint deliver`.execute(trx);
    try {
      const applied = await handleOnce(trx, consumer, event);
      await sql`release savepoint deliver`.execute(trx);
      await scopeToSystem(trx);
      await sql`update platform.event_deliveries set status = 'done', attempts = attempts + 1, updated_at = now()
        where ${key}`.execute(trx);
      return { kind: 'done', consumer, event, applied };
    } catch (error) {
      // Also undoes the tenant scope: set_config(..., true) is rolled back with the savepoint.
      await sql`rollback to savepoint deliver`.execute(trx);
      await scopeToSystem(trx);
      const attempts = row.attempts + 1;
      const dead = attempts >= policy.maxAttempts;
      const retryInMs = dead ? 0 : backoffMs(policy, attempts);
      await sql`update platform.event_deliveries set attempts = ${attempts}, status = ${dead ? 'dead' : 'pending'},
          last_error = ${errorText(error)}, next_attempt_at = clock_timestamp() + ${retryInMs} * interval '1 millisecond',
          updated_at = now()
        where ${key}`.execute(trx);
      return { kind: 'failed', consumer, event, error, attempts, dead, retryInMs };
    }
  }
}

/** Parks an event that failed over NATS as a dead delivery row, where retryDeadLetter finds it. */
export async function recordDeadLetter(db: Db, eventId: string, consumer: string, attempts: number, error: unknown): Promise<void> {
  await systemTx(db, async (trx) => {
    await sql`insert into platform.event_deliveries (tenant_id, consumer, event_id, seq, status, attempts, last_error)
      select o.tenant_id, ${consumer}, o.id, o.seq, 'dead', ${attempts}, ${errorText(error)} from platform.outbox o where o.id = ${eventId}
      on conflict (tenant_id, consumer, event_id) do update
        set status = 'dead', attempts = excluded.attempts, last_error = excluded.last_error, updated_at = now()`.execute(trx);
  });
}

/**
 * Re-arms one dead delivery with a fresh set of attempts; a running worker delivers it through the
 * database path (in NATS mode too). False when there is no such dead letter.
 */
export async function retryDeadLetter(database: Database, eventId: string, consumer: string): Promise<boolean> {
  return systemTx(database.db, async (trx) => {
    const r = await sql`update platform.event_deliveries set status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()
      where event_id = ${eventId} and consumer = ${consumer} and status = 'dead' returning event_id`.execute(trx);
    if (r.rows.length > 0) await sql`select pg_notify('novapos_outbox', '')`.execute(trx);
    return r.rows.length > 0;
  });
}

/**
 * Events not yet relayed plus deliveries still pending (waiting for a retry included), for the
 * given consumers or all. Dead letters are not backlog.
 */
export async function countBacklog(db: Db, opts: { relaying: boolean; consumers?: readonly string[] }): Promise<number> {
  return systemTx(db, async (trx) => {
    const r = await sql<{ n: number }>`select
        (case when ${opts.relaying} then (select count(*) from platform.outbox where relayed_at is null) else 0 end)
      + (select count(*) from platform.event_deliveries where status = 'pending'
           and (${opts.consumers ?? null}::text[] is null or consumer = any(${opts.consumers ?? null}::text[]))) as n`.execute(trx);
    return Number(r.rows[0]!.n);
  });
}

export async function countDeadLetters(db: Db): Promise<number> {
  return systemTx(db, async (trx) => Number((await sql<{ n: number }>`select count(*) as n from platform.event_deliveries where status = 'dead'`.execute(trx)).rows[0]!.n));
}

export interface PurgeResult {
  inbox: number;
  deliveries: number;
  outbox: number;
}

/**
 * Deletes inbox rows, finished deliveries and relayed outbox rows older than the retention. Outbox
 * rows with a pending or dead delivery stay (dead letters need their event). One worker at a time.
 */
export async function purge(db: Db, retentionMs: number): Promise<PurgeResult> {
  return systemTx(db, async (trx) => {
    if (!(await tryLock(trx, PURGE_LOCK))) return { inbox: 0, deliveries: 0, outbox: 0 };
    const cutoff = sql`now() - ${retentionMs} * interval '1 millisecond'`;
    const inbox = await sql`delete from platform.inbox where processed_at < ${cutoff}`.execute(trx);
    const deliveries = await sql`delete from platform.event_deliveries where status = 'done' and updated_at < ${cutoff}`.execute(trx);
    const outbox = await sql`delete from platform.outbox o where o.relayed_at < ${cutoff}
      and not exists (select 1 from platform.event_deliveries d where d.event_id = o.id)`.execute(trx);
    return { inbox: Number(inbox.numAffectedRows ?? 0), deliveries: Number(deliveries.numAffectedRows ?? 0), outbox: Number(outbox.numAffectedRows ?? 0) };
  });
}
