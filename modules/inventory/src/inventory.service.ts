import { sql } from 'kysely';
import { AppError, decodeCursor, notFound, toPage, type Ctx } from '@novapos/platform';
import {
  InventoryErrors,
  InventoryEvents,
  SELLABLE_SERIAL_STATES,
  SERIAL_STATES,
  type AdjustmentBody,
  type LevelDto,
  type MovementDto,
  type MovementKind,
  type RecordResult,
  type ReturnInput,
  type SaleInput,
  type SerialCheckLine,
  type SerialDto,
  type SerialState,
} from './contract.ts';
import {
  addSerials,
  claimReference,
  t,
  tenantDefaultThreshold,
  toLevel,
  toMovement,
  toSerial,
  moveSerials,
  type LevelCore,
} from './inventory.repository.ts';
import { assertStore, requireStores, byVariant, canReachStore, checkSerialShape, post, requireVariants, serialNotInStock, storeFilter, type InventoryDeps } from './ledger.service.ts';

type PageIn = { limit: number; cursor?: string | undefined };
// A list filtered to no stores at all still needs a syntactically valid `in (...)`.
const NONE = '00000000-0000-0000-0000-000000000000';
const inList = (ids: string[]) => (ids.length > 0 ? ids : [NONE]);

async function withNames(ctx: Ctx, deps: InventoryDeps, rows: LevelCore[]): Promise<LevelDto[]> {
  if (rows.length === 0) return [];
  const refs = new Map((await deps.catalog.getVariants(ctx, [...new Set(rows.map((r) => r.variant_id))])).map((v) => [v.id, v]));
  return rows.map((r) => ({ ...r, sku: refs.get(r.variant_id)?.sku ?? null, name: refs.get(r.variant_id)?.name ?? null }));
}

// ---------------------------------------------------------------- levels

export async function listLevels(
  ctx: Ctx,
  deps: InventoryDeps,
  q: PageIn & { store_id?: string | undefined; variant_id?: string | undefined; low_stock?: boolean | undefined; negative?: boolean | undefined },
) {
  const stores = storeFilter(ctx, q.store_id);
  const def = await tenantDefaultThreshold(ctx.trx);
  let query = t(ctx.trx).selectFrom('inventory.levels').selectAll().orderBy('store_id').orderBy('variant_id').limit(q.limit + 1);
  if (stores) query = query.where('store_id', 'in', inList(stores));
  if (q.variant_id) query = query.where('variant_id', '=', q.variant_id);
  if (q.negative !== undefined) query = query.where('on_hand', q.negative ? '<' : '>=', 0);
  if (q.low_stock !== undefined) query = query.where(sql<boolean>`(available <= coalesce(low_stock_threshold, ${def}::int)) = ${q.low_stock}`);
  const after = decodeCursor(q.cursor);
  if (after) query = query.where((eb) => eb(eb.refTuple('store_id', 'variant_id'), '>', eb.tuple(String(after[0]), String(after[1]))));
  const page = toPage(await query.execute(), q.limit, (r) => toLevel(r, def), (r) => [r.store_id, r.variant_id]);
  return { data: await withNames(ctx, deps, page.data), next_cursor: page.next_cursor };
}

/** What needs reordering: levels at or below their threshold, the emptiest first. */
export async function listLowStock(ctx: Ctx, deps: InventoryDeps, q: PageIn & { store_id?: string | undefined }) {
  const stores = storeFilter(ctx, q.store_id);
  const def = await tenantDefaultThreshold(ctx.trx);
  let query = t(ctx.trx)
    .selectFrom('inventory.levels')
    .selectAll()
    .where(sql<boolean>`available <= coalesce(low_stock_threshold, ${def}::int)`)
    .orderBy('available')
    .orderBy('store_id')
    .orderBy('variant_id')
    .limit(q.limit + 1);
  if (stores) query = query.where('store_id', 'in', inList(stores));
  const after = decodeCursor(q.cursor);
  if (after) query = query.where((eb) => eb(eb.refTuple('available', 'store_id', 'variant_id'), '>', eb.tuple(Number(after[0]), String(after[1]), String(after[2]))));
  const page = toPage(await query.execute(), q.limit, (r) => toLevel(r, def), (r) => [r.available, r.store_id, r.variant_id]);
  return { data: await withNames(ctx, deps, page.data), next_cursor: page.next_cursor };
}

