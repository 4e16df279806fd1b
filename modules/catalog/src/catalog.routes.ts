import { z } from 'zod';
import type { StoresApi } from '@novapos/identity';
import { AppError, defineRoute, notFound, pageOf, type AnyRouteDef, type Ctx } from '@novapos/platform';
import {
  CategoryCreate,
  CategoryDto,
  CategoryUpdate,
  ChangesPage,
  ChangesQuery,
  Id,
  PriceAtDto,
  PriceQuery,
  PriceVersionDto,
  ProductCreate,
  ProductDto,
  ProductQuery,
  ProductUpdate,
  SettingsDto,
  SettingsUpdate,
  StorePriceSet,
  TaxCodeCreate,
  TaxCodeDto,
  TaxCodeUpdate,
  TaxRateCreate,
  TaxRateDto,
  TaxRateUpdate,
  VariantCreate,
  VariantDto,
  VariantUpdate,
} from './contract.ts';
import { readChanges } from './catalog.changes.ts';
import * as svc from './catalog.service.ts';

const IdParams = z.object({ id: Id });
const StorePriceParams = z.object({ id: Id, store_id: Id });
const READ = 'catalog.read';
const MANAGE = 'catalog.manage';

/** Store ids in price overrides and tax rates must be stores of the tenant (identity knows). */
async function requireStores(ctx: Ctx, stores: StoresApi, items: { id: string; path: string }[]): Promise<void> {
  if (items.length === 0) return;
  const found = new Set(await stores.existingStoreIds(ctx, items.map((i) => i.id)));
  const missing = items.filter((i) => !found.has(i.id) || (ctx.actor.storeIds !== null && !ctx.actor.storeIds.includes(i.id)));
  if (missing.length > 0) throw new AppError(404, 'not_found', 'Store not found', { errors: missing.map((m) => ({ path: m.path, message: 'is not a store of this business' })) });
}

