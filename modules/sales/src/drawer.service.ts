import { sql } from 'kysely';
import { AppError, can, conflict, decodeCursor, isUniqueViolation, newId, notFound, toPage, type Ctx } from '@novapos/platform';
import {
  SalesErrors as E,
  SalesEvents,
  type CashMovementCreate,
  type CashMovementDto,
  type CloseWarning,
  type SessionClose,
  type SessionDto,
  type SessionReportDto,
  type SessionsQuery,
} from './contract.ts';
import { canReachStore, storeFor, type SalesDeps } from './orders.service.ts';
import { addCashMovement, json, openSessionRow, sessionRow, sessionRowAt, t, toMovement, toSession } from './sales.repository.ts';
import type { SessionRow, StoredBreakdown } from './tables.ts';

async function registerOf(ctx: Ctx, deps: SalesDeps, registerId: string) {
  const reg = await deps.stores.registerInfo(ctx, registerId);
  if (!reg || !canReachStore(ctx, reg.store_id)) throw notFound('Register');
  return reg;
}

async function requireOpen(ctx: Ctx, registerId: string, lock = false): Promise<SessionRow> {
  const s = await openSessionRow(ctx, registerId, lock);
  if (!s) throw new AppError(409, E.noOpenSession, 'No drawer session is open on this register', { extra: { register_id: registerId } });
  return s;
}

/** Opens a drawer session with a counted float; one open session per register (409 otherwise). */
export async function openSession(ctx: Ctx, deps: SalesDeps, registerId: string, body: { opening_float: { amount: number; currency: string } }): Promise<SessionDto> {
  const reg = await registerOf(ctx, deps, registerId);
  const store = await storeFor(ctx, deps, reg.store_id);
  if (body.opening_float.currency !== store.currency) throw new AppError(400, E.currencyMismatch, `Amounts must be in ${store.currency}`, { errors: [{ path: 'opening_float.currency', message: `must be ${store.currency}` }] });
  const open = await openSessionRow(ctx, registerId);
  if (open) throw conflict(E.sessionAlreadyOpen, 'A drawer session is already open on this register', { session_id: open.id });
  const row: SessionRow = {
    tenant_id: ctx.tenantId,
    id: newId(),
    store_id: reg.store_id,
    register_id: registerId,
    status: 'open',
    currency: store.currency,
    opening_float: body.opening_float.amount,
    expected_cash: body.opening_float.amount,
    opened_by: ctx.actor.id,
    opened_at: ctx.clock.now(),
    closed_by: null,
    closed_at: null,
    counted_cash: null,
    counted_denominations: null,
    variance: null,
    unsynced_sales: null,
    close_warnings: null,
  };
  try {
    await t(ctx.trx).insertInto('sales.drawer_sessions').values(row).execute();
  } catch (err) {
    // two opens at once: the unique index lets one through
    if (isUniqueViolation(err)) throw conflict(E.sessionAlreadyOpen, 'A drawer session is already open on this register');
    throw err;
  }
  await ctx.emit(SalesEvents.drawerOpened, { session_id: row.id, register_id: registerId, store_id: row.store_id, opening_float: row.opening_float, currency: row.currency });
  return toSession(row);
}

export async function currentSession(ctx: Ctx, deps: SalesDeps, registerId: string): Promise<SessionDto> {
  await registerOf(ctx, deps, registerId);
  return toSession(await requireOpen(ctx, registerId));
}

/** The session open on a register at an instant (offline sales belong to it), or null. */
export async function sessionFor(ctx: Ctx, registerId: string, at: Date): Promise<SessionDto | null> {
  const s = await sessionRowAt(ctx, registerId, at);
  return s ? toSession(s) : null;
}

/** Paid in / paid out with a reason: moves the expected cash of the open session. */
export async function cashMovement(ctx: Ctx, deps: SalesDeps, registerId: string, body: CashMovementCreate): Promise<{ movement: CashMovementDto; session: SessionDto }> {
  await registerOf(ctx, deps, registerId);
  const s = await requireOpen(ctx, registerId, true);
  const currency = s.currency.trim();
  if (body.amount.currency !== currency) throw new AppError(400, E.currencyMismatch, `Amounts must be in ${currency}`, { errors: [{ path: 'amount.currency', message: `must be ${currency}` }] });
  const amount = body.kind === 'paid_in' ? body.amount.amount : -body.amount.amount;
  const id = await addCashMovement(ctx, { session_id: s.id, kind: body.kind, amount, order_id: null, payment_id: null, reason: body.reason, actor_id: ctx.actor.id, occurred_at: ctx.clock.now() });
  const mv = await t(ctx.trx).selectFrom('sales.cash_movements').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
  return { movement: toMovement(mv, currency), session: toSession((await sessionRow(ctx, s.id))!) };
}