/** Levels of some variants at one store (variants that never moved there read as zero). For the till and checkout. */
export async function levelsAt(ctx: Ctx, storeId: string, variantIds: readonly string[]): Promise<LevelCore[]> {
  assertStore(ctx, storeId);
  if (variantIds.length === 0) return [];
  const def = await tenantDefaultThreshold(ctx.trx);
  const rows = await t(ctx.trx).selectFrom('inventory.levels').selectAll().where('store_id', '=', storeId).where('variant_id', 'in', [...variantIds]).execute();
  const byId = new Map(rows.map((r) => [r.variant_id, toLevel(r, def)]));
  const none = (variant_id: string): LevelCore => ({
    store_id: storeId,
    variant_id,
    on_hand: 0,
    reserved: 0,
    available: 0,
    low_stock_threshold: def,
    threshold_override: null,
    negative: false,
    low: true,
    out_of_stock: true,
    updated_at: new Date(0).toISOString(),
  });
  return variantIds.map((id) => byId.get(id) ?? none(id));
}

async function levelOf(ctx: Ctx, storeId: string, variantId: string): Promise<LevelCore> {
  return (await levelsAt(ctx, storeId, [variantId]))[0]!;
}

export async function listMovements(
  ctx: Ctx,
  q: PageIn & { store_id?: string | undefined; variant_id?: string | undefined; kind?: MovementKind | undefined; reference_id?: string | undefined },
) {
  const stores = storeFilter(ctx, q.store_id);
  let query = t(ctx.trx).selectFrom('inventory.movements').selectAll().orderBy('id', 'desc').limit(q.limit + 1);
  if (stores) query = query.where('store_id', 'in', inList(stores));
  if (q.variant_id) query = query.where('variant_id', '=', q.variant_id);
  if (q.kind) query = query.where('kind', '=', q.kind);
  if (q.reference_id) query = query.where('reference_id', '=', q.reference_id);
  const after = decodeCursor(q.cursor);
  if (after) query = query.where('id', '<', String(after[0]));
  return toPage(await query.execute(), q.limit, toMovement, (r) => [r.id]);
}

// ---------------------------------------------------------------- adjustments and thresholds

/**
 * A manual stock change with a reason. Unlike a sale it may not take on_hand below zero; a tracked
 * variant names the serials it adds (new or found units) or removes (damaged, lost, ...).
 */
export async function adjust(ctx: Ctx, deps: InventoryDeps, body: AdjustmentBody): Promise<{ movement: MovementDto; level: LevelCore }> {
  await requireStores(ctx, deps, [{ id: body.store_id, path: 'store_id' }]);
  const variant = (await requireVariants(ctx, deps, [{ variantId: body.variant_id, path: 'variant_id' }])).get(body.variant_id)!;
  const serials = checkSerialShape(variant, body.serial_numbers, Math.abs(body.delta), 'serial_numbers');
  const done = await post(
    ctx,
    { storeId: body.store_id, variantId: body.variant_id, kind: 'adjustment', quantity: body.delta, floor: true, reason: body.reason, note: body.note ?? null, serialNumbers: serials.length ? serials : null },
    'delta',
  );
  if (serials.length > 0) {
    if (body.delta > 0) {
      const taken = await addSerials(ctx, body.store_id, body.variant_id, serials);
      if (taken.length > 0) throw serialExists(taken, variant.sku, 'serial_numbers');
    } else {
      const moved = new Set(await moveSerials(ctx, { variantId: body.variant_id, serials, from: SELLABLE_SERIAL_STATES, atStore: body.store_id, to: 'removed' }));
      const missing = serials.find((s) => !moved.has(s));
      if (missing !== undefined) throw serialNotInStock(missing, variant, `serial_numbers.${serials.indexOf(missing)}`, body.store_id);
    }
  }
  await ctx.emit(InventoryEvents.adjusted, {
    movement_id: done.movement.id,
    store_id: body.store_id,
    variant_id: body.variant_id,
    delta: body.delta,
    reason: body.reason,
    on_hand: done.level.on_hand,
    by: ctx.actor.id,
  });
  return { movement: done.movement, level: await levelOf(ctx, body.store_id, body.variant_id) };
}

