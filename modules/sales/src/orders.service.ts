import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { CatalogApi } from '@novapos/catalog';
import { discountAmount, priceCart, type CartDiscount, type CartLineInput, type TaxRate } from '@novapos/domain';
import type { StoreInfo, StoresApi } from '@novapos/identity';
import type { InventoryApi } from '@novapos/inventory';
import { AppError, can, conflict, decodeCursor, newId, notFound, toPage, type Clock, type Ctx, type FieldError } from '@novapos/platform';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  FINAL_PAYMENT_STATUSES,
  OrderCreate,
  OrderUpdate,
  PaymentSummary,
  SalesErrors as E,
  SalesEvents,
  SettingsUpdate,
  type DiscountInput,
  type OrderCompletedEvent,
  type OrderCreateParsed,
  type OrderDto,
  type OrderLineCreate,
  type OrdersQuery,
  type OrderStatus,
  type PriceSource,
  type SettingsDto,
} from './contract.ts';
import { addCashMovement, insertTransition, json, linesOf, lockCounter, openSessionRow, orderRow, paymentsOf, readSettings, sessionRow, sessionRowAt, setCounter, t, toOrder, writeSettings, type SalesSettings } from './sales.repository.ts';
import type { OrderLineRow, OrderRec, StoredBreakdown, StoredDiscount } from './tables.ts';

export interface SalesDeps {
  catalog: CatalogApi;
  stores: StoresApi;
  inventory: InventoryApi;
  clock: Clock;
  log: Logger;
}

// ---------------------------------------------------------------- helpers

/** Validates service input with a contract schema: 400 with errors[].path, as the routes answer. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errors: FieldError[] = [];
  for (const issue of r.error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || 'body';
    if (!errors.some((e) => e.path === path)) errors.push({ path, message: issue.message });
  }
  throw new AppError(400, 'validation_failed', `Invalid request: ${errors[0]!.path}: ${errors[0]!.message}`, { errors });
}

const bad = (code: string, path: string, message: string, status = 400) => new AppError(status, code, message, { errors: [{ path, message }] });

export const canReachStore = (ctx: Ctx, storeId: string): boolean => ctx.actor.storeIds === null || ctx.actor.storeIds.includes(storeId);

const invalidTransition = (current: OrderStatus, wanted: string, extra: Record<string, unknown> = {}) =>
  conflict(E.invalidTransition, `The order is ${current}${extra.parked ? ' (parked)' : ''}: it cannot be ${wanted}`, { current_status: current, ...extra });

/** Canonical JSON (sorted keys) for the content hash of a create body. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .toSorted()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
const contentHash = (input: OrderCreateParsed): string => createHash('sha256').update(canonical(input)).digest('hex');

export async function storeFor(ctx: Ctx, deps: SalesDeps, storeId: string, path = 'store_id'): Promise<StoreInfo> {
  const store = canReachStore(ctx, storeId) ? await deps.stores.storeInfo(ctx, storeId) : null;
  if (!store) throw new AppError(404, 'not_found', 'Store not found', { errors: [{ path, message: 'is not a store of yours' }] });
  return store;
}

// ---------------------------------------------------------------- settings

export async function getSettings(ctx: Ctx, deps: SalesDeps): Promise<SettingsDto> {
  const s = await readSettings(ctx);
  return { ...s, currency: (await deps.stores.tenantInfo(ctx)).currency };
}

export async function updateSettings(ctx: Ctx, deps: SalesDeps, body: z.output<typeof SettingsUpdate>): Promise<SettingsDto> {
  const cur = await readSettings(ctx);
  await writeSettings(ctx, {
    cashier_max_discount_percent: body.cashier_max_discount_percent ?? cur.cashier_max_discount_percent,
    cash_rounding_increment: body.cash_rounding_increment ?? cur.cash_rounding_increment,
  });
  return getSettings(ctx, deps);
}

// ---------------------------------------------------------------- pricing

type PricedLine = Omit<OrderLineRow, 'tenant_id' | 'order_id'>;
interface Priced {
  currency: string;
  pricesIncludeTax: boolean;
  lines: PricedLine[];
  orderDiscount: StoredDiscount | null;
  subtotal: number;
  discount_total: number;
  tax_total: number;
  total: number;
  breakdown: StoredBreakdown[];
  reviewReasons: string[];
}

/** A line before it is priced: the stored line's own fields, plus its tax rates and a label for messages. */
type LineDraft = Pick<
  OrderLineRow,
  'id' | 'variant_id' | 'sku' | 'name' | 'options' | 'quantity' | 'unit_price' | 'price_source' | 'price_version_source' | 'price_valid_from' | 'tax_code_id' | 'serial_numbers' | 'discount'
> & { rates: TaxRate[]; label: string };

const fmt = (amount: number, currency: string) => `${currency} ${(amount / 100).toFixed(2)}`;

/**
 * Resolves and prices the lines of a create (or a PATCH replacing them): variant snapshots,
 * price lock, custom lines, discounts and their permission, serials, then packages/domain's
 * priceCart. A sale captured offline is never refused for what it was rung at: problems become
 * review reasons instead.
 */
