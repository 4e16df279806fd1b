import { sql, type Selectable } from 'kysely';
import type { VariantRef } from '@novapos/catalog';
import { barcodeLookupKeys } from '@novapos/domain';
import { AppError, decodeCursor, isUniqueViolation, newId, notFound, toPage, type Ctx } from '@novapos/platform';
import { InventoryErrors, InventoryEvents, type CountDto, type CountLinesBody, type CountStatus } from './contract.ts';
import { t } from './inventory.repository.ts';
import { requireStores, canReachStore, post, storeFilter, type InventoryDeps } from './ledger.service.ts';
import type { CountLineRow, CountRow } from './tables.ts';

/*
 * Stock counts. Opening snapshots on_hand per variant (`expected`, for review). Each counted
 * quantity also records on_hand at the moment it was entered (`on_hand_at_count`), and submit
 * posts `counted − on_hand_at_count` as a delta. Why not the alternatives:
 *  - counted − on_hand at submit erases every sale made between counting a shelf and submitting;
 *  - counted − snapshot at open counts twice a unit sold after open but before its shelf was
 *    counted (the sale already took it off on_hand, and the count finds it missing again).
 * Entering counts as the shelf is scanned makes on_hand_at_count the stock the counter actually
 * saw; movements after that are kept because the correction is applied as a delta. A count taken
 * on paper and typed in later sends `counted_at`: on_hand_at_count is then today's on_hand minus
 * the movements that occurred after it (business time, so an offline sale synced later but rung
 * before the count is not mistaken for one after it).
 */

const CHUNK = 1000;

// Codes are stored and looked up as keys: a GTIN scanned as UPC-A or as EAN-13 finds the same variant.
const codesOf = (v: VariantRef): string[] => [...new Set([...v.barcodes.flatMap(barcodeLookupKeys), `sku:${v.sku}`])];
const keysOfScan = (scan: string): string[] => [...barcodeLookupKeys(scan), `sku:${scan.trim()}`];

type CountLine = Selectable<CountLineRow>;

const lineDto = (l: CountLine, status: CountStatus) => ({
  variant_id: l.variant_id,
  sku: l.sku,
  name: l.name,
  expected: l.expected,
  counted: l.counted,
  difference: l.counted === null ? null : l.counted - l.expected,
  on_hand_at_count: l.on_hand_at_count,
  correction: status === 'open' ? (l.counted === null || l.on_hand_at_count === null ? null : l.counted - l.on_hand_at_count) : l.correction,
  counted_at: l.counted_at?.toISOString() ?? null,
});

async function summaryOf(ctx: Ctx, id: string): Promise<CountDto['summary']> {
  const r = await sql<CountDto['summary']>`
    select count(*)::int as lines,
      count(counted)::int as counted,
      (count(*) - count(counted))::int as uncounted,
      count(*) filter (where coalesce(correction, counted - on_hand_at_count) <> 0)::int as with_difference,
      coalesce(sum(expected), 0)::int as units_expected,
      coalesce(sum(counted), 0)::int as units_counted,
      coalesce(sum(coalesce(correction, counted - on_hand_at_count)), 0)::int as net_correction
    from inventory.count_lines where tenant_id = ${ctx.tenantId} and count_id = ${id}`.execute(ctx.trx);
  return r.rows[0]!;
}

async function toCount(ctx: Ctx, r: Selectable<CountRow>): Promise<CountDto> {
  return {
    id: r.id,
    store_id: r.store_id,
    category_id: r.category_id,
    status: r.status,
    note: r.note,
    opened_by: r.opened_by,
    opened_at: r.opened_at.toISOString(),
    closed_by: r.closed_by,
    closed_at: r.closed_at?.toISOString() ?? null,
    summary: await summaryOf(ctx, r.id),
  };
}

async function reachable(ctx: Ctx, id: string, lock: 'share' | null = null): Promise<Selectable<CountRow>> {
  let q = t(ctx.trx).selectFrom('inventory.counts').selectAll().where('id', '=', id);
  if (lock) q = q.forShare();
  const row = await q.executeTakeFirst();
  if (!row || !canReachStore(ctx, row.store_id)) throw notFound('Count');
  return row;
}