export function serialExists(serials: string[], sku: string, path: string): AppError {
  return new AppError(409, InventoryErrors.serialExists, `Serial number ${serials.join(', ')} of ${sku} is already on record`, {
    errors: serials.map((s) => ({ path, message: `${s} already exists for this variant` })),
    extra: { serial_numbers: serials },
  });
}

export async function getThresholds(ctx: Ctx) {
  return { default_low_stock_threshold: await tenantDefaultThreshold(ctx.trx), updated: 0 };
}

/**
 * Sets the tenant default and/or per store and variant thresholds (null: back to the default).
 * A new threshold does not fire events by itself: they fire on the next crossing by a movement.
 */
export async function setThresholds(
  ctx: Ctx,
  deps: InventoryDeps,
  body: { default_low_stock_threshold?: number | undefined; items?: { store_id: string; variant_id: string; low_stock_threshold: number | null }[] | undefined },
) {
  const db = t(ctx.trx);
  if (body.default_low_stock_threshold !== undefined) {
    if (ctx.actor.storeIds !== null) throw new AppError(403, 'forbidden', 'Only owners and admins may change the tenant-wide default threshold');
    await db
      .insertInto('inventory.settings')
      .values({ tenant_id: ctx.tenantId, default_low_stock_threshold: body.default_low_stock_threshold })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ default_low_stock_threshold: body.default_low_stock_threshold, updated_at: ctx.clock.now() }))
      .execute();
  }
  // last one wins for a pair listed twice (one upsert may not touch a row twice)
  const items = [...new Map((body.items ?? []).map((i) => [`${i.store_id}/${i.variant_id}`, i])).values()];
  await requireStores(ctx, deps, items.map((i, n) => ({ id: i.store_id, path: `items.${n}.store_id` })));
  if (items.length > 0) {
    await requireVariants(ctx, deps, (body.items ?? []).map((i, n) => ({ variantId: i.variant_id, path: `items.${n}.variant_id` })));
    await db
      .insertInto('inventory.levels')
      .values(items.map((i) => ({ tenant_id: ctx.tenantId, store_id: i.store_id, variant_id: i.variant_id, low_stock_threshold: i.low_stock_threshold })))
      .onConflict((oc) => oc.columns(['tenant_id', 'store_id', 'variant_id']).doUpdateSet((eb) => ({ low_stock_threshold: eb.ref('excluded.low_stock_threshold'), updated_at: ctx.clock.now() })))
      .execute();
  }
  return { default_low_stock_threshold: await tenantDefaultThreshold(ctx.trx), updated: items.length };
}

// ---------------------------------------------------------------- sales and returns

function timeOf(iso: string | undefined, ctx: Ctx): Date {
  const d = iso ? new Date(iso) : ctx.clock.now();
  return Number.isNaN(d.getTime()) ? ctx.clock.now() : d;
}

const byVariantThenLine = (a: { variant_id: string; line_id: string }, b: { variant_id: string; line_id: string }) => byVariant(a, b) || (a.line_id < b.line_id ? -1 : a.line_id > b.line_id ? 1 : 0);

/**
 * Serials a sale or return names that were not where the ledger had them: the till is the truth
 * (the sale happened), so they take the new state anyway and the mismatch is reported.
 */