async function priceNewLines(
  ctx: Ctx,
  deps: SalesDeps,
  store: StoreInfo,
  input: { lines: OrderLineCreate[]; order_discount?: DiscountInput | null | undefined; captured_offline_at?: string | null | undefined },
  settings: SalesSettings,
): Promise<Priced> {
  const currency = store.currency;
  const offlineAt = input.captured_offline_at ? new Date(input.captured_offline_at) : null;
  const at = offlineAt ?? ctx.clock.now();
  const reviewReasons: string[] = [];

  // currencies first: every amount must be in the tenant's currency
  const currencyErrors: FieldError[] = [];
  input.lines.forEach((l, i) => {
    if (l.unit_price && l.unit_price.currency !== currency) currencyErrors.push({ path: `lines.${i}.unit_price.currency`, message: `must be ${currency}` });
    if (l.custom && l.custom.unit_price.currency !== currency) currencyErrors.push({ path: `lines.${i}.custom.unit_price.currency`, message: `must be ${currency}` });
  });
  if (currencyErrors.length) throw new AppError(400, E.currencyMismatch, `Amounts must be in ${currency}`, { errors: currencyErrors });

  const variantIds = [...new Set(input.lines.flatMap((l) => (l.variant_id ? [l.variant_id] : [])))];
  const refs = new Map((await deps.catalog.getVariants(ctx, variantIds)).map((v) => [v.id, v]));
  const missing: FieldError[] = [];
  input.lines.forEach((l, i) => {
    if (l.variant_id && !refs.has(l.variant_id)) missing.push({ path: `lines.${i}.variant_id`, message: 'is not a variant of this business' });
  });
  if (missing.length) throw new AppError(400, E.unknownVariant, 'Unknown variant', { errors: missing });
  // an archived variant is no longer sold, online or synced from a till: the line must go (a
  // manager fixes a refused offline sale and sends it again)
  const archived: FieldError[] = [];
  input.lines.forEach((l, i) => {
    if (l.variant_id && refs.get(l.variant_id)!.status === 'archived') archived.push({ path: `lines.${i}.variant_id`, message: `${refs.get(l.variant_id)!.sku} is archived: remove the line` });
  });
  if (archived.length) throw new AppError(422, E.variantArchived, 'The sale has an archived variant', { errors: archived });

  const pricing = await deps.catalog.pricing(ctx, { storeId: store.id, variantIds, at });
  const byVariant = new Map(pricing.variants.map((v) => [v.variant_id, v]));
  const versions = new Map<string, Awaited<ReturnType<CatalogApi['priceAt']>>>();
  for (const id of variantIds) versions.set(id, await deps.catalog.priceAt(ctx, id, store.id, at));

  const drafts: LineDraft[] = [];
  for (const [i, l] of input.lines.entries()) {
    const discount: StoredDiscount | null = l.discount ? { type: l.discount.type, value: l.discount.value, reason: l.discount.reason } : null;
    if (l.custom) {
      if (!can(ctx.actor, 'sales.custom_line')) {
        if (!offlineAt) throw bad(E.customLineNotAllowed, `lines.${i}.custom`, "A custom-amount line needs the permission 'sales.custom_line'", 403);
        reviewReasons.push(`line ${i + 1} (${l.custom.name}): custom-amount line rung without the permission sales.custom_line`);
      }
      if (l.custom.taxable === true && !l.custom.tax_code_id) throw bad('validation_failed', `lines.${i}.custom.tax_code_id`, 'is required when taxable is true');
      let rates: TaxRate[] = [];
      if (l.custom.tax_code_id && l.custom.taxable !== false) {
        const found = await deps.catalog.taxRates(ctx, l.custom.tax_code_id, store.id);
        if (!found) throw bad(E.unknownTaxCode, `lines.${i}.custom.tax_code_id`, 'is not a tax code of this business');
        rates = found;
      }
      drafts.push({
        id: l.id ?? newId(), variant_id: null, sku: null, name: l.custom.name, options: {}, quantity: l.quantity, unit_price: l.custom.unit_price.amount,
        price_source: 'custom', price_version_source: null, price_valid_from: null, tax_code_id: l.custom.taxable === false ? null : (l.custom.tax_code_id ?? null),
        serial_numbers: l.serial_numbers ?? [], discount, rates, label: `line ${i + 1} (${l.custom.name})`,
      });
      continue;
    }
    const ref = refs.get(l.variant_id!)!;
    const p = byVariant.get(ref.id);
    const version = versions.get(ref.id) ?? null;
    const label = `line ${i + 1} (${ref.sku})`;
    let unit: number;
    let source: PriceSource;
    if (!offlineAt) {
      // online: the current price applies, whatever the till sent
      if (!p?.price) throw bad(E.priceMissing, `lines.${i}.variant_id`, `${ref.sku} has no price in this store`, 422);
      unit = p.price.amount;
      source = 'current';
    } else if (l.unit_price) {
      unit = l.unit_price.amount;
      if (p?.price && p.price.amount === unit) source = 'offline_valid';
      else {
        source = 'offline_unverified';
        reviewReasons.push(
          p?.price
            ? `${label}: rung at ${fmt(unit, currency)} but the price at ${at.toISOString()} was ${fmt(p.price.amount, currency)}`
            : `${label}: rung at ${fmt(unit, currency)} but it had no price in this store at ${at.toISOString()}`,
        );
      }
    } else if (p?.price) {
      unit = p.price.amount;
      source = 'offline_valid';
    } else {
      throw bad(E.priceMissing, `lines.${i}.unit_price`, `${ref.sku} had no price at ${at.toISOString()}: send the price it was rung at`, 422);
    }
    drafts.push({
      id: l.id ?? newId(), variant_id: ref.id, sku: ref.sku, name: ref.name, options: ref.options ?? {}, quantity: l.quantity, unit_price: unit,
      price_source: source, price_version_source: source === 'offline_unverified' ? null : (version?.source ?? null),
      price_valid_from: source === 'offline_unverified' || !version ? null : new Date(version.valid_from),
      tax_code_id: p?.tax_code_id ?? null, serial_numbers: l.serial_numbers ?? [], discount, rates: p?.rates ?? [], label,
    });
  }

  // serials: an online sale must name units that are on this store's shelf
  if (!offlineAt) {
    const idx = input.lines.flatMap((l, i) => (l.variant_id ? [i] : []));
    if (idx.length) {
      try {
        await deps.inventory.validateSerials(ctx, store.id, idx.map((i) => ({ variant_id: input.lines[i]!.variant_id!, quantity: input.lines[i]!.quantity, serial_numbers: input.lines[i]!.serial_numbers ?? [] })));
      } catch (err) {
        // inventory names lines by their place among the variant lines: name them by ours
        if (err instanceof AppError && err.errors) {
          const errors = err.errors.map((e) => ({ ...e, path: e.path.replace(/^lines\.(\d+)/, (_, k: string) => `lines.${idx[Number(k)]}`) }));
          throw new AppError(err.status, err.code, err.message, { errors, ...(err.extra ? { extra: err.extra } : {}) });
        }
        throw err;
      }
    }
  }

  const orderDiscount: StoredDiscount | null = input.order_discount ? { type: input.order_discount.type, value: input.order_discount.value, reason: input.order_discount.reason } : null;
  return priceDrafts(ctx, drafts, orderDiscount, { currency, pricesIncludeTax: pricing.prices_include_tax, settings, offline: offlineAt !== null, reviewReasons });
}