const notOpen = (status: string, action: string) => new AppError(409, InventoryErrors.invalidTransition, `Cannot ${action} a count that is ${status}`, { extra: { current_status: status } });

async function refsOf(ctx: Ctx, deps: InventoryDeps, ids: string[]): Promise<Map<string, VariantRef>> {
  const out = new Map<string, VariantRef>();
  for (let i = 0; i < ids.length; i += CHUNK) for (const v of await deps.catalog.getVariants(ctx, ids.slice(i, i + CHUNK))) out.set(v.id, v);
  return out;
}

/**
 * Opens a count of a store (one category and its descendants, or everything), snapshotting
 * expected quantities. One open count per store: two would correct the same units twice.
 */
export async function openCount(ctx: Ctx, deps: InventoryDeps, body: { store_id: string; category_id?: string | null | undefined; note?: string | undefined }): Promise<CountDto> {
  await requireStores(ctx, deps, [{ id: body.store_id, path: 'store_id' }]);
  const id = newId();
  const db = t(ctx.trx);
  try {
    await sql`savepoint open_count`.execute(ctx.trx);
    await db
      .insertInto('inventory.counts')
      .values({ tenant_id: ctx.tenantId, id, store_id: body.store_id, category_id: body.category_id ?? null, note: body.note ?? null, opened_by: ctx.actor.id, opened_at: ctx.clock.now(), closed_by: null, closed_at: null })
      .execute();
    await sql`release savepoint open_count`.execute(ctx.trx);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    await sql`rollback to savepoint open_count`.execute(ctx.trx);
    const open = await db.selectFrom('inventory.counts').select('id').where('store_id', '=', body.store_id).where('status', '=', 'open').executeTakeFirst();
    throw new AppError(409, InventoryErrors.countAlreadyOpen, 'This store already has an open count; submit or cancel it first', { extra: { count_id: open?.id ?? null } });
  }
  const ids = new Set(await deps.catalog.variantIdsInCategory(ctx, body.category_id ?? null));
  if (!body.category_id) {
    // a full count also covers stock of variants the catalog no longer lists
    const held = await db.selectFrom('inventory.levels').select('variant_id').where('store_id', '=', body.store_id).where('on_hand', '!=', 0).execute();
    for (const h of held) ids.add(h.variant_id);
  }
  const all = [...ids].toSorted();
  const refs = await refsOf(ctx, deps, all);
  for (let i = 0; i < all.length; i += CHUNK) {
    const part = all.slice(i, i + CHUNK);
    await sql`insert into inventory.count_lines (tenant_id, count_id, variant_id, sku, name, expected)
      select ${ctx.tenantId}, ${id}, v.id, v.sku, v.name, coalesce(l.on_hand, 0)
      from unnest(${part}::uuid[], ${part.map((p) => refs.get(p)?.sku ?? null)}::text[], ${part.map((p) => refs.get(p)?.name ?? null)}::text[]) as v(id, sku, name)
      left join inventory.levels l on l.tenant_id = ${ctx.tenantId} and l.store_id = ${body.store_id} and l.variant_id = v.id`.execute(ctx.trx);
    const codes: string[] = [];
    const owners: string[] = [];
    for (const p of part) {
      const ref = refs.get(p);
      for (const code of ref ? codesOf(ref) : []) {
        codes.push(code);
        owners.push(p);
      }
    }
    if (codes.length > 0) {
      await sql`insert into inventory.count_codes (tenant_id, count_id, code, variant_id)
        select ${ctx.tenantId}, ${id}, c.code, c.variant_id from unnest(${codes}::text[], ${owners}::uuid[]) as c(code, variant_id)
        on conflict do nothing`.execute(ctx.trx);
    }
  }
  return getCount(ctx, id);
}

export async function getCount(ctx: Ctx, id: string): Promise<CountDto> {
  return toCount(ctx, await reachable(ctx, id));
}

