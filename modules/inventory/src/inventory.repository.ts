import { sql, type Selectable } from 'kysely';
import { newId, type Ctx, type Trx } from '@novapos/platform';
import type { LevelDto, Money, MovementDto, MovementKind, SerialDto, SerialState } from './contract.ts';
import type { InvTrx, LevelRow, MovementRow, SerialRow } from './tables.ts';

/** Narrows the platform's untyped transaction to this module's tables. */
export const t = (trx: Trx): InvTrx => trx as unknown as InvTrx;

/** Threshold used when neither the level nor the tenant settings name one. */
export const DEFAULT_LOW_STOCK_THRESHOLD = 5;

export async function tenantDefaultThreshold(trx: Trx): Promise<number> {
  const row = await t(trx).selectFrom('inventory.settings').select('default_low_stock_threshold').executeTakeFirst();
  return row?.default_low_stock_threshold ?? DEFAULT_LOW_STOCK_THRESHOLD;
}

// ---------------------------------------------------------------- mappers

export const toMovement = (r: Selectable<MovementRow>): MovementDto => ({
  id: r.id,
  store_id: r.store_id,
  variant_id: r.variant_id,
  kind: r.kind,
  quantity: r.quantity,
  on_hand_after: r.on_hand_after,
  reason: r.reason,
  note: r.note,
  reference_type: r.reference_type,
  reference_id: r.reference_id,
  reference_line: r.reference_line,
  serial_numbers: r.serial_numbers,
  unit_cost: r.unit_cost_amount !== null && r.unit_cost_currency !== null ? { amount: Number(r.unit_cost_amount), currency: r.unit_cost_currency } : null,
  actor_kind: r.actor_kind,
  actor_id: r.actor_id,
  occurred_at: r.occurred_at.toISOString(),
  recorded_at: r.recorded_at.toISOString(),
});

export type LevelCore = Omit<LevelDto, 'sku' | 'name'>;

export function toLevel(r: Selectable<LevelRow>, defaultThreshold: number): LevelCore {
  const threshold = r.low_stock_threshold ?? defaultThreshold;
  return {
    store_id: r.store_id,
    variant_id: r.variant_id,
    on_hand: r.on_hand,
    reserved: r.reserved,
    available: r.available,
    low_stock_threshold: threshold,
    threshold_override: r.low_stock_threshold,
    negative: r.on_hand < 0,
    low: r.available <= threshold,
    out_of_stock: r.available <= 0,
    updated_at: r.updated_at.toISOString(),
  };
}

export const toSerial = (r: Selectable<SerialRow>): SerialDto => ({
  variant_id: r.variant_id,
  serial_number: r.serial_number,
  store_id: r.store_id,
  state: r.state,
  created_at: r.created_at.toISOString(),
  updated_at: r.updated_at.toISOString(),
});

// ---------------------------------------------------------------- the ledger primitive

export interface StockChange {
  storeId: string;
  variantId: string;
  kind: MovementKind;
  /** signed: negative takes stock out */
  quantity: number;
  /** refuse a decrease that would take on_hand below zero (adjustments, transfers) */
  floor?: boolean;
  reason?: string | null;
  note?: string | null;
  reference?: { type: string; id: string; line?: string | null } | null;
  serialNumbers?: readonly string[] | null;
  unitCost?: Money | null;
  occurredAt?: Date;
}

export interface StockChanged {
  movement: MovementDto;
  level: { on_hand: number; reserved: number; available: number; threshold: number };
}

/**
 * Appends one movement and moves the level by its quantity in ONE statement: the level row is
 * changed by `on_hand = on_hand + delta` (created by the first movement), never read and written
 * back, so concurrent movements serialize on the row lock and none is lost. With `floor`, a
 * decrease only applies `where on_hand + delta >= 0`; null means it was refused and nothing changed.
 */