/** Discount limits, then priceCart over the drafts. */
function priceDrafts(
  ctx: Ctx,
  drafts: LineDraft[],
  orderDiscount: StoredDiscount | null,
  opts: { currency: string; pricesIncludeTax: boolean; settings: SalesSettings; offline: boolean; reviewReasons: string[] },
): Priced {
  const max = opts.settings.cashier_max_discount_percent;
  const override = can(ctx.actor, 'sales.discount_override');
  // above the limit when discount / base > max %, in integers
  const above = (d: CartDiscount, base: number, amount: number) => (d.type === 'percent' ? d.value > max * 100 : amount * 100 > max * base);
  const limit = (path: string, what: string) => {
    if (override) return;
    if (opts.offline) {
      opts.reviewReasons.push(`${what}: discount above the cashier limit of ${max} % without sales.discount_override`);
      return;
    }
    throw new AppError(403, E.discountRequiresOverride, `A discount above ${max} % needs a manager ('sales.discount_override')`, {
      errors: [{ path, message: `is above the ${max} % a cashier may give` }],
      extra: { max_percent: max },
    });
  };
  let base = 0;
  drafts.forEach((d, i) => {
    const gross = d.unit_price * d.quantity;
    let amount = 0;
    if (d.discount) {
      if (d.discount.type === 'amount' && d.discount.value > gross) throw bad(E.discountTooLarge, `lines.${i}.discount.value`, `is more than the line's ${fmt(gross, opts.currency)}`);
      amount = discountAmount(d.discount, gross);
      if (above(d.discount, gross, amount)) limit(`lines.${i}.discount`, d.label);
    }
    base += gross - amount;
  });
  if (orderDiscount) {
    if (orderDiscount.type === 'amount' && orderDiscount.value > base) throw bad(E.discountTooLarge, 'order_discount.value', `is more than the order's ${fmt(base, opts.currency)}`);
    if (above(orderDiscount, base, discountAmount(orderDiscount, base))) limit('order_discount', 'order discount');
  }

  const cartLines: CartLineInput[] = drafts.map((d) => ({ id: d.id, unit_price: d.unit_price, quantity: d.quantity, discount: d.discount, rates: d.rates }));
  const cart = priceCart({ lines: cartLines, order_discount: orderDiscount, pricesIncludeTax: opts.pricesIncludeTax, currency: opts.currency });
  const lines = drafts.map((d, i) => {
    const c = cart.lines[i]!;
    return {
      id: d.id,
      position: i,
      variant_id: d.variant_id,
      sku: d.sku,
      name: d.name,
      options: d.options,
      quantity: d.quantity,
      unit_price: d.unit_price,
      price_source: d.price_source,
      price_version_source: d.price_version_source,
      price_valid_from: d.price_valid_from,
      tax_code_id: d.tax_code_id,
      serial_numbers: d.serial_numbers,
      discount: d.discount,
      line_discount: c.line_discount,
      order_discount_share: c.order_discount_share,
      discount_total: c.discount_total,
      net: c.net,
      tax_lines: c.tax_lines.map((x, j) => ({ rate_id: x.rate_id, name: d.rates[j]?.name ?? '', rate_ppm: d.rates[j]?.rate_ppm ?? 0, amount: x.amount })),
      tax_total: c.tax_total,
      total: c.total,
    };
  });
  return {
    currency: opts.currency,
    pricesIncludeTax: opts.pricesIncludeTax,
    lines,
    orderDiscount,
    subtotal: cart.subtotal,
    discount_total: cart.discount_total,
    tax_total: cart.tax_total,
    total: cart.total,
    breakdown: cart.breakdown.map((b) => ({ rate_id: b.rate_id, name: b.name ?? '', rate_ppm: b.rate_ppm, taxable: b.taxable, tax: b.tax })),
    reviewReasons: opts.reviewReasons,
  };
}

