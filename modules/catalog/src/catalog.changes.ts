import { sql } from 'kysely';
import { AppError, decodeCursor, encodeCursor, type Ctx } from '@novapos/platform';
import type { ChangeDto, ChangeEntity } from './contract.ts';

/**
 * The change feed tills keep their catalog cache with (GET /catalog/changes).
 *
 * The problem: a reader that pages by a sequence number skips a transaction that took a lower
 * number but commits after the reader went past it. Filtering on "xid older than every running
 * transaction" and still ordering by the sequence does not fix it either: a transaction gets its
 * xid at its first write, often long before it draws a sequence number, so an old xid can carry
 * a high number while a younger, still-running transaction holds a lower one.
 *
 * What we do: each change row records `kx`, the writing transaction's id (pg_current_xact_id),
 * raised to the kx of the previous change of the same entity (and of the entity it belongs to,
 * the product of a variant), and the feed is ordered by (kx, seq). A reader returns only rows
 * with kx below the xmin of its own snapshot, in one statement:
 *  - every transaction with an id below xmin has finished, so every such row that will ever
 *    exist is already visible to the reader: nothing below the cursor can appear later;
 *  - a transaction still running, or starting later, has an id ≥ xmin and so writes kx ≥ xmin,
 *    above anything returned so far.
 * Raising kx to the entity's previous kx keeps one entity's changes in the order they happened:
 * writers take the entity's row lock before recording, so the later writer reads the earlier
 * one's committed kx and sorts after it even when its own xid is lower. Applying the feed in
 * order therefore ends in the current state.
 *
 * A long-running transaction anywhere in the cluster delays the feed (never skips it).
 */

export interface Change {
  entity: ChangeEntity;
  id: string;
  action: string;
  /** the entity after the change; null for a delete */
  data: object | null;
  /** another entity this one hangs off (a variant's product): ordered after its changes too */
  parentId?: string | null;
}

/** Appends changes in this transaction. Callers hold the row lock of every entity they name. */
export async function recordChanges(ctx: Ctx, changes: readonly Change[]): Promise<void> {
  for (let i = 0; i < changes.length; i += 1000) {
    const batch = changes.slice(i, i + 1000);
    await sql`
      insert into catalog.changes (tenant_id, kx, entity, entity_id, action, op, data)
      select ${ctx.tenantId}::uuid,
             greatest(x.xid, coalesce((select max(c.kx) from catalog.changes c where c.entity_id = u.id or c.entity_id = u.parent), 0)),
             u.entity, u.id, u.action, case when u.data is null then 'delete' else 'upsert' end, u.data
      from (select pg_current_xact_id()::text::bigint as xid) x,
           unnest(${batch.map((c) => c.entity)}::text[], ${batch.map((c) => c.id)}::uuid[], ${batch.map((c) => c.parentId ?? null)}::uuid[],
                  ${batch.map((c) => c.action)}::text[], ${batch.map((c) => (c.data === null ? null : JSON.stringify(c.data)))}::jsonb[])
             with ordinality as u(entity, id, parent, action, data, n)
      order by u.n`.execute(ctx.trx);
  }
}

const START = encodeCursor([0, 0]);

function readCursor(cursor: string | undefined): [number, number] {
  const c = decodeCursor(cursor ?? START)!;
  const [kx, seq] = c;
  if (c.length !== 2 || !Number.isSafeInteger(kx) || !Number.isSafeInteger(seq)) {
    throw new AppError(400, 'invalid_cursor', 'The cursor is not one this server issued', { errors: [{ path: 'query.cursor', message: 'is not a valid cursor' }] });
  }
  return [kx as number, seq as number];
}

export async function readChanges(ctx: Ctx, cursor: string | undefined, limit: number): Promise<{ data: ChangeDto[]; next_cursor: string; has_more: boolean }> {
  const [kx, seq] = readCursor(cursor);
  // One statement: the xmin and the rows come from the same snapshot. The filter and the order
  // are the primary key's (tenant_id, kx, seq), so a page is an index range read up to the limit.
  // Without statistics (right after an import, which writes all its changes with one kx) the
  // planner took a bitmap scan and sorted every change after the cursor for each page (70 ms vs
  // 4 ms for 5,000 of 48,000): sorting is turned off for this read only.
  await sql`select set_config('enable_sort', 'off', true), set_config('enable_bitmapscan', 'off', true)`.execute(ctx.trx);
  const rows = await sql<{ kx: number; seq: number; entity: ChangeEntity; entity_id: string; action: string; op: 'upsert' | 'delete'; data: Record<string, unknown> | null; changed_at: Date }>`
    select kx, seq, entity, entity_id, action, op, data, changed_at from catalog.changes
    where tenant_id = ${ctx.tenantId}::uuid
      and (tenant_id, kx, seq) > (${ctx.tenantId}::uuid, ${kx}::bigint, ${seq}::bigint)
      and kx < (select pg_snapshot_xmin(pg_current_snapshot())::text::bigint)
    order by tenant_id, kx, seq
    limit ${limit + 1}`.execute(ctx.trx);
  await sql`select set_config('enable_sort', 'on', true), set_config('enable_bitmapscan', 'on', true)`.execute(ctx.trx);
  const more = rows.rows.length > limit;
  const kept = more ? rows.rows.slice(0, limit) : rows.rows;
  const last = kept.at(-1);
  return {
    data: kept.map((r) => ({ seq: r.seq, entity: r.entity, id: r.entity_id, action: r.action, op: r.op, data: r.data, changed_at: r.changed_at.toISOString() })),
    next_cursor: last ? encodeCursor([last.kx, last.seq]) : encodeCursor([kx, seq]),
    has_more: more,
  };
}
