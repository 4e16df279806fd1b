import { sql } from 'kysely';
import type { Trx } from '@novapos/platform';
import type { RejectedMutationDto, StoredResult } from './contract.ts';
import type { DeviceRow, DevTrx, PushLogRow } from './tables.ts';

export const t = (trx: Trx): DevTrx => trx as unknown as DevTrx;
/** jsonb parameters go in as JSON text. */
const json = (v: unknown): never => JSON.stringify(v) as never;

export async function findDevice(trx: Trx, id: string, lock = false): Promise<DeviceRow | undefined> {
  let q = t(trx).selectFrom('devices.devices').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function insertDevice(trx: Trx, row: Omit<DeviceRow, 'last_applied_seq' | 'push_owner' | 'push_lease_until' | 'last_push_at'>): Promise<void> {
  await t(trx)
    .insertInto('devices.devices')
    .values({ ...row, last_applied_seq: 0, push_owner: null, push_lease_until: null, last_push_at: null })
    .onConflict((oc) => oc.columns(['tenant_id', 'id']).doNothing())
    .execute();
}

/** Takes (or renews) the push lease when it is free, expired or already ours. */
export async function takeLease(trx: Trx, id: string, owner: string, seconds: number): Promise<boolean> {
  const r = await t(trx)
    .updateTable('devices.devices')
    .set({ push_owner: owner, push_lease_until: sql<Date>`now() + make_interval(secs => ${seconds})`, last_push_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('push_lease_until', 'is', null), eb('push_lease_until', '<', sql<Date>`now()`), eb('push_owner', '=', owner)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function dropLease(trx: Trx, id: string, owner: string): Promise<void> {
  await t(trx).updateTable('devices.devices').set({ push_owner: null, push_lease_until: null }).where('id', '=', id).where('push_owner', '=', owner).execute();
}

/**
 * Logs a processed mutation and moves the device's sequence to it, only from the seq before it: a
 * concurrent push that got there first makes this false (and the caller's transaction is rolled
 * back by the caller, so nothing it did counts twice).
 */
export async function logMutation(trx: Trx, row: PushLogRow): Promise<boolean> {
  const moved = await t(trx)
    .updateTable('devices.devices')
    .set({ last_applied_seq: row.seq })
    .where('id', '=', row.device_id)
    .where('last_applied_seq', '=', row.seq - 1)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) === 0) return false;
  await t(trx).insertInto('devices.push_log').values({ ...row, result: json(row.result) }).execute();
  return true;
}

export async function storedResults(trx: Trx, deviceId: string, fromSeq: number, toSeq: number): Promise<Map<number, StoredResult>> {
  const rows = await t(trx)
    .selectFrom('devices.push_log')
    .select(['seq', 'mutation_id', 'status', 'result'])
    .where('device_id', '=', deviceId)
    .where('seq', '>=', fromSeq)
    .where('seq', '<=', toSeq)
    .execute();
  return new Map(rows.map((r) => [Number(r.seq), { seq: Number(r.seq), id: r.mutation_id, status: r.status, order: r.result.order ?? null, problem: r.result.problem ?? null }]));
}

/**
 * What the device held on offline cards before `seq`: the offline card amounts of its applied
 * mutations since the last one it rang online (an online sale means it had the network then).
 */
export async function offlineCardHeld(trx: Trx, deviceId: string, seq: number): Promise<number> {
  const r = await sql<{ held: string | number | null }>`
    select coalesce(sum(offline_card_amount), 0) as held from devices.push_log
     where device_id = ${deviceId} and seq < ${seq} and status = 'applied'
       and seq > coalesce((select max(seq) from devices.push_log where device_id = ${deviceId} and seq < ${seq} and not captured_offline), 0)`.execute(trx);
  return Number(r.rows[0]?.held ?? 0);
}

export async function rejectedOf(trx: Trx, deviceId: string, limit = 200): Promise<RejectedMutationDto[]> {
  const rows = await t(trx)
    .selectFrom('devices.push_log')
    .select(['seq', 'mutation_id', 'name', 'cashier_id', 'result', 'processed_at'])
    .where('device_id', '=', deviceId)
    .where('status', '=', 'rejected')
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.toReversed().map((r) => ({
    seq: Number(r.seq),
    id: r.mutation_id,
    name: r.name,
    cashier_id: r.cashier_id,
    problem: (r.result.problem ?? {}) as RejectedMutationDto['problem'],
    processed_at: r.processed_at.toISOString(),
  }));
}