/** Drafts from stored lines: their locked prices and tax rates, for re-pricing a new order discount. */
function draftsOf(rows: OrderLineRow[]): LineDraft[] {
  return rows.map((r, i) => ({
    id: r.id, variant_id: r.variant_id, sku: r.sku, name: r.name, options: r.options, quantity: r.quantity, unit_price: Number(r.unit_price),
    price_source: r.price_source, price_version_source: r.price_version_source, price_valid_from: r.price_valid_from, tax_code_id: r.tax_code_id,
    serial_numbers: r.serial_numbers, discount: r.discount, rates: r.tax_lines.map((x) => ({ id: x.rate_id, name: x.name, rate_ppm: x.rate_ppm })),
    label: `line ${i + 1} (${r.sku ?? r.name})`,
  }));
}

async function insertLines(ctx: Ctx, orderId: string, lines: Priced['lines']): Promise<void> {
  if (lines.length === 0) return;
  await t(ctx.trx)
    .insertInto('sales.order_lines')
    .values(lines.map((l) => ({ tenant_id: ctx.tenantId, order_id: orderId, ...l, options: json(l.options), discount: l.discount ? json(l.discount) : null, tax_lines: json(l.tax_lines) })))
    .execute();
}

const totalsOf = (p: Priced) => ({
  order_discount: p.orderDiscount ? json(p.orderDiscount) : null,
  subtotal: p.subtotal,
  discount_total: p.discount_total,
  tax_total: p.tax_total,
  total: p.total,
  tax_breakdown: json(p.breakdown),
});

// ---------------------------------------------------------------- reading

export async function loadOrder(ctx: Ctx, id: string, lock = false): Promise<OrderDto | null> {
  const row = await orderRow(ctx, id, lock);
  if (!row || !canReachStore(ctx, row.store_id)) return null;
  return dtoOf(ctx, row);
}

async function dtoOf(ctx: Ctx, row: OrderRec): Promise<OrderDto> {
  const [lines, payments, settings] = await Promise.all([linesOf(ctx, [row.id]), paymentsOf(ctx, [row.id]), readSettings(ctx)]);
  return toOrder(row, lines, payments, settings);
}

export async function requireOrder(ctx: Ctx, id: string, lock = false): Promise<OrderRec> {
  const row = await orderRow(ctx, id, lock);
  if (!row || !canReachStore(ctx, row.store_id)) throw notFound('Order');
  return row;
}