const mayManage = (ctx: Ctx, s: SessionRow) => can(ctx.actor, 'drawer.manage') || (ctx.actor.id !== null && (s.opened_by === ctx.actor.id || s.closed_by === ctx.actor.id));

/**
 * Closes the open session with the count (by denomination or a total): the variance is recorded
 * and the Z report returned, with warnings for sales the till has not synced yet and open orders
 * on the register that already took money.
 */
export async function closeSession(ctx: Ctx, deps: SalesDeps, registerId: string, body: SessionClose): Promise<{ session: SessionDto; report: SessionReportDto; warnings: CloseWarning[] }> {
  await registerOf(ctx, deps, registerId);
  const s = await requireOpen(ctx, registerId, true);
  if (!mayManage(ctx, s)) throw new AppError(403, E.notYourSession, "Another cashier opened this drawer session: closing it needs 'drawer.manage'", { extra: { permission: 'drawer.manage' } });
  const currency = s.currency.trim();
  if (body.counted_total && body.counted_total.currency !== currency) throw new AppError(400, E.currencyMismatch, `Amounts must be in ${currency}`, { errors: [{ path: 'counted_total.currency', message: `must be ${currency}` }] });
  const counted = body.counted ? body.counted.reduce((sum, d) => sum + d.denomination * d.count, 0) : body.counted_total!.amount;
  if (!Number.isSafeInteger(counted)) throw new AppError(400, 'validation_failed', 'The count is too large', { errors: [{ path: 'counted', message: 'adds up to more than can be counted' }] });

  const warnings: CloseWarning[] = [];
  if (body.unsynced_sales) warnings.push({ code: 'unsynced_sales', message: `The till still holds ${body.unsynced_sales} sale(s) not synced: they will be added to this session when they arrive and change its variance`, count: body.unsynced_sales });
  const paidOpen = await sql<{ n: number }>`
    select count(distinct o.id)::int as n from sales.orders o
    join sales.order_payments p on p.tenant_id = o.tenant_id and p.order_id = o.id and p.status = 'captured'
    where o.register_id = ${registerId} and o.status = 'open'`.execute(ctx.trx);
  const n = paidOpen.rows[0]!.n;
  if (n > 0) warnings.push({ code: 'open_orders_with_payments', message: `${n} open order(s) on this register already took payments`, count: n });

  const now = ctx.clock.now();
  await t(ctx.trx)
    .updateTable('sales.drawer_sessions')
    .set({
      status: 'closed',
      closed_by: ctx.actor.id,
      closed_at: now,
      counted_cash: counted,
      counted_denominations: body.counted ? json(body.counted) : null,
      variance: sql<number>`${counted}::bigint - expected_cash`,
      unsynced_sales: body.unsynced_sales ?? null,
      close_warnings: json(warnings),
    })
    .where('id', '=', s.id)
    .execute();
  const closed = (await sessionRow(ctx, s.id))!;
  await ctx.emit(SalesEvents.drawerClosed, { session_id: s.id, register_id: registerId, store_id: s.store_id, expected_cash: Number(closed.expected_cash), counted_cash: counted, variance: Number(closed.variance), currency });
  return { session: toSession(closed), report: await buildReport(ctx, deps, closed), warnings };
}

export async function listSessions(ctx: Ctx, q: SessionsQuery): Promise<{ data: SessionDto[]; next_cursor: string | null }> {
  let query = t(ctx.trx).selectFrom('sales.drawer_sessions').selectAll().orderBy('id', 'desc').limit(q.limit + 1);
  if (q.register_id) query = query.where('register_id', '=', q.register_id);
  if (q.store_id) {
    if (!canReachStore(ctx, q.store_id)) throw notFound('Store');
    query = query.where('store_id', '=', q.store_id);
  } else if (ctx.actor.storeIds !== null) {
    query = ctx.actor.storeIds.length ? query.where('store_id', 'in', [...ctx.actor.storeIds]) : query.where(sql<boolean>`false`);
  }
  if (q.status) query = query.where('status', '=', q.status);
  const cursor = decodeCursor(q.cursor);
  if (cursor) query = query.where('id', '<', String(cursor[0]));
  return toPage(await query.execute(), q.limit, toSession, (r) => [r.id]);
}