export function catalogRoutes(stores: StoresApi): AnyRouteDef[] {
  return [
    // ------------------------------------------------------------ products
    defineRoute({
      method: 'POST', url: '/api/v1/products', summary: 'Create a product with its options and variants (up to 1,000)', tags: ['catalog'],
      permission: MANAGE, body: ProductCreate, response: ProductDto,
      handler: async (ctx, { body }) => svc.createProduct(ctx, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/products', summary: 'List or search products (name, SKU, barcode; prefix and fuzzy)', tags: ['catalog'],
      permission: READ, query: ProductQuery, response: pageOf(ProductDto),
      handler: async (ctx, { query }) => svc.listProducts(ctx, query),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/products/:id', summary: 'Get a product with its variants', tags: ['catalog'],
      permission: READ, params: IdParams, response: ProductDto,
      handler: async (ctx, { params }) => svc.getProduct(ctx, params.id),
    }),
    defineRoute({
      method: 'PATCH', url: '/api/v1/products/:id', summary: 'Change a product (archiving it archives its variants)', tags: ['catalog'],
      permission: MANAGE, params: IdParams, body: ProductUpdate, response: ProductDto,
      handler: async (ctx, { params, body }) => svc.updateProduct(ctx, params.id, body),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/products/:id/variants', summary: 'Add a variant to a product', tags: ['catalog'],
      permission: MANAGE, params: IdParams, body: VariantCreate, response: VariantDto,
      handler: async (ctx, { params, body }) => svc.addVariant(ctx, params.id, body),
    }),
    // ------------------------------------------------------------ variants
    defineRoute({
      method: 'GET', url: '/api/v1/variants/:id', summary: 'Get a variant', tags: ['catalog'],
      permission: READ, params: IdParams, response: VariantDto,
      handler: async (ctx, { params }) => svc.getVariant(ctx, params.id),
    }),
    defineRoute({
      method: 'PATCH', url: '/api/v1/variants/:id', summary: 'Change a variant; a new price opens a new price version', tags: ['catalog'],
      permission: MANAGE, params: IdParams, body: VariantUpdate, response: VariantDto,
      handler: async (ctx, { params, body }) => svc.updateVariant(ctx, params.id, body),
    }),
    defineRoute({
      method: 'DELETE', url: '/api/v1/variants/:id', summary: 'Delete a variant that was never sold (archive a sold one)', tags: ['catalog'],
      permission: MANAGE, params: IdParams,
      handler: async (ctx, { params }) => svc.deleteVariant(ctx, params.id),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/variants/:id/archive', summary: 'Archive a variant: no longer sold, kept for history', tags: ['catalog'],
      permission: MANAGE, params: IdParams, idempotent: false, status: 200, response: VariantDto,
      handler: async (ctx, { params }) => svc.archiveVariant(ctx, params.id),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/variants/:id/restore', summary: 'Put an archived variant back on sale', tags: ['catalog'],
      permission: MANAGE, params: IdParams, idempotent: false, status: 200, response: VariantDto,
      handler: async (ctx, { params }) => svc.restoreVariant(ctx, params.id),
    }),
    defineRoute({
      method: 'PUT', url: '/api/v1/variants/:id/prices/:store_id', summary: "Set a store's price override (a new price version)", tags: ['catalog'],
      permission: MANAGE, params: StorePriceParams, body: StorePriceSet, response: VariantDto,
      handler: async (ctx, { params, body }) => {
        await requireStores(ctx, stores, [{ id: params.store_id, path: 'params.store_id' }]);
        return svc.setStorePrice(ctx, params.id, params.store_id, body.price);
      },
    }),
    defineRoute({
      method: 'DELETE', url: '/api/v1/variants/:id/prices/:store_id', summary: "End a store's price override (the base price applies again)", tags: ['catalog'],
      permission: MANAGE, params: StorePriceParams,
      handler: async (ctx, { params }) => svc.removeStorePrice(ctx, params.id, params.store_id),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/variants/:id/prices', summary: 'Price history: every version, base and per store', tags: ['catalog'],
      permission: READ, params: IdParams, query: z.object({ store_id: Id.optional() }), response: z.object({ data: z.array(PriceVersionDto) }),
      handler: async (ctx, { params, query }) => ({ data: await svc.priceHistory(ctx, params.id, query.store_id) }),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/variants/:id/price', summary: 'The price in force in a store at an instant (default: now)', tags: ['catalog'],
      permission: READ, params: IdParams, query: PriceQuery, response: PriceAtDto,
      handler: async (ctx, { params, query }) => {
        await svc.getVariant(ctx, params.id);
        const found = await svc.priceAt(ctx, params.id, query.store_id ?? null, query.at ? new Date(query.at) : ctx.clock.now());
        if (!found) throw notFound('Price at that time');
        return found;
      },
    }),
    // ------------------------------------------------------------ categories
    defineRoute({
      method: 'GET', url: '/api/v1/categories', summary: 'All categories (a tree by parent_id)', tags: ['catalog'],
      permission: READ, response: z.object({ data: z.array(CategoryDto) }),
      handler: async (ctx) => svc.listCategories(ctx),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/categories', summary: 'Create a category', tags: ['catalog'],
      permission: MANAGE, body: CategoryCreate, response: CategoryDto,
      handler: async (ctx, { body }) => svc.createCategory(ctx, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/categories/:id', summary: 'Get a category', tags: ['catalog'],
      permission: READ, params: IdParams, response: CategoryDto,
      handler: async (ctx, { params }) => svc.getCategory(ctx, params.id),
    }),
    defineRoute({
      method: 'PATCH', url: '/api/v1/categories/:id', summary: 'Rename or move a category', tags: ['catalog'],
      permission: MANAGE, params: IdParams, body: CategoryUpdate, response: CategoryDto,
      handler: async (ctx, { params, body }) => svc.updateCategory(ctx, params.id, body),
    }),
    defineRoute({
      method: 'DELETE', url: '/api/v1/categories/:id', summary: 'Delete an empty category', tags: ['catalog'],
      permission: MANAGE, params: IdParams,
      handler: async (ctx, { params }) => svc.deleteCategory(ctx, params.id),
    }),
    // ------------------------------------------------------------ tax
    defineRoute({
      method: 'GET', url: '/api/v1/tax-codes', summary: 'Tax codes with their rates per store', tags: ['catalog'],
      permission: READ, response: z.object({ data: z.array(TaxCodeDto) }),
      handler: async (ctx) => svc.listTaxCodes(ctx),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/tax-codes', summary: 'Create a tax code, optionally with rates', tags: ['catalog'],
      permission: MANAGE, body: TaxCodeCreate, response: TaxCodeDto,
      handler: async (ctx, { body }) => {
        await requireStores(ctx, stores, (body.rates ?? []).map((r, i) => ({ id: r.store_id, path: `rates.${i}.store_id` })));
        return svc.createTaxCode(ctx, body);
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/tax-codes/:id', summary: 'Get a tax code with its rates', tags: ['catalog'],
      permission: READ, params: IdParams, response: TaxCodeDto,
      handler: async (ctx, { params }) => svc.getTaxCode(ctx, params.id),
    }),
    defineRoute({
      method: 'PATCH', url: '/api/v1/tax-codes/:id', summary: 'Rename a tax code', tags: ['catalog'],
      permission: MANAGE, params: IdParams, body: TaxCodeUpdate, response: TaxCodeDto,
      handler: async (ctx, { params, body }) => svc.updateTaxCode(ctx, params.id, body),
    }),
    defineRoute({
      method: 'DELETE', url: '/api/v1/tax-codes/:id', summary: 'Delete a tax code no product uses', tags: ['catalog'],
      permission: MANAGE, params: IdParams,
      handler: async (ctx, { params }) => svc.deleteTaxCode(ctx, params.id),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/tax-codes/:id/rates', summary: 'Add a rate of this code in a store (state, city, …)', tags: ['catalog'],
      permission: MANAGE, params: IdParams, body: TaxRateCreate, response: TaxCodeDto,
      handler: async (ctx, { params, body }) => {
        await requireStores(ctx, stores, [{ id: body.store_id, path: 'store_id' }]);
        return svc.addTaxRate(ctx, params.id, body);
      },
    }),
    defineRoute({
      method: 'PATCH', url: '/api/v1/tax-rates/:id', summary: 'Change a tax rate', tags: ['catalog'],
      permission: MANAGE, params: IdParams, body: TaxRateUpdate, response: TaxRateDto,
      handler: async (ctx, { params, body }) => svc.updateTaxRate(ctx, params.id, body),
    }),
    defineRoute({
      method: 'DELETE', url: '/api/v1/tax-rates/:id', summary: 'Remove a tax rate', tags: ['catalog'],
      permission: MANAGE, params: IdParams,
      handler: async (ctx, { params }) => svc.deleteTaxRate(ctx, params.id),
    }),
    // ------------------------------------------------------------ settings and the feed
    defineRoute({
      method: 'GET', url: '/api/v1/catalog/settings', summary: "The catalog's settings: currency, tax-inclusive prices", tags: ['catalog'],
      permission: READ, response: SettingsDto,
      handler: async (ctx) => svc.getSettings(ctx),
    }),
    defineRoute({
      method: 'PATCH', url: '/api/v1/catalog/settings', summary: 'Choose tax-inclusive or tax-exclusive prices', tags: ['catalog'],
      permission: MANAGE, body: SettingsUpdate, response: SettingsDto,
      handler: async (ctx, { body }) => svc.updateSettings(ctx, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/catalog/changes', summary: 'Delta feed for the till cache: apply in order, resume from next_cursor', tags: ['catalog'],
      permission: READ, query: ChangesQuery, response: ChangesPage, trustedResponse: true,
      handler: async (ctx, { query }) => readChanges(ctx, query.cursor, query.limit),
    }),
  ] as AnyRouteDef[];
}