export async function listOrders(ctx: Ctx, q: OrdersQuery): Promise<{ data: OrderDto[]; next_cursor: string | null }> {
  let query = t(ctx.trx).selectFrom('sales.orders').selectAll().orderBy('id', 'desc').limit(q.limit + 1);
  if (q.store_id) {
    if (!canReachStore(ctx, q.store_id)) throw notFound('Store');
    query = query.where('store_id', '=', q.store_id);
  } else if (ctx.actor.storeIds !== null) {
    query = ctx.actor.storeIds.length ? query.where('store_id', 'in', [...ctx.actor.storeIds]) : query.where(sql<boolean>`false`);
  }
  if (q.register_id) query = query.where('register_id', '=', q.register_id);
  if (q.session_id) query = query.where('session_id', '=', q.session_id);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.parked !== undefined) query = query.where('parked', '=', q.parked);
  if (q.needs_review !== undefined) query = query.where('needs_review', '=', q.needs_review);
  if (q.q) {
    // the order's number, or the number the till printed when the server had to renumber it
    const like = `${q.q.toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql<boolean>`(upper(number) like ${like} or upper(till_number) like ${like})`);
  }
  const cursor = decodeCursor(q.cursor);
  if (cursor) query = query.where('id', '<', String(cursor[0]));
  const rows = await query.execute();
  const kept = rows.slice(0, q.limit);
  const ids = kept.map((r) => r.id);
  const [lines, payments, settings] = await Promise.all([linesOf(ctx, ids), paymentsOf(ctx, ids), readSettings(ctx)]);
  return toPage(rows, q.limit, (r) => toOrder(r, lines.filter((l) => l.order_id === r.id), payments.filter((p) => p.order_id === r.id), settings), (r) => [r.id]);
}

// ---------------------------------------------------------------- creating and changing

/**
 * Creates a priced open order. A resend of an offline order (same id, same content) returns it;
 * the same id with other content is 409 `order_id_conflict`.
 */
/** How far ahead of the server a till's clock may run before its capture time is not believed. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

function clampFutureCapture(ctx: Ctx, input: { captured_offline_at?: string | null | undefined }): string | null {
  if (!input.captured_offline_at) return null;
  const now = ctx.clock.now();
  const at = new Date(input.captured_offline_at);
  if (at.getTime() <= now.getTime() + MAX_CLOCK_AHEAD_MS) return null;
  input.captured_offline_at = now.toISOString();
  return `captured_offline_at ${at.toISOString()} is ahead of the server's clock: the sale was priced and dated at ${now.toISOString()} (check the till's clock)`;
}

/** What a flow may set that a request body may not. */
export interface CreateOrderOptions {
  /**
   * The cashier who rang the sale, when it is not the caller (a till syncing the sales its
   * cashiers made offline). Must be an active member of staff of the order's store.
   */
  cashierId?: string | null | undefined;
  /**
   * A till's own sale (the push path): its number is on a receipt the customer already has, so
   * a number another order holds (a second device on the register) does not refuse the sale: it
   * gets the register's next number, keeps the till's as `till_number`, and is flagged.
   */
  renumberIfTaken?: boolean;
}

export async function createOrder(ctx: Ctx, deps: SalesDeps, raw: unknown, opts: CreateOrderOptions = {}): Promise<OrderDto> {
  const input = parseInput(OrderCreate, raw);
  const hash = contentHash(input);
  if (input.id) {
    // two deliveries of one offline order at once: the second waits, then finds the first
    await sql`select pg_advisory_xact_lock(hashtextextended(${`sales.order:${ctx.tenantId}:${input.id}`}, 0))`.execute(ctx.trx);
    // locked like a new row would be: the caller may take payments on it in this transaction
    const existing = await orderRow(ctx, input.id, true);
    if (existing) {
      if (existing.content_hash !== hash) throw conflict(E.orderIdConflict, 'Another order with this id exists with different content', { order_id: input.id });
      if (!canReachStore(ctx, existing.store_id)) throw notFound('Order');
      return dtoOf(ctx, existing);
    }
  }

  const store = await storeFor(ctx, deps, input.store_id);
  const registerId = input.register_id ?? null;
  let registerNumber: number | null = null;
  if (registerId) {
    const reg = await deps.stores.registerInfo(ctx, registerId);
    if (!reg || reg.store_id !== store.id) throw bad(E.unknownRegister, 'register_id', 'is not a register of this store', 404);
    registerNumber = reg.number;
  }
  let cashierId = ctx.actor.kind === 'user' ? ctx.actor.id : null;
  if (opts.cashierId) {
    const member = await deps.stores.staffMember(ctx, opts.cashierId, store.id);
    if (!member) throw bad(E.unknownCashier, 'cashier_id', 'is not an active member of staff of this store');
    cashierId = member.id;
  }
  const settings = await readSettings(ctx);
  // a till's clock is not trusted: a sale "captured" in the future is priced and dated now
  const skewNote = clampFutureCapture(ctx, input);
  const priced = await priceNewLines(ctx, deps, store, input, settings);
  if (skewNote) priced.reviewReasons.push(skewNote);

  // numbering: S{store}-R{register}-NNNNNN, gapless per register (S{store}-W-… without one)
  const prefix = `S${store.number}-${registerNumber === null ? 'W' : `R${registerNumber}`}`;
  const last = await lockCounter(ctx, prefix, store.id, registerId);
  let number: string;
  let tillNumber: string | null = null;
  if (input.number) {
    if (!input.number.startsWith(`${prefix}-`)) throw bad(E.orderNumberPrefix, 'number', `must start with ${prefix}- (this ${registerId ? 'register' : 'store'}'s prefix)`);
    const n = Number(input.number.slice(prefix.length + 1));
    const taken = await t(ctx.trx).selectFrom('sales.orders').select('id').where('number', '=', input.number).executeTakeFirst();
    if (taken && !opts.renumberIfTaken) throw conflict(E.orderNumberTaken, `Order number ${input.number} is already used`, { number: input.number, order_id: taken.id });
    if (taken) {
      tillNumber = input.number;
      number = `${prefix}-${String(last + 1).padStart(6, '0')}`;
      await setCounter(ctx, prefix, last + 1);
      priced.reviewReasons.push(`the till numbered this sale ${input.number}, which order ${taken.id} already has (two devices on one register?): renumbered ${number}`);
    } else {
      number = input.number;
      if (n > last) await setCounter(ctx, prefix, n);
    }
  } else {
    number = `${prefix}-${String(last + 1).padStart(6, '0')}`;
    await setCounter(ctx, prefix, last + 1);
  }

  const offlineAt = input.captured_offline_at ? new Date(input.captured_offline_at) : null;
  const now = ctx.clock.now();
  const session = registerId ? await sessionRowAt(ctx, registerId, offlineAt ?? now) : undefined;
  const id = input.id ?? newId();
  const userId = ctx.actor.kind === 'user' ? ctx.actor.id : null;
  await t(ctx.trx)
    .insertInto('sales.orders')
    .values({
      tenant_id: ctx.tenantId,
      id,
      number,
      till_number: tillNumber,
      status: 'open',
      store_id: store.id,
      register_id: registerId,
      session_id: session?.id ?? null,
      cashier_id: cashierId,
      customer_id: input.customer_id ?? null,
      captured_offline_at: offlineAt,
      needs_review: priced.reviewReasons.length > 0,
      review_reasons: priced.reviewReasons,
      currency: priced.currency,
      prices_include_tax: priced.pricesIncludeTax,
      ...totalsOf(priced),
      note: input.note ?? null,
      content_hash: hash,
      void_reason: null,
      reviewed_by: null,
      reviewed_at: null,
      review_note: null,
      created_by: userId,
      created_at: now,
      updated_at: now,
      completed_at: null,
      voided_at: null,
    })
    .execute();
  await insertLines(ctx, id, priced.lines);
  await insertTransition(ctx, { order_id: id, action: 'create', from_status: null, to_status: 'open', reason: priced.reviewReasons.length ? 'needs review' : null });
  return (await loadOrder(ctx, id))!;
}