async function forceSerials(ctx: Ctx, kind: 'sale' | 'return', ref: string, storeId: string, variantId: string, serials: string[], to: SerialState): Promise<void> {
  if (serials.length === 0) return;
  const known = new Set(await moveSerials(ctx, { variantId, serials, from: SERIAL_STATES, to, toStore: storeId }));
  ctx.log.warn({ tenant_id: ctx.tenantId, kind, reference: ref, variant_id: variantId, serials }, 'serial numbers were not where the ledger had them');
  await ctx.emit(InventoryEvents.serialDiscrepancy, {
    kind,
    reference_id: ref,
    store_id: storeId,
    variant_id: variantId,
    serial_numbers: serials,
    unknown_serial_numbers: serials.filter((s) => !known.has(s)),
  });
}

/**
 * Records an order's sale movements, exactly once per order: a second call (a redelivered
 * event, checkout and the consumer both) changes nothing. Never refused for stock: a sale rung
 * offline already happened, so on_hand may go negative and the level is flagged instead.
 */
export async function recordSale(ctx: Ctx, input: SaleInput): Promise<RecordResult> {
  assertStore(ctx, input.store_id);
  if (!(await claimReference(ctx, 'order', input.order_id))) return { applied: false, movements: 0 };
  const occurredAt = timeOf(input.occurred_at, ctx);
  let movements = 0;
  for (const line of input.lines.toSorted(byVariantThenLine)) {
    if (line.quantity === 0) continue;
    const serials = line.serial_numbers?.length ? [...new Set(line.serial_numbers)] : null;
    await post(ctx, {
      storeId: input.store_id,
      variantId: line.variant_id,
      kind: 'sale',
      quantity: -line.quantity,
      reference: { type: 'order', id: input.order_id, line: line.line_id },
      serialNumbers: serials,
      occurredAt,
    });
    movements += 1;
    if (serials) {
      // a negative line (taken back within the order) puts its serials back on the shelf
      const [from, to]: [readonly SerialState[], SerialState] = line.quantity > 0 ? [SELLABLE_SERIAL_STATES, 'sold'] : [['sold'], 'returned'];
      const moved = new Set(await moveSerials(ctx, { variantId: line.variant_id, serials, from, atStore: line.quantity > 0 ? input.store_id : null, to, toStore: input.store_id }));
      await forceSerials(ctx, 'sale', input.order_id, input.store_id, line.variant_id, serials.filter((s) => !moved.has(s)), to);
    }
  }
  return { applied: true, movements };
}

/** Records a return's movements (units back on the shelf), exactly once per return id. */
export async function recordReturn(ctx: Ctx, input: ReturnInput): Promise<RecordResult> {
  assertStore(ctx, input.store_id);
  if (!(await claimReference(ctx, 'return', input.return_id))) return { applied: false, movements: 0 };
  const occurredAt = timeOf(input.occurred_at, ctx);
  let movements = 0;
  for (const line of input.lines.toSorted(byVariantThenLine)) {
    const serials = line.serial_numbers?.length ? [...new Set(line.serial_numbers)] : null;
    await post(ctx, {
      storeId: input.store_id,
      variantId: line.variant_id,
      kind: 'return',
      quantity: line.quantity,
      reference: { type: 'return', id: input.return_id, line: line.line_id },
      note: input.order_id ? `order ${input.order_id}` : null,
      serialNumbers: serials,
      occurredAt,
    });
    movements += 1;
    if (serials) {
      const moved = new Set(await moveSerials(ctx, { variantId: line.variant_id, serials, from: ['sold'], to: 'returned', toStore: input.store_id }));
      await forceSerials(ctx, 'return', input.return_id, input.store_id, line.variant_id, serials.filter((s) => !moved.has(s)), 'returned');
    }
  }
  return { applied: true, movements };
}

// ---------------------------------------------------------------- serials

/**
 * For checkout, online: every tracked variant on the lines must come with one serial per unit, each
 * in stock at this store. Fails with `serial_not_in_stock` naming the first serial that is not
 * (all of them in `errors`), `serial_required` or `serial_not_tracked`; returns nothing when fine.
 * Advisory: the sale itself is recorded later and is never refused.
 */