export async function moveStock(ctx: Ctx, c: StockChange): Promise<StockChanged | null> {
  const id = newId();
  const q = c.quantity;
  const tenant = ctx.tenantId;
  const level =
    c.floor && q < 0
      ? sql`update inventory.levels l set on_hand = l.on_hand + ${q}, updated_at = now()
          where l.tenant_id = ${tenant} and l.store_id = ${c.storeId} and l.variant_id = ${c.variantId} and l.on_hand + ${q} >= 0
          returning l.on_hand, l.reserved, l.low_stock_threshold`
      : sql`insert into inventory.levels as l (tenant_id, store_id, variant_id, on_hand) values (${tenant}, ${c.storeId}, ${c.variantId}, ${q})
          on conflict (tenant_id, store_id, variant_id) do update set on_hand = l.on_hand + excluded.on_hand, updated_at = now()
          returning l.on_hand, l.reserved, l.low_stock_threshold`;
  const occurredAt = c.occurredAt ?? ctx.clock.now();
  const r = await sql<{ on_hand: number; reserved: number; threshold: number; recorded_at: Date }>`
    with lvl as (${level}),
    mv as (
      insert into inventory.movements (tenant_id, id, store_id, variant_id, kind, quantity, on_hand_after, reason, note,
        reference_type, reference_id, reference_line, serial_numbers, unit_cost_amount, unit_cost_currency, actor_kind, actor_id, occurred_at)
      select ${tenant}, ${id}, ${c.storeId}, ${c.variantId}, ${c.kind}, ${q}, lvl.on_hand, ${c.reason ?? null}, ${c.note ?? null},
        ${c.reference?.type ?? null}, ${c.reference?.id ?? null}, ${c.reference?.line ?? null}, ${c.serialNumbers ? [...c.serialNumbers] : null}::text[],
        ${c.unitCost?.amount ?? null}, ${c.unitCost?.currency ?? null}, ${ctx.actor.kind}, ${ctx.actor.id}, ${occurredAt}
      from lvl
      returning recorded_at
    )
    select lvl.on_hand, lvl.reserved, (select recorded_at from mv) as recorded_at,
      coalesce(lvl.low_stock_threshold, (select s.default_low_stock_threshold from inventory.settings s where s.tenant_id = ${tenant}), ${DEFAULT_LOW_STOCK_THRESHOLD}::int) as threshold
    from lvl`.execute(ctx.trx);
  const row = r.rows[0];
  if (!row) return null;
  return {
    movement: {
      id,
      store_id: c.storeId,
      variant_id: c.variantId,
      kind: c.kind,
      quantity: q,
      on_hand_after: row.on_hand,
      reason: c.reason ?? null,
      note: c.note ?? null,
      reference_type: c.reference?.type ?? null,
      reference_id: c.reference?.id ?? null,
      reference_line: c.reference?.line ?? null,
      serial_numbers: c.serialNumbers ? [...c.serialNumbers] : null,
      unit_cost: c.unitCost ?? null,
      actor_kind: ctx.actor.kind,
      actor_id: ctx.actor.id,
      occurred_at: occurredAt.toISOString(),
      recorded_at: row.recorded_at.toISOString(),
    },
    level: { on_hand: row.on_hand, reserved: row.reserved, available: row.on_hand - row.reserved, threshold: row.threshold },
  };
}

export async function onHand(trx: Trx, storeId: string, variantId: string): Promise<number> {
  const row = await t(trx).selectFrom('inventory.levels').select('on_hand').where('store_id', '=', storeId).where('variant_id', '=', variantId).executeTakeFirst();
  return row?.on_hand ?? 0;
}

/** Claims an order or return for recording; false when it was recorded before (or is being, by a transaction that then commits). */
export async function claimReference(ctx: Ctx, type: string, id: string): Promise<boolean> {
  const r = await t(ctx.trx)
    .insertInto('inventory.applied_references')
    .values({ tenant_id: ctx.tenantId, reference_type: type, reference_id: id })
    .onConflict((oc) => oc.doNothing())
    .returning('reference_id')
    .executeTakeFirst();
  return r !== undefined;
}

// ---------------------------------------------------------------- serials

/**
 * Moves serials of one variant from one of `from` states (at `atStore`, when given) to `to`, in
 * one statement; returns the ones that moved. A serial not in such a state is left alone.
 */
export async function moveSerials(
  ctx: Ctx,
  s: { variantId: string; serials: readonly string[]; from: readonly SerialState[]; atStore?: string | null; to: SerialState; toStore?: string },
): Promise<string[]> {
  if (s.serials.length === 0) return [];
  let q = t(ctx.trx)
    .updateTable('inventory.serials')
    .set({ state: s.to, updated_at: ctx.clock.now(), ...(s.toStore ? { store_id: s.toStore } : {}) })
    .where('variant_id', '=', s.variantId)
    .where('serial_number', 'in', [...s.serials])
    .where('state', 'in', [...s.from]);
  if (s.atStore) q = q.where('store_id', '=', s.atStore);
  const rows = await q.returning('serial_number').execute();
  return rows.map((r) => r.serial_number);
}

/**
 * Puts new units on the shelf: inserts the serials in_stock at the store, or brings back ones that
 * were removed (written off, lost in transit). Returns the ones that were already live.
 */
export async function addSerials(ctx: Ctx, storeId: string, variantId: string, serials: readonly string[]): Promise<string[]> {
  if (serials.length === 0) return [];
  const now = ctx.clock.now();
  const rows = await t(ctx.trx)
    .insertInto('inventory.serials')
    .values(serials.map((serial_number) => ({ tenant_id: ctx.tenantId, variant_id: variantId, serial_number, store_id: storeId, state: 'in_stock' as const, created_at: now, updated_at: now })))
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'variant_id', 'serial_number'])
        .doUpdateSet({ state: 'in_stock', store_id: storeId, updated_at: now })
        .where('inventory.serials.state', '=', 'removed'),
    )
    .returning('serial_number')
    .execute();
  const added = new Set(rows.map((r) => r.serial_number));
  return serials.filter((s) => !added.has(s));
}