/** Open payments (not declined, failed, voided or refunded) hold the order's amount. */
async function livePayments(ctx: Ctx, orderId: string): Promise<number> {
  const rows = await paymentsOf(ctx, [orderId]);
  return rows.filter((p) => !FINAL_PAYMENT_STATUSES.includes(p.status as never)).length;
}

/** PATCH: replaces lines and discounts (re-priced), customer or note, while open and unpaid. */
export async function updateOrder(ctx: Ctx, deps: SalesDeps, id: string, raw: unknown): Promise<OrderDto> {
  const body = parseInput(OrderUpdate, raw);
  const row = await requireOrder(ctx, id, true);
  if (row.status !== 'open') throw invalidTransition(row.status, 'changed');
  const repricing = body.lines !== undefined || body.order_discount !== undefined;
  if (repricing && (await livePayments(ctx, id)) > 0) throw conflict(E.orderHasPayments, 'The order has payments: void them before changing its lines', { current_status: row.status });
  const patch: Partial<Record<string, unknown>> = { updated_at: ctx.clock.now() };
  if (body.customer_id !== undefined) patch.customer_id = body.customer_id;
  if (body.note !== undefined) patch.note = body.note;
  if (repricing) {
    const settings = await readSettings(ctx);
    const store = await storeFor(ctx, deps, row.store_id);
    const orderDiscount = body.order_discount !== undefined ? body.order_discount : row.order_discount;
    const offline = row.captured_offline_at !== null;
    const priced = body.lines
      ? await priceNewLines(ctx, deps, store, { lines: body.lines, order_discount: orderDiscount, captured_offline_at: row.captured_offline_at?.toISOString() ?? null }, settings)
      : priceDrafts(ctx, draftsOf(await linesOf(ctx, [id])), orderDiscount ? { type: orderDiscount.type, value: orderDiscount.value, reason: orderDiscount.reason } : null, {
          currency: row.currency.trim(), pricesIncludeTax: row.prices_include_tax, settings, offline, reviewReasons: [],
        });
    Object.assign(patch, totalsOf(priced));
    if (priced.reviewReasons.length) {
      patch.needs_review = true;
      patch.review_reasons = [...new Set([...row.review_reasons, ...priced.reviewReasons])];
    }
    if (body.lines) {
      await t(ctx.trx).deleteFrom('sales.order_lines').where('order_id', '=', id).execute();
      await insertLines(ctx, id, priced.lines);
    } else {
      for (const l of priced.lines) {
        await t(ctx.trx)
          .updateTable('sales.order_lines')
          .set({ order_discount_share: l.order_discount_share, discount_total: l.discount_total, net: l.net, tax_lines: json(l.tax_lines), tax_total: l.tax_total, total: l.total })
          .where('id', '=', l.id)
          .execute();
      }
    }
  }
  await t(ctx.trx).updateTable('sales.orders').set(patch as never).where('id', '=', id).execute();
  await insertTransition(ctx, { order_id: id, action: 'update', from_status: 'open', to_status: 'open', reason: null });
  return (await loadOrder(ctx, id))!;
}

export async function parkOrder(ctx: Ctx, id: string, reason: string | null): Promise<OrderDto> {
  const row = await requireOrder(ctx, id, true);
  if (row.status !== 'open' || row.parked) throw invalidTransition(row.status, 'parked', { parked: row.parked });
  if ((await livePayments(ctx, id)) > 0) throw conflict(E.orderHasPayments, 'The order has payments in progress: finish or void them before parking it', { current_status: row.status });
  await t(ctx.trx).updateTable('sales.orders').set({ parked: true, updated_at: ctx.clock.now() }).where('id', '=', id).execute();
  await insertTransition(ctx, { order_id: id, action: 'park', from_status: 'open', to_status: 'open', reason });
  return (await loadOrder(ctx, id))!;
}

export async function resumeOrder(ctx: Ctx, id: string): Promise<OrderDto> {
  const row = await requireOrder(ctx, id, true);
  if (row.status !== 'open' || !row.parked) throw invalidTransition(row.status, 'resumed', { parked: row.parked });
  await t(ctx.trx).updateTable('sales.orders').set({ parked: false, updated_at: ctx.clock.now() }).where('id', '=', id).execute();
  await insertTransition(ctx, { order_id: id, action: 'resume', from_status: 'open', to_status: 'open', reason: null });
  return (await loadOrder(ctx, id))!;
}

/** Flags an order for a manager's review with a reason (kept once however often it is flagged). */
export async function flagForReview(ctx: Ctx, id: string, reason: string): Promise<OrderDto> {
  const row = await requireOrder(ctx, id, true);
  if (row.needs_review && row.review_reasons.includes(reason)) return dtoOf(ctx, row);
  await t(ctx.trx)
    .updateTable('sales.orders')
    .set({ needs_review: true, review_reasons: [...row.review_reasons.filter((r) => r !== reason), reason], updated_at: ctx.clock.now() })
    .where('id', '=', id)
    .execute();
  await insertTransition(ctx, { order_id: id, action: 'flag', from_status: row.status, to_status: row.status, reason });
  return (await loadOrder(ctx, id))!;
}