export async function validateSerials(ctx: Ctx, deps: InventoryDeps, storeId: string, lines: readonly SerialCheckLine[]): Promise<void> {
  assertStore(ctx, storeId);
  const variants = await requireVariants(ctx, deps, lines.map((l, i) => ({ variantId: l.variant_id, path: `lines.${i}.variant_id` })));
  const wanted: { variantId: string; serial: string; path: string }[] = [];
  const seen = new Set<string>();
  lines.forEach((l, i) => {
    const v = variants.get(l.variant_id)!;
    const path = `lines.${i}.serial_numbers`;
    const serials = l.serial_numbers ?? [];
    if (v.track_serials && serials.length === 0 && l.quantity === undefined) {
      throw new AppError(400, InventoryErrors.serialRequired, `${v.sku} tracks serial numbers: scan one per unit`, { errors: [{ path, message: 'must list one serial number per unit' }] });
    }
    checkSerialShape(v, serials, l.quantity ?? serials.length, path);
    serials.forEach((s, j) => {
      const key = `${l.variant_id}\u0000${s}`;
      if (seen.has(key)) throw new AppError(400, InventoryErrors.duplicateSerial, `Serial number ${s} is listed twice`, { errors: [{ path: `${path}.${j}`, message: `lists ${s} twice` }] });
      seen.add(key);
      wanted.push({ variantId: l.variant_id, serial: s, path: `${path}.${j}` });
    });
  });
  if (wanted.length === 0) return;
  const rows = await t(ctx.trx)
    .selectFrom('inventory.serials')
    .select(['variant_id', 'serial_number'])
    .where('store_id', '=', storeId)
    .where('state', 'in', [...SELLABLE_SERIAL_STATES])
    .where('variant_id', 'in', [...new Set(wanted.map((w) => w.variantId))])
    .where('serial_number', 'in', [...new Set(wanted.map((w) => w.serial))])
    .execute();
  const have = new Set(rows.map((r) => `${r.variant_id}\u0000${r.serial_number}`));
  const missing = wanted.filter((w) => !have.has(`${w.variantId}\u0000${w.serial}`));
  if (missing.length > 0) {
    const first = missing[0]!;
    const err = serialNotInStock(first.serial, variants.get(first.variantId)!, first.path, storeId);
    throw new AppError(err.status, err.code, err.message, {
      errors: missing.map((m) => ({ path: m.path, message: `${m.serial} is not in stock at this store` })),
      extra: { ...err.extra, serial_numbers: missing.map((m) => m.serial) },
    });
  }
}

export async function listSerials(
  ctx: Ctx,
  q: PageIn & { serial_number?: string | undefined; variant_id?: string | undefined; store_id?: string | undefined; state?: SerialState | undefined },
) {
  const stores = storeFilter(ctx, q.store_id);
  let query = t(ctx.trx).selectFrom('inventory.serials').selectAll().orderBy('variant_id').orderBy('serial_number').limit(q.limit + 1);
  if (stores) query = query.where('store_id', 'in', inList(stores));
  if (q.serial_number) query = query.where('serial_number', '=', q.serial_number);
  if (q.variant_id) query = query.where('variant_id', '=', q.variant_id);
  if (q.state) query = query.where('state', '=', q.state);
  const after = decodeCursor(q.cursor);
  if (after) query = query.where((eb) => eb(eb.refTuple('variant_id', 'serial_number'), '>', eb.tuple(String(after[0]), String(after[1]))));
  return toPage(await query.execute(), q.limit, toSerial, (r) => [r.variant_id, r.serial_number]);
}

/** One serial with every movement that named it, newest first. */
export async function getSerial(ctx: Ctx, variantId: string, serial: string): Promise<SerialDto & { history: MovementDto[] }> {
  const row = await t(ctx.trx).selectFrom('inventory.serials').selectAll().where('variant_id', '=', variantId).where('serial_number', '=', serial).executeTakeFirst();
  if (!row || !canReachStore(ctx, row.store_id)) throw notFound('Serial number');
  const history = await t(ctx.trx)
    .selectFrom('inventory.movements')
    .selectAll()
    .where('variant_id', '=', variantId)
    .where(sql<boolean>`serial_numbers @> array[${serial}]::text[]`)
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return { ...toSerial(row), history: history.map(toMovement) };
}
