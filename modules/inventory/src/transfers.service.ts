import type { Selectable } from 'kysely';
import { AppError, decodeCursor, newId, notFound, toPage, type Ctx } from '@novapos/platform';
import { InventoryErrors, InventoryEvents, SELLABLE_SERIAL_STATES, type TransferCreate, type TransferDto, type TransferReceive, type TransferStatus } from './contract.ts';
import { moveSerials, onHand, t } from './inventory.repository.ts';
import { assertStore, requireStores, byVariant, canReachStore, checkSerialShape, insufficientStock, post, requireVariants, serialNotInStock, type InventoryDeps } from './ledger.service.ts';
import type { TransferLineRow, TransferRow } from './tables.ts';

type Side = 'from' | 'to' | 'either';

const toTransfer = (r: Selectable<TransferRow>, lines: Selectable<TransferLineRow>[]): TransferDto => ({
  id: r.id,
  from_store_id: r.from_store_id,
  to_store_id: r.to_store_id,
  status: r.status,
  note: r.note,
  lines: lines.map((l) => ({
    id: l.id,
    variant_id: l.variant_id,
    quantity: l.quantity,
    serial_numbers: l.serial_numbers,
    received_quantity: l.received_quantity,
    received_serial_numbers: l.received_serial_numbers,
    difference: l.received_quantity === null ? null : l.received_quantity - l.quantity,
    difference_reason: l.difference_reason,
  })),
  created_by: r.created_by,
  created_at: r.created_at.toISOString(),
  shipped_by: r.shipped_by,
  shipped_at: r.shipped_at?.toISOString() ?? null,
  received_by: r.received_by,
  received_at: r.received_at?.toISOString() ?? null,
  cancelled_by: r.cancelled_by,
  cancelled_at: r.cancelled_at?.toISOString() ?? null,
  cancel_reason: r.cancel_reason,
});

async function linesOf(ctx: Ctx, transferIds: string[]): Promise<Map<string, Selectable<TransferLineRow>[]>> {
  const out = new Map<string, Selectable<TransferLineRow>[]>(transferIds.map((id) => [id, []]));
  if (transferIds.length === 0) return out;
  // line ids are UUIDv7 minted in request order, so this is the order the lines were given in
  const rows = await t(ctx.trx).selectFrom('inventory.transfer_lines').selectAll().where('transfer_id', 'in', transferIds).orderBy('id').execute();
  for (const r of rows) out.get(r.transfer_id)?.push(r);
  return out;
}

/** The transfer if it exists and the actor reaches the side that acts on it; 404 otherwise. */
async function reachable(ctx: Ctx, id: string, side: Side): Promise<Selectable<TransferRow>> {
  const row = await t(ctx.trx).selectFrom('inventory.transfers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Transfer');
  const from = canReachStore(ctx, row.from_store_id);
  const to = canReachStore(ctx, row.to_store_id);
  if (!(side === 'from' ? from : side === 'to' ? to : from || to)) throw notFound('Transfer');
  return row;
}

async function transitionError(ctx: Ctx, id: string, action: string): Promise<AppError> {
  const row = await t(ctx.trx).selectFrom('inventory.transfers').select('status').where('id', '=', id).executeTakeFirst();
  const status = row?.status ?? 'unknown';
  return new AppError(409, InventoryErrors.invalidTransition, `Cannot ${action} a transfer that is ${status}`, { extra: { current_status: status } });
}

export async function getTransfer(ctx: Ctx, id: string): Promise<TransferDto> {
  const row = await reachable(ctx, id, 'either');
  return toTransfer(row, (await linesOf(ctx, [id])).get(id)!);
}

export async function listTransfers(ctx: Ctx, q: { limit: number; cursor?: string | undefined; store_id?: string | undefined; status?: TransferStatus | undefined }) {
  let query = t(ctx.trx).selectFrom('inventory.transfers').selectAll().orderBy('id', 'desc').limit(q.limit + 1);
  if (q.store_id) {
    assertStore(ctx, q.store_id);
    query = query.where((eb) => eb.or([eb('from_store_id', '=', q.store_id!), eb('to_store_id', '=', q.store_id!)]));
  } else if (ctx.actor.storeIds !== null) {
    const mine = ctx.actor.storeIds.length ? [...ctx.actor.storeIds] : [newId()];
    query = query.where((eb) => eb.or([eb('from_store_id', 'in', mine), eb('to_store_id', 'in', mine)]));
  }
  if (q.status) query = query.where('status', '=', q.status);
  const after = decodeCursor(q.cursor);
  if (after) query = query.where('id', '<', String(after[0]));
  const rows = await query.execute();
  const lines = await linesOf(ctx, rows.slice(0, q.limit).map((r) => r.id));
  return toPage(rows, q.limit, (r) => toTransfer(r, lines.get(r.id) ?? []), (r) => [r.id]);
}

/**
 * A draft: nothing moves yet. Stock is checked now for early feedback (read only); shipping
 * re-checks it atomically, since it may have sold in between.
 */