/**
 * The highest order number given on a register (a till seeds its own counter from it when it is
 * paired, so numbers it mints offline follow on), with the register's prefix.
 */
export async function lastNumber(ctx: Ctx, deps: SalesDeps, registerId: string): Promise<{ register_id: string; prefix: string; last_value: number; last_number: string | null }> {
  const reg = await deps.stores.registerInfo(ctx, registerId);
  if (!reg || !canReachStore(ctx, reg.store_id)) throw notFound('Register');
  const store = await storeFor(ctx, deps, reg.store_id);
  const prefix = `S${store.number}-R${reg.number}`;
  const row = await t(ctx.trx).selectFrom('sales.register_counters').select('last_value').where('prefix', '=', prefix).executeTakeFirst();
  const last = Number(row?.last_value ?? 0);
  return { register_id: registerId, prefix, last_value: last, last_number: last > 0 ? `${prefix}-${String(last).padStart(6, '0')}` : null };
}

/** A manager clears the review flag of an order whose offline prices could not be confirmed. */
export async function reviewOrder(ctx: Ctx, id: string, note: string): Promise<OrderDto> {
  const row = await requireOrder(ctx, id, true);
  if (!row.needs_review) throw conflict(E.notUnderReview, 'The order is not flagged for review', { current_status: row.status });
  const now = ctx.clock.now();
  await t(ctx.trx).updateTable('sales.orders').set({ needs_review: false, reviewed_by: ctx.actor.id, reviewed_at: now, review_note: note, updated_at: now }).where('id', '=', id).execute();
  await insertTransition(ctx, { order_id: id, action: 'review', from_status: row.status, to_status: row.status, reason: note });
  return (await loadOrder(ctx, id))!;
}

/** open → voided (409 with the current status otherwise). The flow voids captured payments first. */
export async function voidOrder(ctx: Ctx, id: string, reason: string): Promise<OrderDto> {
  const row = await requireOrder(ctx, id, true);
  if (row.status !== 'open') throw invalidTransition(row.status, 'voided');
  const now = ctx.clock.now();
  await t(ctx.trx).updateTable('sales.orders').set({ status: 'voided', voided_at: now, void_reason: reason, parked: false, updated_at: now }).where('id', '=', id).execute();
  await insertTransition(ctx, { order_id: id, action: 'void', from_status: 'open', to_status: 'voided', reason });
  await ctx.emit(SalesEvents.orderVoided, { order_id: id, number: row.number, store_id: row.store_id, register_id: row.register_id, session_id: row.session_id, total: Number(row.total), currency: row.currency.trim(), reason });
  return (await loadOrder(ctx, id))!;
}

// ---------------------------------------------------------------- payments

const isFinal = (s: string) => FINAL_PAYMENT_STATUSES.includes(s as never);

/**
 * Records what payments knows of one payment (idempotent by payment_id: an older summary, or any
 * change out of a final status, is ignored), recomputes the paid amounts, moves the drawer for
 * cash, and completes the order once captured payments cover total + cash rounding. A voided order
 * only gets the summary recorded.
 */
export async function recordPayment(ctx: Ctx, orderId: string, raw: unknown): Promise<OrderDto> {
  const s = parseInput(PaymentSummary, raw);
  const row = await requireOrder(ctx, orderId, true);
  const currency = row.currency.trim();
  const wrong = (['amount', 'applied', 'tip', 'change_due'] as const).filter((k) => s[k].currency !== currency);
  if (wrong.length) throw new AppError(400, E.currencyMismatch, `Payment amounts must be in ${currency}`, { errors: wrong.map((k) => ({ path: `${k}.currency`, message: `must be ${currency}` })) });

  const prev = await t(ctx.trx).selectFrom('sales.order_payments').selectAll().where('payment_id', '=', s.payment_id).forUpdate().executeTakeFirst();
  if (prev && prev.order_id !== orderId) throw conflict(E.paymentOrderMismatch, 'This payment belongs to another order', { order_id: prev.order_id });
  const updatedAt = new Date(s.updated_at);
  const stale = prev && (updatedAt < prev.updated_at || (isFinal(prev.status) && prev.status !== s.status) || canonical(prev.summary) === canonical(s));
  if (stale) return dtoOf(ctx, row);

  const values = {
    tender: s.tender,
    status: s.status,
    amount: s.amount.amount,
    applied: s.applied.amount,
    tip: s.tip.amount,
    change_due: s.change_due.amount,
    cash_rounding: s.cash_rounding,
    summary: json(s),
    updated_at: updatedAt,
  };
  await t(ctx.trx)
    .insertInto('sales.order_payments')
    .values({ tenant_id: ctx.tenantId, payment_id: s.payment_id, order_id: orderId, ...values, created_at: new Date(s.created_at) })
    .onConflict((oc) => oc.columns(['tenant_id', 'payment_id']).doUpdateSet(values))
    .execute();
  if (row.status === 'voided') return dtoOf(ctx, row);

  // the drawer: cash in when a cash payment is captured, out again if it is voided after that
  if (s.tender === 'cash' && row.register_id) {
    const wasCaptured = prev?.status === 'captured';
    const net = s.amount.amount - s.change_due.amount;
    if (s.status === 'captured' && !wasCaptured) await cashToDrawer(ctx, row, s.payment_id, 'sale', net);
    if (wasCaptured && (s.status === 'voided' || s.status === 'refunded')) await cashToDrawer(ctx, row, s.payment_id, 'sale_reversal', -(Number(prev.amount) - Number(prev.change_due)));
  }

  return settleOrder(ctx, row);
}