/** The count with a page of its lines: all, counted, uncounted, or those with a correction to post. */
export async function getCountDetail(ctx: Ctx, id: string, q: { limit: number; cursor?: string | undefined; lines: 'all' | 'counted' | 'uncounted' | 'differences' }) {
  const row = await reachable(ctx, id);
  let query = t(ctx.trx).selectFrom('inventory.count_lines').selectAll().where('count_id', '=', id).orderBy('variant_id').limit(q.limit + 1);
  if (q.lines === 'counted') query = query.where('counted', 'is not', null);
  if (q.lines === 'uncounted') query = query.where('counted', 'is', null);
  if (q.lines === 'differences') query = query.where(sql<boolean>`coalesce(correction, counted - on_hand_at_count) <> 0`);
  const after = decodeCursor(q.cursor);
  if (after) query = query.where('variant_id', '>', String(after[0]));
  const page = toPage(await query.execute(), q.limit, (l) => lineDto(l, row.status), (l) => [l.variant_id]);
  return { ...(await toCount(ctx, row)), lines: page.data, next_cursor: page.next_cursor };
}

/**
 * Enters counted quantities by variant id or by a barcode/SKU of a counted variant. `set` replaces
 * the quantity and takes on_hand now as what the counter saw; `add` (one scan at a time) adds to it
 * and keeps the on_hand of the first scan.
 */
export async function enterCounts(ctx: Ctx, id: string, body: CountLinesBody) {
  const count = await reachable(ctx, id, 'share');
  if (count.status !== 'open') throw notOpen(count.status, 'enter quantities into');
  const keys = [...new Set(body.lines.flatMap((l) => (l.barcode ? keysOfScan(l.barcode) : [])))];
  const byKey = new Map(
    keys.length
      ? (await t(ctx.trx).selectFrom('inventory.count_codes').select(['code', 'variant_id']).where('count_id', '=', id).where('code', 'in', keys).execute()).map((c) => [c.code, c.variant_id])
      : [],
  );
  const lookup = (scan: string) => keysOfScan(scan).map((k) => byKey.get(k)).find((v) => v !== undefined);
  const touched: string[] = [];
  for (const [i, l] of body.lines.entries()) {
    const variantId = l.variant_id ?? lookup(l.barcode!);
    const path = l.variant_id ? `lines.${i}.variant_id` : `lines.${i}.barcode`;
    const notInCount = () => new AppError(400, InventoryErrors.notInCount, `${l.barcode ?? l.variant_id} is not part of this count`, { errors: [{ path, message: 'is not a variant in this count' }] });
    if (!variantId) throw notInCount();
    const fresh = l.mode === 'set' ? sql<boolean>`true` : sql<boolean>`cl.counted is null`;
    const now = ctx.clock.now();
    const seenAt = l.counted_at && new Date(l.counted_at) < now ? new Date(l.counted_at) : null;
    // on_hand as the counter saw it: now, or at counted_at (today's on_hand minus what moved since)
    const since = seenAt
      ? sql`coalesce((select sum(m.quantity) from inventory.movements m where m.tenant_id = cl.tenant_id and m.store_id = ${count.store_id}
          and m.variant_id = cl.variant_id and m.occurred_at > ${seenAt}), 0)`
      : sql`0`;
    const r = await sql<{ variant_id: string }>`
      update inventory.count_lines cl set
        counted = case when ${l.mode} = 'add' then coalesce(cl.counted, 0) + ${l.counted}::int else ${l.counted}::int end,
        on_hand_at_count = case when ${fresh} then coalesce((select lv.on_hand from inventory.levels lv
            where lv.tenant_id = cl.tenant_id and lv.store_id = ${count.store_id} and lv.variant_id = cl.variant_id), 0) - ${since}
          else cl.on_hand_at_count end,
        counted_by = ${ctx.actor.id}, counted_at = ${seenAt ?? now}
      where cl.tenant_id = ${ctx.tenantId} and cl.count_id = ${id} and cl.variant_id = ${variantId}
      returning cl.variant_id`.execute(ctx.trx);
    if (r.rows.length === 0) throw notInCount();
    touched.push(variantId);
  }
  const lines = await t(ctx.trx).selectFrom('inventory.count_lines').selectAll().where('count_id', '=', id).where('variant_id', 'in', [...new Set(touched)]).orderBy('variant_id').execute();
  return { ...(await toCount(ctx, count)), lines: lines.map((l) => lineDto(l, 'open')), next_cursor: null };
}