export async function createTransfer(ctx: Ctx, deps: InventoryDeps, body: TransferCreate): Promise<TransferDto> {
  // the destination may be outside a manager's own stores, but it must be a store
  await requireStores(ctx, deps, [{ id: body.from_store_id, path: 'from_store_id' }, { id: body.to_store_id, path: 'to_store_id', scoped: false }]);
  const variants = await requireVariants(ctx, deps, body.lines.map((l, i) => ({ variantId: l.variant_id, path: `lines.${i}.variant_id` })));
  const serials = body.lines.map((l, i) => checkSerialShape(variants.get(l.variant_id)!, l.serial_numbers, l.quantity, `lines.${i}.serial_numbers`));
  for (const [i, l] of body.lines.entries()) {
    if ((await onHand(ctx.trx, body.from_store_id, l.variant_id)) < l.quantity) throw await insufficientStock(ctx, body.from_store_id, l.variant_id, l.quantity, `lines.${i}.quantity`);
  }
  const id = newId();
  const db = t(ctx.trx);
  await db
    .insertInto('inventory.transfers')
    .values({ tenant_id: ctx.tenantId, id, from_store_id: body.from_store_id, to_store_id: body.to_store_id, note: body.note ?? null, created_by: ctx.actor.id, created_at: ctx.clock.now(), shipped_by: null, shipped_at: null, received_by: null, received_at: null, cancelled_by: null, cancelled_at: null, cancel_reason: null })
    .execute();
  await db
    .insertInto('inventory.transfer_lines')
    .values(body.lines.map((l, i) => ({ tenant_id: ctx.tenantId, transfer_id: id, id: newId(), variant_id: l.variant_id, quantity: l.quantity, serial_numbers: serials[i]!.length ? serials[i]! : null, received_quantity: null, received_serial_numbers: null, difference_reason: null })))
    .execute();
  return getTransfer(ctx, id);
}