/**
 * Recomputes what was paid from the captured payments and completes the order when they cover
 * total + cash rounding (a zero-total sale completes with none). Idempotent.
 */
export async function settle(ctx: Ctx, orderId: string): Promise<OrderDto> {
  const row = await requireOrder(ctx, orderId, true);
  if (row.status !== 'open') return (await loadOrder(ctx, orderId))!;
  return settleOrder(ctx, row);
}

async function settleOrder(ctx: Ctx, row: OrderRec): Promise<OrderDto> {
  const orderId = row.id;
  const agg = await sql<{ paid: number; tips: number; rounding: number; change: number }>`
    select coalesce(sum(applied), 0)::bigint as paid, coalesce(sum(tip), 0)::bigint as tips,
           coalesce(sum(cash_rounding), 0)::bigint as rounding, coalesce(sum(change_due), 0)::bigint as change
    from sales.order_payments where order_id = ${orderId} and status = 'captured'`.execute(ctx.trx);
  const a = agg.rows[0]!;
  const now = ctx.clock.now();
  const patch: Record<string, unknown> = { amount_paid: a.paid, tip_total: a.tips, cash_rounding: a.rounding, change_due: a.change, updated_at: now };
  const completes = row.status === 'open' && Number(a.paid) >= Number(row.total) + Number(a.rounding);
  let sessionId = row.session_id;
  if (completes) {
    // an online sale belongs to the session open when it completes; an offline one to the one open when it was rung
    if (row.register_id && !row.captured_offline_at) sessionId = (await openSessionRow(ctx, row.register_id))?.id ?? row.session_id;
    Object.assign(patch, { status: 'completed', completed_at: row.captured_offline_at ?? now, parked: false, session_id: sessionId });
  }
  await t(ctx.trx).updateTable('sales.orders').set(patch as never).where('id', '=', orderId).execute();
  if (completes) {
    await insertTransition(ctx, { order_id: orderId, action: 'complete', from_status: 'open', to_status: 'completed', reason: null });
    const done = (await orderRow(ctx, orderId))!;
    await ctx.emit(SalesEvents.orderCompleted, await completedPayload(ctx, done));
  }
  return (await loadOrder(ctx, orderId))!;
}

async function cashToDrawer(ctx: Ctx, order: OrderRec, paymentId: string, kind: 'sale' | 'sale_reversal', amount: number): Promise<void> {
  let session = order.captured_offline_at ? (order.session_id ? await sessionRow(ctx, order.session_id) : undefined) : await openSessionRow(ctx, order.register_id!);
  session ??= order.session_id ? await sessionRow(ctx, order.session_id) : undefined;
  if (!session) {
    ctx.log.warn({ order_id: order.id, payment_id: paymentId }, 'cash payment on a register without a drawer session: not counted in any drawer');
    return;
  }
  await addCashMovement(ctx, { session_id: session.id, kind, amount, order_id: order.id, payment_id: paymentId, reason: null, actor_id: ctx.actor.id, occurred_at: order.captured_offline_at ?? ctx.clock.now() });
}

async function completedPayload(ctx: Ctx, o: OrderRec): Promise<OrderCompletedEvent & Record<string, unknown>> {
  const [lines, payments] = await Promise.all([linesOf(ctx, [o.id]), paymentsOf(ctx, [o.id])]);
  return {
    order_id: o.id,
    number: o.number,
    store_id: o.store_id,
    register_id: o.register_id,
    session_id: o.session_id,
    customer_id: o.customer_id,
    cashier_id: o.cashier_id,
    completed_at: o.completed_at!.toISOString(),
    captured_offline_at: o.captured_offline_at?.toISOString() ?? null,
    currency: o.currency.trim(),
    subtotal: Number(o.subtotal),
    discount_total: Number(o.discount_total),
    tax_total: Number(o.tax_total),
    total: Number(o.total),
    tip_total: Number(o.tip_total),
    lines: lines.flatMap((l) => (l.variant_id ? [{ line_id: l.id, variant_id: l.variant_id, quantity: l.quantity, serial_numbers: l.serial_numbers, total: Number(l.total) }] : [])),
    payments: payments.filter((p) => p.status === 'captured').map((p) => ({ payment_id: p.payment_id, tender: p.tender as OrderCompletedEvent['payments'][number]['tender'], applied: Number(p.applied) })),
  };
}

/** Counts a receipt print: the first is the original, later ones are copies (returns the copy number, 0 for the original). */
export async function countPrint(ctx: Ctx, id: string): Promise<number> {
  const r = await t(ctx.trx).updateTable('sales.orders').set({ receipt_prints: sql<number>`receipt_prints + 1` }).where('id', '=', id).returning('receipt_prints').executeTakeFirstOrThrow();
  return r.receipt_prints - 1;
}