/** Posts a count_correction movement of `counted − on_hand_at_count` per counted line that differs. */
export async function submitCount(ctx: Ctx, id: string, body: { uncounted: 'skip' | 'zero' }): Promise<CountDto> {
  const count = await reachable(ctx, id);
  const now = ctx.clock.now();
  const closed = await t(ctx.trx)
    .updateTable('inventory.counts')
    .set({ status: 'submitted', closed_at: now, closed_by: ctx.actor.id })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
  if (!closed) throw notOpen((await reachable(ctx, id)).status, 'submit');
  if (body.uncounted === 'zero') {
    await sql`update inventory.count_lines cl set counted = 0, counted_by = ${ctx.actor.id}, counted_at = ${now},
        on_hand_at_count = coalesce((select lv.on_hand from inventory.levels lv
          where lv.tenant_id = cl.tenant_id and lv.store_id = ${count.store_id} and lv.variant_id = cl.variant_id), 0)
      where cl.tenant_id = ${ctx.tenantId} and cl.count_id = ${id} and cl.counted is null`.execute(ctx.trx);
  }
  const diffs = await sql<{ variant_id: string; delta: number }>`
    select variant_id, counted - on_hand_at_count as delta from inventory.count_lines
    where tenant_id = ${ctx.tenantId} and count_id = ${id} and counted is not null and counted <> on_hand_at_count
    order by variant_id`.execute(ctx.trx);
  for (const d of diffs.rows) {
    // a correction states what is there: it is not floored, sales since the scan may still go below zero
    await post(ctx, { storeId: count.store_id, variantId: d.variant_id, kind: 'count_correction', quantity: d.delta, reason: 'stock_count', reference: { type: 'count', id, line: d.variant_id }, occurredAt: now });
  }
  await sql`update inventory.count_lines set correction = case when counted is null then null else counted - on_hand_at_count end
    where tenant_id = ${ctx.tenantId} and count_id = ${id}`.execute(ctx.trx);
  const result = await toCount(ctx, closed);
  await ctx.emit(InventoryEvents.countSubmitted, { count_id: id, store_id: count.store_id, category_id: count.category_id, lines_corrected: diffs.rows.length, net_correction: result.summary.net_correction, by: ctx.actor.id });
  return result;
}

export async function cancelCount(ctx: Ctx, id: string): Promise<CountDto> {
  await reachable(ctx, id);
  const row = await t(ctx.trx)
    .updateTable('inventory.counts')
    .set({ status: 'cancelled', closed_at: ctx.clock.now(), closed_by: ctx.actor.id })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notOpen((await reachable(ctx, id)).status, 'cancel');
  return toCount(ctx, row);
}

export async function listCounts(ctx: Ctx, q: { limit: number; cursor?: string | undefined; store_id?: string | undefined; status?: CountStatus | undefined }) {
  const stores = storeFilter(ctx, q.store_id);
  let query = t(ctx.trx).selectFrom('inventory.counts').selectAll().orderBy('id', 'desc').limit(q.limit + 1);
  if (stores) query = query.where('store_id', 'in', stores.length ? stores : [newId()]);
  if (q.status) query = query.where('status', '=', q.status);
  const after = decodeCursor(q.cursor);
  if (after) query = query.where('id', '<', String(after[0]));
  const page = toPage(await query.execute(), q.limit, (r) => r, (r) => [r.id]);
  const data: CountDto[] = [];
  for (const r of page.data) data.push(await toCount(ctx, r));
  return { data, next_cursor: page.next_cursor };
}