async function setStatus(ctx: Ctx, id: string, from: TransferStatus, to: TransferStatus, extra: Partial<Record<keyof TransferRow, unknown>>): Promise<boolean> {
  const r = await t(ctx.trx)
    .updateTable('inventory.transfers')
    .set({ status: to, updated_at: ctx.clock.now(), ...extra } as never)
    .where('id', '=', id)
    .where('status', '=', from)
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

/** draft → shipped: the units leave the source (transfer_out), never below zero; serials go in transit. */
export async function shipTransfer(ctx: Ctx, id: string): Promise<TransferDto> {
  const tr = await reachable(ctx, id, 'from');
  if (!(await setStatus(ctx, id, 'draft', 'shipped', { shipped_at: ctx.clock.now(), shipped_by: ctx.actor.id }))) throw await transitionError(ctx, id, 'ship');
  const lines = (await linesOf(ctx, [id])).get(id)!;
  const indexed = lines.map((l, i) => ({ ...l, i })).toSorted(byVariant);
  for (const l of indexed) {
    await post(
      ctx,
      { storeId: tr.from_store_id, variantId: l.variant_id, kind: 'transfer_out', quantity: -l.quantity, floor: true, reference: { type: 'transfer', id, line: l.id }, serialNumbers: l.serial_numbers },
      `lines.${l.i}.quantity`,
    );
    if (l.serial_numbers?.length) {
      const moved = new Set(await moveSerials(ctx, { variantId: l.variant_id, serials: l.serial_numbers, from: SELLABLE_SERIAL_STATES, atStore: tr.from_store_id, to: 'in_transit' }));
      const j = l.serial_numbers.findIndex((s) => !moved.has(s));
      if (j >= 0) throw serialNotInStock(l.serial_numbers[j]!, { id: l.variant_id }, `lines.${l.i}.serial_numbers.${j}`, tr.from_store_id);
    }
  }
  await ctx.emit(InventoryEvents.transferShipped, { transfer_id: id, from_store_id: tr.from_store_id, to_store_id: tr.to_store_id, lines: lines.map((l) => ({ variant_id: l.variant_id, quantity: l.quantity })), by: ctx.actor.id });
  return getTransfer(ctx, id);
}

/**
 * shipped → received at the destination (transfer_in). A line may arrive short: what is missing is
 * recorded on the line with a reason and its serials are marked removed; the source already gave
 * those units up when it shipped them.
 */
export async function receiveTransfer(ctx: Ctx, id: string, body: TransferReceive): Promise<TransferDto> {
  const tr = await reachable(ctx, id, 'to');
  const lines = (await linesOf(ctx, [id])).get(id)!;
  const given = new Map<string, { i: number; line: NonNullable<TransferReceive['lines']>[number] }>();
  (body.lines ?? []).forEach((l, i) => {
    if (!lines.some((x) => x.variant_id === l.variant_id)) throw new AppError(400, 'validation_failed', 'A received line is not on this transfer', { errors: [{ path: `lines.${i}.variant_id`, message: 'is not on this transfer' }] });
    if (given.has(l.variant_id)) throw new AppError(400, 'validation_failed', 'A variant is listed twice', { errors: [{ path: `lines.${i}.variant_id`, message: 'is listed twice' }] });
    given.set(l.variant_id, { i, line: l });
  });
  const plan = lines.map((l) => {
    const g = given.get(l.variant_id);
    const path = g ? `lines.${g.i}` : `lines`;
    const received = g?.line.received_quantity ?? l.quantity;
    if (received > l.quantity) throw new AppError(400, 'validation_failed', `At most ${l.quantity} were shipped`, { errors: [{ path: `${path}.received_quantity`, message: `must be at most the ${l.quantity} shipped` }] });
    const reason = g?.line.reason ?? null;
    if (received < l.quantity && !reason) {
      throw new AppError(400, InventoryErrors.reasonRequired, 'Say why fewer units arrived than were shipped', { errors: [{ path: `${path}.reason`, message: 'is required when fewer arrive than were shipped' }] });
    }
    let serials: string[] | null = null;
    if (l.serial_numbers?.length) {
      serials = g?.line.serial_numbers ?? (received === l.quantity ? l.serial_numbers : null);
      const shipped = new Set(l.serial_numbers);
      if (!serials || serials.length !== received || new Set(serials).size !== serials.length || serials.some((s) => !shipped.has(s))) {
        throw new AppError(400, InventoryErrors.serialRequired, `Name the ${received} serial numbers that arrived, from those shipped`, {
          errors: [{ path: `${path}.serial_numbers`, message: `must list the ${received} shipped serial numbers that arrived` }],
        });
      }
    }
    return { line: l, received, reason, serials };
  });
  const now = ctx.clock.now();
  if (!(await setStatus(ctx, id, 'shipped', 'received', { received_at: now, received_by: ctx.actor.id }))) throw await transitionError(ctx, id, 'receive');
  for (const p of plan.toSorted((a, b) => byVariant(a.line, b.line))) {
    const l = p.line;
    if (p.received > 0) {
      await post(ctx, { storeId: tr.to_store_id, variantId: l.variant_id, kind: 'transfer_in', quantity: p.received, reference: { type: 'transfer', id, line: l.id }, serialNumbers: p.serials });
    }
    if (l.serial_numbers?.length) {
      const arrived = new Set(p.serials ?? []);
      await moveSerials(ctx, { variantId: l.variant_id, serials: [...arrived], from: ['in_transit'], to: 'in_stock', toStore: tr.to_store_id });
      await moveSerials(ctx, { variantId: l.variant_id, serials: l.serial_numbers.filter((s) => !arrived.has(s)), from: ['in_transit'], to: 'removed' });
    }
    await t(ctx.trx)
      .updateTable('inventory.transfer_lines')
      .set({ received_quantity: p.received, received_serial_numbers: p.serials, difference_reason: p.received < l.quantity ? p.reason : null })
      .where('id', '=', l.id)
      .execute();
  }
  await ctx.emit(InventoryEvents.transferReceived, {
    transfer_id: id,
    from_store_id: tr.from_store_id,
    to_store_id: tr.to_store_id,
    lines: plan.map((p) => ({ variant_id: p.line.variant_id, shipped: p.line.quantity, received: p.received, difference_reason: p.received < p.line.quantity ? p.reason : null })),
    by: ctx.actor.id,
  });
  return getTransfer(ctx, id);
}

/** draft → cancelled; shipped → cancelled puts the units back at the source (transfer_in there). */
export async function cancelTransfer(ctx: Ctx, id: string, body: { reason?: string | undefined }): Promise<TransferDto> {
  const tr = await reachable(ctx, id, 'from');
  const fields = { cancelled_at: ctx.clock.now(), cancelled_by: ctx.actor.id, cancel_reason: body.reason ?? null };
  let wasShipped = false;
  if (!(await setStatus(ctx, id, 'draft', 'cancelled', fields))) {
    if (!(await setStatus(ctx, id, 'shipped', 'cancelled', fields))) throw await transitionError(ctx, id, 'cancel');
    wasShipped = true;
  }
  const lines = (await linesOf(ctx, [id])).get(id)!;
  if (wasShipped) {
    for (const l of lines.toSorted(byVariant)) {
      await post(ctx, { storeId: tr.from_store_id, variantId: l.variant_id, kind: 'transfer_in', quantity: l.quantity, reason: 'transfer_cancelled', reference: { type: 'transfer', id, line: l.id }, serialNumbers: l.serial_numbers });
      if (l.serial_numbers?.length) await moveSerials(ctx, { variantId: l.variant_id, serials: l.serial_numbers, from: ['in_transit'], to: 'in_stock', toStore: tr.from_store_id });
    }
  }
  await ctx.emit(InventoryEvents.transferCancelled, { transfer_id: id, from_store_id: tr.from_store_id, to_store_id: tr.to_store_id, was_shipped: wasShipped, reason: body.reason ?? null, by: ctx.actor.id });
  return getTransfer(ctx, id);
}
