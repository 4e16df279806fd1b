import type { CatalogApi, VariantRef } from '@novapos/catalog';
import type { StoresApi } from '@novapos/identity';
import { AppError, notFound, type Clock, type Ctx } from '@novapos/platform';
import type { Logger } from 'pino';
import { InventoryErrors, InventoryEvents } from './contract.ts';
import { moveStock, onHand, type StockChange, type StockChanged } from './inventory.repository.ts';

export interface InventoryDeps {
  catalog: CatalogApi;
  stores: StoresApi;
  clock: Clock;
  log: Logger;
}

/**
 * Store scope. Identity gives this module no store directory, so a store id is taken as given
 * (RLS keeps it inside the tenant) but must be one of the actor's stores when the actor is
 * limited to some (managers, cashiers); owners, admins and the system reach every store.
 */
export function assertStore(ctx: Ctx, storeId: string): void {
  if (!canReachStore(ctx, storeId)) throw notFound('Store');
}
export const canReachStore = (ctx: Ctx, storeId: string): boolean => ctx.actor.storeIds === null || ctx.actor.storeIds.includes(storeId);

/**
 * For writes: every store must exist in the tenant (asked of identity) and, for `scoped` ones,
 * be within the actor's stores. An unknown store is 404, named by its field.
 */
export async function requireStores(ctx: Ctx, deps: InventoryDeps, stores: { id: string; path: string; scoped?: boolean }[]): Promise<void> {
  for (const s of stores) if (s.scoped !== false) assertStore(ctx, s.id);
  const found = new Set(await deps.stores.existingStoreIds(ctx, stores.map((s) => s.id)));
  const missing = stores.filter((s) => !found.has(s.id));
  if (missing.length > 0) {
    throw new AppError(404, 'not_found', 'Store not found', { errors: missing.map((s) => ({ path: s.path, message: 'is not a store of this business' })) });
  }
}

/** Store ids a list may show: null = all of the tenant's. */
export function storeFilter(ctx: Ctx, storeId: string | undefined): string[] | null {
  if (storeId) {
    assertStore(ctx, storeId);
    return [storeId];
  }
  return ctx.actor.storeIds === null ? null : [...ctx.actor.storeIds];
}

/** Variants by id through the catalog, failing with every unknown one named by its path. */
export async function requireVariants(ctx: Ctx, deps: InventoryDeps, lines: { variantId: string; path: string }[]): Promise<Map<string, VariantRef>> {
  const ids = [...new Set(lines.map((l) => l.variantId))];
  const found = new Map((await deps.catalog.getVariants(ctx, ids)).map((v) => [v.id, v]));
  const missing = lines.filter((l) => !found.has(l.variantId));
  if (missing.length > 0) {
    throw new AppError(400, InventoryErrors.unknownVariant, `Unknown variant: ${[...new Set(missing.map((m) => m.variantId))].join(', ')}`, {
      errors: missing.map((m) => ({ path: m.path, message: 'is not a variant of this business' })),
    });
  }
  return found;
}

/**
 * Checks the serials a stock change names against the variant: a tracked variant needs exactly one
 * distinct serial per unit, an untracked one none.
 */
export function checkSerialShape(variant: VariantRef, serials: readonly string[] | undefined, units: number, path: string): string[] {
  const list = serials ?? [];
  if (!variant.track_serials) {
    if (list.length > 0) throw new AppError(400, InventoryErrors.serialNotTracked, `${variant.sku} does not track serial numbers`, { errors: [{ path, message: 'must be left out: this variant does not track serial numbers' }] });
    return [];
  }
  if (list.length !== units) {
    throw new AppError(400, InventoryErrors.serialRequired, `${variant.sku} tracks serial numbers: give one per unit (${units}), got ${list.length}`, {
      errors: [{ path, message: `must list ${units} serial number${units === 1 ? '' : 's'}, one per unit` }],
    });
  }
  const dup = list.find((s, i) => list.indexOf(s) !== i);
  if (dup !== undefined) throw new AppError(400, InventoryErrors.duplicateSerial, `Serial number ${dup} is listed twice`, { errors: [{ path, message: `lists ${dup} twice` }] });
  return [...list];
}

export function serialNotInStock(serial: string, variant: { id: string; sku?: string }, path: string, storeId: string): AppError {
  return new AppError(409, InventoryErrors.serialNotInStock, `Serial number ${serial} of ${variant.sku ?? variant.id} is not in stock at this store`, {
    errors: [{ path, message: `${serial} is not in stock at this store` }],
    extra: { serial_number: serial, variant_id: variant.id, store_id: storeId },
  });
}

export async function insufficientStock(ctx: Ctx, storeId: string, variantId: string, wanted: number, path: string): Promise<AppError> {
  // read only to explain the refusal; the refusal itself came from the atomic update
  const have = await onHand(ctx.trx, storeId, variantId);
  return new AppError(409, InventoryErrors.insufficientStock, `Only ${have} on hand of variant ${variantId}; cannot take ${wanted}`, {
    errors: [{ path, message: `exceeds the ${have} on hand` }],
    extra: { store_id: storeId, variant_id: variantId, on_hand: have, requested: wanted },
  });
}

/**
 * Posts one stock change and emits the threshold events it crossed. The crossing is decided from
 * the statement's own result (before = after − delta, under the row lock), so of many concurrent
 * sales exactly one sees the crossing, and sales that stay below a threshold fire nothing.
 */
export async function post(ctx: Ctx, change: StockChange, path = 'quantity'): Promise<StockChanged> {
  const done = await moveStock(ctx, change);
  if (!done) throw await insufficientStock(ctx, change.storeId, change.variantId, -change.quantity, path);
  const after = done.level.available;
  const before = after - change.quantity;
  const threshold = done.level.threshold;
  const facts = {
    store_id: change.storeId,
    variant_id: change.variantId,
    on_hand: done.level.on_hand,
    available: after,
    low_stock_threshold: threshold,
    movement_id: done.movement.id,
    movement_kind: change.kind,
  };
  if (before > threshold && after <= threshold) await ctx.emit(InventoryEvents.lowStock, facts);
  if (before > 0 && after <= 0) await ctx.emit(InventoryEvents.outOfStock, facts);
  if (before <= 0 && after > 0) await ctx.emit(InventoryEvents.backInStock, facts);
  return done;
}

/** Sorts work by variant so concurrent multi-line changes lock level rows in one order (no deadlocks). */
export const byVariant = <T extends { variant_id: string }>(a: T, b: T): number => (a.variant_id < b.variant_id ? -1 : a.variant_id > b.variant_id ? 1 : 0);

