import type { Selectable } from 'kysely';
import { decodeCursor, newId, notFound, toPage, type Ctx } from '@novapos/platform';
import { InventoryEvents, type ReceiptCreate, type ReceiptDto } from './contract.ts';
import { addSerials, t } from './inventory.repository.ts';
import { serialExists } from './inventory.service.ts';
import { requireStores, byVariant, canReachStore, checkSerialShape, post, requireVariants, storeFilter, type InventoryDeps } from './ledger.service.ts';
import type { ReceiptLineRow, ReceiptRow } from './tables.ts';

const toReceipt = (r: Selectable<ReceiptRow>, lines: Selectable<ReceiptLineRow>[]): ReceiptDto => ({
  id: r.id,
  store_id: r.store_id,
  supplier: r.supplier,
  supplier_reference: r.supplier_reference,
  note: r.note,
  received_by: r.received_by,
  received_at: r.received_at.toISOString(),
  lines: lines.map((l) => ({ line_no: l.line_no, variant_id: l.variant_id, quantity: l.quantity, unit_cost: { amount: Number(l.unit_cost_amount), currency: l.unit_cost_currency }, serial_numbers: l.serial_numbers })),
});

async function linesOf(ctx: Ctx, ids: string[]): Promise<Map<string, Selectable<ReceiptLineRow>[]>> {
  const out = new Map<string, Selectable<ReceiptLineRow>[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await t(ctx.trx).selectFrom('inventory.receipt_lines').selectAll().where('receipt_id', 'in', ids).orderBy('receipt_id').orderBy('line_no').execute();
  for (const r of rows) out.get(r.receipt_id)?.push(r);
  return out;
}

/**
 * Stock arriving from a supplier: one receive movement per line with its unit cost, and for
 * tracked variants one new serial per unit (a serial already on record is refused, unless it had
 * been removed and is now coming back).
 */
export async function createReceipt(ctx: Ctx, deps: InventoryDeps, body: ReceiptCreate): Promise<ReceiptDto> {
  await requireStores(ctx, deps, [{ id: body.store_id, path: 'store_id' }]);
  const variants = await requireVariants(ctx, deps, body.lines.map((l, i) => ({ variantId: l.variant_id, path: `lines.${i}.variant_id` })));
  const lines = body.lines.map((l, i) => ({ ...l, line_no: i + 1, serials: checkSerialShape(variants.get(l.variant_id)!, l.serial_numbers, l.quantity, `lines.${i}.serial_numbers`) }));
  const id = newId();
  const db = t(ctx.trx);
  const receivedAt = ctx.clock.now();
  const row = await db
    .insertInto('inventory.receipts')
    .values({ tenant_id: ctx.tenantId, id, store_id: body.store_id, supplier: body.supplier, supplier_reference: body.supplier_reference ?? null, note: body.note ?? null, received_by: ctx.actor.id, received_at: receivedAt })
    .returningAll()
    .executeTakeFirstOrThrow();
  const stored = await db
    .insertInto('inventory.receipt_lines')
    .values(lines.map((l) => ({ tenant_id: ctx.tenantId, receipt_id: id, line_no: l.line_no, variant_id: l.variant_id, quantity: l.quantity, unit_cost_amount: l.unit_cost.amount, unit_cost_currency: l.unit_cost.currency, serial_numbers: l.serials.length ? l.serials : null })))
    .returningAll()
    .execute();
  for (const l of lines.toSorted(byVariant)) {
    await post(ctx, {
      storeId: body.store_id,
      variantId: l.variant_id,
      kind: 'receive',
      quantity: l.quantity,
      reference: { type: 'receipt', id, line: String(l.line_no) },
      note: body.supplier,
      unitCost: l.unit_cost,
      serialNumbers: l.serials.length ? l.serials : null,
      occurredAt: receivedAt,
    });
    const taken = await addSerials(ctx, body.store_id, l.variant_id, l.serials);
    if (taken.length > 0) throw serialExists(taken, variants.get(l.variant_id)!.sku, `lines.${l.line_no - 1}.serial_numbers`);
  }
  await ctx.emit(InventoryEvents.received, {
    receipt_id: id,
    store_id: body.store_id,
    supplier: body.supplier,
    lines: lines.map((l) => ({ variant_id: l.variant_id, quantity: l.quantity, unit_cost: l.unit_cost })),
    by: ctx.actor.id,
  });
  return toReceipt(row, stored.toSorted((a, b) => a.line_no - b.line_no));
}

export async function getReceipt(ctx: Ctx, id: string): Promise<ReceiptDto> {
  const row = await t(ctx.trx).selectFrom('inventory.receipts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !canReachStore(ctx, row.store_id)) throw notFound('Receipt');
  return toReceipt(row, (await linesOf(ctx, [id])).get(id)!);
}

export async function listReceipts(ctx: Ctx, q: { limit: number; cursor?: string | undefined; store_id?: string | undefined }) {
  const stores = storeFilter(ctx, q.store_id);
  let query = t(ctx.trx).selectFrom('inventory.receipts').selectAll().orderBy('id', 'desc').limit(q.limit + 1);
  if (stores) query = query.where('store_id', 'in', stores.length ? stores : [newId()]);
  const after = decodeCursor(q.cursor);
  if (after) query = query.where('id', '<', String(after[0]));
  const rows = await query.execute();
  const lines = await linesOf(ctx, rows.slice(0, q.limit).map((r) => r.id));
  return toPage(rows, q.limit, (r) => toReceipt(r, lines.get(r.id) ?? []), (r) => [r.id]);
}