/** X report while open (anyone with drawer.use), Z once closed (its own cashier, or drawer.manage). */
export async function sessionReport(ctx: Ctx, deps: SalesDeps, sessionId: string): Promise<SessionReportDto> {
  const s = await sessionRow(ctx, sessionId);
  if (!s || !canReachStore(ctx, s.store_id)) throw notFound('Drawer session');
  if (s.status === 'closed' && !mayManage(ctx, s)) throw new AppError(403, 'forbidden', "Z reports of another cashier's session need 'drawer.manage'", { extra: { permission: 'drawer.manage' } });
  return buildReport(ctx, deps, s);
}

async function buildReport(ctx: Ctx, deps: SalesDeps, s: SessionRow): Promise<SessionReportDto> {
  const c = s.currency.trim();
  const m = (amount: number | string | null | undefined) => ({ amount: Number(amount ?? 0), currency: c });
  const orders = await t(ctx.trx)
    .selectFrom('sales.orders')
    .select(['id', 'status', 'cashier_id', 'subtotal', 'discount_total', 'tax_total', 'total', 'tip_total', 'cash_rounding', 'tax_breakdown'])
    .where('session_id', '=', s.id)
    .execute();
  const done = orders.filter((o) => o.status === 'completed' || o.status === 'partially_refunded' || o.status === 'refunded');
  const voided = orders.filter((o) => o.status === 'voided');
  const sum = <K extends keyof (typeof orders)[number]>(rows: typeof orders, k: K) => rows.reduce((a, r) => a + Number(r[k]), 0);

  const tenders = await sql<{ tender: 'cash' | 'card' | 'gift_card' | 'crypto'; n: number; applied: number; tips: number }>`
    select p.tender, count(*)::int as n, sum(p.applied)::bigint as applied, sum(p.tip)::bigint as tips
    from sales.order_payments p
    join sales.orders o on o.tenant_id = p.tenant_id and o.id = p.order_id
    where o.session_id = ${s.id} and p.status = 'captured' and o.status <> 'voided'
    group by p.tender order by p.tender`.execute(ctx.trx);

  const byRate = new Map<string, StoredBreakdown>();
  for (const o of done) {
    for (const b of o.tax_breakdown ?? []) {
      const cur = byRate.get(b.rate_id) ?? { ...b, taxable: 0, tax: 0 };
      cur.taxable += Number(b.taxable);
      cur.tax += Number(b.tax);
      byRate.set(b.rate_id, cur);
    }
  }

  const cashiers = new Map<string | null, { orders: number; total: number }>();
  for (const o of done) {
    const e = cashiers.get(o.cashier_id) ?? { orders: 0, total: 0 };
    e.orders += 1;
    e.total += Number(o.total);
    cashiers.set(o.cashier_id, e);
  }
  const names = await deps.stores.userNames(ctx, [...cashiers.keys()].filter((k): k is string => k !== null));

  const moves = await sql<{ kind: string; total: number }>`
    select kind, sum(amount)::bigint as total from sales.cash_movements where session_id = ${s.id} group by kind`.execute(ctx.trx);
  const mv = (k: string) => Number(moves.rows.find((r) => r.kind === k)?.total ?? 0);

  return {
    kind: s.status === 'open' ? 'X' : 'Z',
    generated_at: ctx.clock.now().toISOString(),
    session: toSession(s),
    orders: { completed: done.length, open: orders.filter((o) => o.status === 'open').length, voided: voided.length },
    gross_sales: m(sum(done, 'subtotal')),
    discounts: m(sum(done, 'discount_total')),
    tax: m(sum(done, 'tax_total')),
    net_sales: m(sum(done, 'total') - sum(done, 'tax_total')),
    tips: m(sum(done, 'tip_total')),
    cash_rounding: m(sum(done, 'cash_rounding')),
    refunds: { count: 0, amount: m(0) },
    voids: { count: voided.length, amount: m(sum(voided, 'total')) },
    by_tender: tenders.rows.map((r) => ({ tender: r.tender, count: r.n, amount: m(r.applied), tips: m(r.tips) })),
    tax_breakdown: [...byRate.values()].map((b) => ({ rate_id: b.rate_id, name: b.name, rate_ppm: b.rate_ppm, taxable: m(b.taxable), tax: m(b.tax) })),
    by_cashier: [...cashiers.entries()].map(([id, e]) => ({ cashier_id: id, name: id ? (names[id] ?? null) : null, orders: e.orders, total: m(e.total) })),
    cash: {
      opening_float: m(s.opening_float),
      cash_sales: m(mv('sale') + mv('sale_reversal')),
      cash_refunds: m(0),
      paid_in: m(mv('paid_in')),
      paid_out: m(-mv('paid_out')),
      expected: m(s.expected_cash),
      counted: s.counted_cash === null ? null : m(s.counted_cash),
      variance: s.variance === null ? null : m(s.variance),
    },
  };
}
