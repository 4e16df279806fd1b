import { sql, type Selectable } from 'kysely';
import {
  AppError,
  conflict,
  decodeCursor,
  encodeCursor,
  isUniqueViolation,
  isUuid,
  newId,
  notFound,
  toPage,
  type Ctx,
  type FieldError,
} from '@novapos/platform';
import { barcodeLookupKeys } from '@novapos/domain';
import {
  CatalogErrors,
  CatalogEvents,
  MAX_VARIANTS_PER_PRODUCT,
  type BarcodeInput,
  type CategoryDto,
  type Money,
  type PriceAtDto,
  type PriceVersionDto,
  type ProductCreate,
  type ProductDto,
  type ProductQuery,
  type ProductUpdate,
  type SettingsDto,
  type TaxCodeDto,
  type VariantCreate,
  type VariantDto,
  type VariantPricing,
  type VariantRef,
  type VariantUpdate,
} from './contract.ts';
import { recordChanges, type Change } from './catalog.changes.ts';
import {
  loadProducts,
  loadVariants,
  productCore,
  productDtos,
  t,
  taxCodesWithRates,
  toCategory,
  toPriceVersion,
  toSettings,
  toTaxRate,
  variantDtos,
} from './catalog.repository.ts';
import { indexProducts, productsByBarcode, searchProductIds } from './catalog.search.ts';
import type { ProductRow, VariantRow } from './tables.ts';

const E = CatalogErrors;

const fieldConflict = (code: string, detail: string, errors: FieldError[]) => new AppError(409, code, detail, { errors });
const badField = (code: string, detail: string, path: string, message: string) => new AppError(400, code, detail, { errors: [{ path, message }] });

// ---------------------------------------------------------------- settings and currency

async function settingsRow(ctx: Ctx) {
  return t(ctx.trx).selectFrom('catalog.settings').selectAll().executeTakeFirst();
}

async function recordSettings(ctx: Ctx): Promise<SettingsDto> {
  const dto = toSettings(await settingsRow(ctx));
  await recordChanges(ctx, [{ entity: 'settings', id: ctx.tenantId, action: 'updated', data: dto }]);
  return dto;
}

export async function getSettings(ctx: Ctx): Promise<SettingsDto> {
  return toSettings(await settingsRow(ctx));
}

/** Inserts the tenant's settings (from tenant.created, or the first price of an older tenant). */
export async function initSettings(ctx: Ctx, currency: string): Promise<void> {
  const row = await t(ctx.trx)
    .insertInto('catalog.settings')
    .values({ tenant_id: ctx.tenantId, currency })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ currency: sql`coalesce(catalog.settings.currency, excluded.currency)`, version: sql`catalog.settings.version + 1` }).where(sql.ref('catalog.settings.currency'), 'is', null))
    .returning('tenant_id')
    .executeTakeFirst();
  if (row) await recordSettings(ctx);
}

export async function updateSettings(ctx: Ctx, body: { prices_include_tax: boolean }): Promise<SettingsDto> {
  await t(ctx.trx)
    .insertInto('catalog.settings')
    .values({ tenant_id: ctx.tenantId, currency: null, prices_include_tax: body.prices_include_tax })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ prices_include_tax: body.prices_include_tax, version: sql`catalog.settings.version + 1`, updated_at: ctx.clock.now() }))
    .execute();
  return recordSettings(ctx);
}

/**
 * The currency every price must be in. Identity owns the tenant's currency and tells us in
 * tenant.created; a tenant older than this module has none here yet, and its first price sets it.
 */
async function requireCurrency(ctx: Ctx, amounts: { money: Money; path: string }[]): Promise<void> {
  if (amounts.length === 0) return;
  let currency = (await settingsRow(ctx))?.currency?.trim() ?? null;
  if (currency === null) {
    await initSettings(ctx, amounts[0]!.money.currency);
    currency = (await settingsRow(ctx))!.currency!.trim();
  }
  const wrong = amounts.filter((a) => a.money.currency !== currency);
  if (wrong.length) {
    throw new AppError(400, E.currencyMismatch, `Prices must be in the business's currency, ${currency}`, {
      errors: wrong.map((w) => ({ path: `${w.path}.currency`, message: `must be ${currency}` })),
    });
  }
}

// ---------------------------------------------------------------- references

async function categoryIdsUnder(ctx: Ctx, rootId: string): Promise<string[]> {
  const r = await sql<{ id: string }>`
    with recursive tree as (
      select id from catalog.categories where id = ${rootId}
      union all
      select c.id from catalog.categories c join tree on c.parent_id = tree.id
    ) select id from tree`.execute(ctx.trx);
  return r.rows.map((x) => x.id);
}

async function assertCategory(ctx: Ctx, id: string | null | undefined, path: string): Promise<void> {
  if (!id) return;
  const row = await t(ctx.trx).selectFrom('catalog.categories').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw badField(E.unknownCategory, 'No such category', path, 'is not a category of this business');
}

async function assertTaxCode(ctx: Ctx, id: string | null | undefined, path: string): Promise<void> {
  if (!id) return;
  const row = await t(ctx.trx).selectFrom('catalog.tax_codes').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw badField(E.unknownTaxCode, 'No such tax code', path, 'is not a tax code of this business');
}

/** `category` (design shape) or `category_id`; the same for tax codes. */
function pick(body: Record<string, unknown>, a: string, b: string): { value: string | null | undefined; path: string } {
  if (body[a] !== undefined && body[b] !== undefined && body[a] !== body[b]) {
    throw badField('validation_failed', `Send ${a} or ${b}, not both`, b, `differs from ${a}`);
  }
  return body[a] !== undefined ? { value: body[a] as string | null, path: a } : { value: body[b] as string | null | undefined, path: b };
}

// ---------------------------------------------------------------- variants: validation

interface PreparedVariant {
  id: string;
  path: string;
  input: VariantCreate;
  optionValues: string[];
  barcodes: { code: BarcodeInput; path: string }[];
}

/** Matches option values to the product's options (case-insensitively), in option order. */
function canonicalOptionValues(options: { name: string; values: string[] }[], given: string[] | undefined, path: string): string[] {
  const vals = given ?? [];
  if (vals.length !== options.length) {
    const want = options.length === 0 ? 'must be empty: the product has no options' : `must have ${options.length} values, one per option (${options.map((o) => o.name).join(', ')})`;
    throw badField('validation_failed', `Invalid request: ${path}: ${want}`, path, want);
  }
  return vals.map((v, i) => {
    const match = options[i]!.values.find((x) => x.toLowerCase() === v.toLowerCase());
    if (!match) {
      const msg = `is not a value of ${options[i]!.name} (${options[i]!.values.join(', ')})`;
      throw badField('validation_failed', `Invalid request: ${path}.${i}: ${msg}`, `${path}.${i}`, msg);
    }
    return match;
  });
}

function prepareVariants(options: { name: string; values: string[] }[], inputs: VariantCreate[], pathOf: (i: number) => string): PreparedVariant[] {
  const prepared = inputs.map((input, i): PreparedVariant => {
    const path = pathOf(i);
    const barcodes = [
      ...(input.barcode ? [{ code: input.barcode, path: `${path}.barcode` }] : []),
      ...(input.barcodes ?? []).map((code, j) => ({ code, path: `${path}.barcodes.${j}` })),
    ];
    return { id: newId(), path, input, optionValues: canonicalOptionValues(options, input.option_values, `${path}.option_values`), barcodes };
  });
  const skus = new Map<string, string>();
  const combos = new Map<string, string>();
  const codes = new Map<string, string>();
  for (const v of prepared) {
    const sku = v.input.sku.toLowerCase();
    if (skus.has(sku)) throw fieldConflict(E.duplicateSku, `SKU ${v.input.sku} appears twice`, [{ path: `${v.path}.sku`, message: `repeats ${skus.get(sku)}` }]);
    skus.set(sku, `${v.path}.sku`);
    const combo = JSON.stringify(v.optionValues);
    if (combos.has(combo)) {
      if (options.length === 0) {
        throw badField('validation_failed', 'A product without options has one variant; add an option (such as Size) for more', 'variants', 'must have one variant when the product has no options');
      }
      throw fieldConflict(E.duplicateOptionValues, 'Two variants have the same option values', [{ path: `${v.path}.option_values`, message: `repeats ${combos.get(combo)}` }]);
    }
    combos.set(combo, `${v.path}.option_values`);
    for (const b of v.barcodes) {
      if (codes.has(b.code.key)) throw fieldConflict(E.duplicateBarcode, `Barcode ${b.code.code} appears twice`, [{ path: b.path, message: `repeats ${codes.get(b.code.key)}` }]);
      codes.set(b.code.key, b.path);
    }
  }
  return prepared;
}

/** 409 naming the field when a SKU or barcode is taken by another variant of this tenant. */
async function assertUnique(ctx: Ctx, items: { sku?: { value: string; path: string }; barcodes: { code: BarcodeInput; path: string }[]; exceptVariantId?: string }[]): Promise<void> {
  const db = t(ctx.trx);
  const skus = items.flatMap((i) => (i.sku ? [i.sku] : []));
  if (skus.length) {
    let q = db.selectFrom('catalog.variants').select('sku_lc').where('sku_lc', 'in', skus.map((s) => s.value.toLowerCase()));
    const except = items[0]?.exceptVariantId;
    if (except) q = q.where('id', '!=', except);
    const taken = new Set((await q.execute()).map((r) => r.sku_lc));
    const clash = skus.filter((s) => taken.has(s.value.toLowerCase()));
    if (clash.length) throw fieldConflict(E.duplicateSku, `SKU ${clash[0]!.value} is already used by another variant`, clash.map((c) => ({ path: c.path, message: 'is already used by another variant' })));
  }
  const codes = items.flatMap((i) => i.barcodes.map((b) => ({ ...b, except: i.exceptVariantId })));
  if (codes.length) {
    const rows = await db.selectFrom('catalog.barcodes').select(['lookup_key', 'variant_id']).where('lookup_key', 'in', codes.map((c) => c.code.key)).execute();
    const owner = new Map(rows.map((r) => [r.lookup_key, r.variant_id]));
    const clash = codes.filter((c) => owner.has(c.code.key) && owner.get(c.code.key) !== c.except);
    if (clash.length) {
      throw fieldConflict(E.duplicateBarcode, `Barcode ${clash[0]!.code.code} is already used by another variant`, clash.map((c) => ({ path: c.path, message: 'is already used by another variant' })));
    }
  }
}

/** A unique violation that slipped past the checks (a concurrent writer): still a 409, not a 500. */
function mapUnique(err: unknown): never {
  if (isUniqueViolation(err)) {
    const constraint = (err as { constraint?: string }).constraint ?? '';
    if (constraint === 'variants_sku') throw conflict(E.duplicateSku, 'A SKU in this request was just taken by another variant', { errors: [{ path: 'sku', message: 'is already used by another variant' }] });
    if (constraint === 'barcodes_pkey') throw conflict(E.duplicateBarcode, 'A barcode in this request was just taken by another variant', { errors: [{ path: 'barcodes', message: 'is already used by another variant' }] });
    if (constraint === 'variants_options') throw conflict(E.duplicateOptionValues, 'Another variant of this product has these option values', { errors: [{ path: 'option_values', message: 'are already used by another variant' }] });
  }
  throw err;
}

async function insertVariants(ctx: Ctx, productId: string, variants: PreparedVariant[], firstPosition: number): Promise<void> {
  const db = t(ctx.trx);
  const now = ctx.clock.now();
  try {
    for (let i = 0; i < variants.length; i += 500) {
      const chunk = variants.slice(i, i + 500);
      await db
        .insertInto('catalog.variants')
        .values(
          chunk.map((v, j) => ({
            tenant_id: ctx.tenantId,
            id: v.id,
            product_id: productId,
            sku: v.input.sku,
            option_values: v.optionValues,
            position: firstPosition + i + j,
            cost_amount: v.input.cost?.amount ?? null,
            cost_currency: v.input.cost?.currency ?? null,
            track_serials: v.input.track_serials ?? false,
          })),
        )
        .execute();
    }
    const barcodes = variants.flatMap((v) => v.barcodes.map((b, j) => ({ tenant_id: ctx.tenantId, lookup_key: b.code.key, code: b.code.code, type: b.code.type, variant_id: v.id, position: j })));
    if (barcodes.length) await db.insertInto('catalog.barcodes').values(barcodes).execute();
    await db
      .insertInto('catalog.price_versions')
      .values(variants.map((v) => ({ tenant_id: ctx.tenantId, id: newId(), variant_id: v.id, store_id: null, amount: v.input.price.amount, currency: v.input.price.currency, valid_from: now, valid_to: null, created_by: ctx.actor.id })))
      .execute();
  } catch (err) {
    mapUnique(err);
  }
}

function moneyFields(v: { price?: Money | undefined; cost?: Money | null | undefined }, path: string): { money: Money; path: string }[] {
  return [...(v.price ? [{ money: v.price, path: `${path}price` }] : []), ...(v.cost ? [{ money: v.cost, path: `${path}cost` }] : [])];
}

const variantChanges = (variants: VariantDto[], action: string): Change[] => variants.map((v) => ({ entity: 'variant', id: v.id, parentId: v.product_id, action, data: v }));

// ---------------------------------------------------------------- products

async function optionsOf(ctx: Ctx, productId: string) {
  return t(ctx.trx).selectFrom('catalog.product_options').select(['name', 'values']).where('product_id', '=', productId).orderBy('position').execute();
}

export async function createProduct(ctx: Ctx, body: ProductCreate): Promise<ProductDto> {
  const category = pick(body, 'category', 'category_id');
  const taxCode = pick(body, 'tax_code', 'tax_code_id');
  await assertCategory(ctx, category.value, category.path);
  await assertTaxCode(ctx, taxCode.value, taxCode.path);
  const options = body.options ?? [];
  const variants = prepareVariants(options, body.variants, (i) => `variants.${i}`);
  await requireCurrency(ctx, variants.flatMap((v) => moneyFields(v.input, `${v.path}.`)));
  await assertUnique(ctx, variants.map((v) => ({ sku: { value: v.input.sku, path: `${v.path}.sku` }, barcodes: v.barcodes })));

  const db = t(ctx.trx);
  const id = newId();
  const product = await db
    .insertInto('catalog.products')
    .values({ tenant_id: ctx.tenantId, id, name: body.name, description: body.description ?? null, category_id: category.value ?? null, tax_code_id: taxCode.value ?? null, image_urls: body.image_urls ?? [] })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (options.length) {
    await db.insertInto('catalog.product_options').values(options.map((o, i) => ({ tenant_id: ctx.tenantId, product_id: id, position: i, name: o.name, values: o.values }))).execute();
  }
  await insertVariants(ctx, id, variants, 0);
  await indexProducts(ctx, [{ id, name: body.name, optionValues: options.flatMap((o) => o.values) }]);
  const [dto] = await productDtos(ctx.trx, [product]);
  const { variants: created, ...core } = dto!;
  await recordChanges(ctx, [{ entity: 'product', id, action: 'created', data: core }, ...variantChanges(created, 'created')]);
  await ctx.emit(CatalogEvents.productCreated, {
    product_id: id,
    name: body.name,
    category_id: product.category_id,
    variants: created.map((v) => ({ variant_id: v.id, sku: v.sku, price: v.price, track_serials: v.track_serials })),
  });
  return dto!;
}

export async function getProduct(ctx: Ctx, id: string): Promise<ProductDto> {
  const [dto] = await loadProducts(ctx.trx, [id]);
  if (!dto) throw notFound('Product');
  return dto;
}

export async function listProducts(ctx: Ctx, query: ProductQuery): Promise<{ data: ProductDto[]; next_cursor: string | null }> {
  const categoryIds = query.category_id ? await categoryIdsUnder(ctx, query.category_id) : undefined;
  if (categoryIds?.length === 0) return { data: [], next_cursor: null };
  const filters = { status: query.status, categoryIds };
  if (query.barcode || query.q) {
    const after = decodeCursor(query.cursor);
    const offset = after && after[0] === 'offset' && Number.isSafeInteger(after[1]) ? (after[1] as number) : 0;
    const ids = query.barcode ? await productsByBarcode(ctx.trx, query.barcode, filters) : await searchProductIds(ctx, query.q!, filters, offset + query.limit + 1);
    const pageIds = ids.slice(offset, offset + query.limit);
    return { data: await loadProducts(ctx.trx, pageIds), next_cursor: ids.length > offset + query.limit ? encodeCursor(['offset', offset + query.limit]) : null };
  }
  const after = decodeCursor(query.cursor);
  let q = t(ctx.trx).selectFrom('catalog.products').selectAll().orderBy('name').orderBy('id').limit(query.limit + 1);
  if (after) q = q.where((eb) => eb(eb.refTuple('name', 'id'), '>', eb.tuple(String(after[0]), String(after[1]))));
  if (query.status) q = q.where('status', '=', query.status);
  if (categoryIds) q = q.where('category_id', 'in', categoryIds);
  const rows = await q.execute();
  const page = toPage(rows, query.limit, (r) => r, (r) => [r.name, r.id]);
  return { data: await productDtos(ctx.trx, page.data), next_cursor: page.next_cursor };
}

async function lockProduct(ctx: Ctx, id: string): Promise<Selectable<ProductRow>> {
  const row = await t(ctx.trx).selectFrom('catalog.products').selectAll().where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
  if (!row) throw notFound('Product');
  return row;
}

export async function updateProduct(ctx: Ctx, id: string, body: ProductUpdate): Promise<ProductDto> {
  const before = await lockProduct(ctx, id);
  const db = t(ctx.trx);
  const patch: Record<string, unknown> = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.description !== undefined) patch.description = body.description ?? null;
  if (body.image_urls !== undefined) patch.image_urls = body.image_urls;
  const category = pick(body, 'category', 'category_id');
  if (category.value !== undefined) {
    await assertCategory(ctx, category.value, category.path);
    patch.category_id = category.value;
  }
  const taxCode = pick(body, 'tax_code', 'tax_code_id');
  if (taxCode.value !== undefined) {
    await assertTaxCode(ctx, taxCode.value, taxCode.path);
    patch.tax_code_id = taxCode.value;
  }
  const options = body.options ? await replaceOptions(ctx, id, body.options) : null;
  if (body.status !== undefined) patch.status = body.status;
  const row = await db
    .updateTable('catalog.products')
    .set({ ...patch, version: sql`version + 1`, updated_at: ctx.clock.now() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const opts = options ?? (await optionsOf(ctx, id));
  if (body.name !== undefined || options) await indexProducts(ctx, [{ id, name: row.name, optionValues: opts.flatMap((o) => o.values) }]);
  const changes: Change[] = [{ entity: 'product', id, action: body.status === 'archived' && before.status !== 'archived' ? 'archived' : 'updated', data: productCore(row, opts) }];
  if (body.status === 'archived' && before.status !== 'archived') {
    const archived = await db.updateTable('catalog.variants').set({ status: 'archived', version: sql`version + 1`, updated_at: ctx.clock.now() }).where('product_id', '=', id).where('status', '=', 'active').returningAll().execute();
    const dtos = await variantDtos(ctx.trx, archived);
    changes.push(...variantChanges(dtos, 'archived'));
    await ctx.emit(CatalogEvents.productArchived, { product_id: id, variant_ids: archived.map((v) => v.id) });
  } else {
    await ctx.emit(CatalogEvents.productUpdated, { product_id: id, fields: Object.keys(body).filter((k) => (body as Record<string, unknown>)[k] !== undefined) });
  }
  await recordChanges(ctx, changes);
  return getProduct(ctx, id);
}

/** Options may be renamed, and values added or reordered; a value a variant uses must stay. */
async function replaceOptions(ctx: Ctx, productId: string, next: { name: string; values: string[] }[]) {
  const current = await optionsOf(ctx, productId);
  if (next.length !== current.length) {
    throw badField('validation_failed', `The product has ${current.length} options; add or remove options by creating a new product`, 'options', `must have ${current.length} options`);
  }
  const used = await t(ctx.trx).selectFrom('catalog.variants').select('option_values').where('product_id', '=', productId).forNoKeyUpdate().execute();
  const mapping = next.map((o, i) => {
    const lower = new Map(o.values.map((v) => [v.toLowerCase(), v]));
    for (const u of used) {
      const v = u.option_values[i]!;
      if (!lower.has(v.toLowerCase())) {
        throw fieldConflict(E.optionValueInUse, `${current[i]!.name} ${v} is used by a variant`, [{ path: `options.${i}.values`, message: `must keep ${v}: a variant uses it` }]);
      }
    }
    return lower;
  });
  const db = t(ctx.trx);
  await db.deleteFrom('catalog.product_options').where('product_id', '=', productId).execute();
  await db.insertInto('catalog.product_options').values(next.map((o, i) => ({ tenant_id: ctx.tenantId, product_id: productId, position: i, name: o.name, values: o.values }))).execute();
  // a value whose case changed is renamed in the variants too (the locks are taken by the update)
  const rows = await db.selectFrom('catalog.variants').select(['id', 'option_values']).where('product_id', '=', productId).forNoKeyUpdate().execute();
  const renamed: VariantDto[] = [];
  for (const r of rows) {
    const values = r.option_values.map((v, i) => mapping[i]!.get(v.toLowerCase())!);
    if (JSON.stringify(values) !== JSON.stringify(r.option_values)) renamed.push(await bumpVariant(ctx, r.id, { option_values: values }));
  }
  await recordChanges(ctx, variantChanges(renamed, 'updated'));
  return next;
}

// ---------------------------------------------------------------- variants

async function lockVariant(ctx: Ctx, id: string): Promise<Selectable<VariantRow>> {
  const row = await t(ctx.trx).selectFrom('catalog.variants').selectAll().where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
  if (!row) throw notFound('Variant');
  return row;
}

async function bumpVariant(ctx: Ctx, id: string, patch: Record<string, unknown> = {}): Promise<VariantDto> {
  const row = await t(ctx.trx)
    .updateTable('catalog.variants')
    .set({ ...patch, version: sql`version + 1`, updated_at: ctx.clock.now() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch(mapUnique);
  const [dto] = await variantDtos(ctx.trx, [row]);
  return dto!;
}

export async function getVariant(ctx: Ctx, id: string): Promise<VariantDto> {
  const [dto] = await loadVariants(ctx.trx, [id]);
  if (!dto) throw notFound('Variant');
  return dto;
}

export async function addVariant(ctx: Ctx, productId: string, body: VariantCreate): Promise<VariantDto> {
  await lockProduct(ctx, productId);
  const db = t(ctx.trx);
  const count = await db.selectFrom('catalog.variants').select([sql<number>`count(*)::int`.as('n'), sql<number>`coalesce(max(position), -1)::int`.as('last')]).where('product_id', '=', productId).executeTakeFirstOrThrow();
  if (count.n >= MAX_VARIANTS_PER_PRODUCT) throw conflict(E.tooManyVariants, `A product has at most ${MAX_VARIANTS_PER_PRODUCT} variants`);
  const options = await optionsOf(ctx, productId);
  const [v] = prepareVariants(options, [body], () => '');
  const prepared = { ...v!, path: '', barcodes: v!.barcodes.map((b) => ({ ...b, path: b.path.replace(/^\./, '') })) };
  await requireCurrency(ctx, moneyFields(body, ''));
  await assertUnique(ctx, [{ sku: { value: body.sku, path: 'sku' }, barcodes: prepared.barcodes }]);
  const taken = await db.selectFrom('catalog.variants').select('id').where('product_id', '=', productId).where(sql<boolean>`option_values = ${prepared.optionValues}::text[]`).executeTakeFirst();
  if (taken) throw fieldConflict(E.duplicateOptionValues, 'Another variant of this product has these option values', [{ path: 'option_values', message: 'are already used by another variant' }]);
  await insertVariants(ctx, productId, [prepared], count.last + 1);
  const dto = await getVariant(ctx, prepared.id);
  await recordChanges(ctx, variantChanges([dto], 'created'));
  await ctx.emit(CatalogEvents.variantCreated, { variant_id: dto.id, product_id: productId, sku: dto.sku, track_serials: dto.track_serials });
  return dto;
}

export async function updateVariant(ctx: Ctx, id: string, body: VariantUpdate): Promise<VariantDto> {
  const row = await lockVariant(ctx, id);
  const db = t(ctx.trx);
  const patch: Record<string, unknown> = {};
  if (body.sku !== undefined && body.sku !== row.sku) patch.sku = body.sku;
  if (body.track_serials !== undefined) patch.track_serials = body.track_serials;
  if (body.cost !== undefined) {
    patch.cost_amount = body.cost?.amount ?? null;
    patch.cost_currency = body.cost?.currency ?? null;
  }
  if (body.option_values !== undefined) {
    const values = canonicalOptionValues(await optionsOf(ctx, row.product_id), body.option_values, 'option_values');
    const taken = await db.selectFrom('catalog.variants').select('id').where('product_id', '=', row.product_id).where(sql<boolean>`option_values = ${values}::text[]`).where('id', '!=', id).executeTakeFirst();
    if (taken) throw fieldConflict(E.duplicateOptionValues, 'Another variant of this product has these option values', [{ path: 'option_values', message: 'are already used by another variant' }]);
    patch.option_values = values;
  }
  const barcodes = body.barcodes?.map((code, j) => ({ code, path: `barcodes.${j}` }));
  if (barcodes) {
    const seen = new Map<string, string>();
    for (const b of barcodes) {
      if (seen.has(b.code.key)) throw fieldConflict(E.duplicateBarcode, `Barcode ${b.code.code} appears twice`, [{ path: b.path, message: `repeats ${seen.get(b.code.key)}` }]);
      seen.set(b.code.key, b.path);
    }
  }
  await requireCurrency(ctx, moneyFields(body, ''));
  await assertUnique(ctx, [{ ...(patch.sku ? { sku: { value: body.sku!, path: 'sku' } } : {}), barcodes: barcodes ?? [], exceptVariantId: id }]);
  if (barcodes) {
    await db.deleteFrom('catalog.barcodes').where('variant_id', '=', id).execute();
    if (barcodes.length) {
      await db
        .insertInto('catalog.barcodes')
        .values(barcodes.map((b, j) => ({ tenant_id: ctx.tenantId, lookup_key: b.code.key, code: b.code.code, type: b.code.type, variant_id: id, position: j })))
        .execute()
        .catch(mapUnique);
    }
  }
  const priceChanged = body.price ? await setPrice(ctx, id, null, body.price) : false;
  const dto = await bumpVariant(ctx, id, patch);
  const otherFields = Object.keys(body).some((k) => k !== 'price' && (body as Record<string, unknown>)[k] !== undefined);
  await recordChanges(ctx, variantChanges([dto], otherFields || !priceChanged ? 'updated' : 'price_changed'));
  if (otherFields) await ctx.emit(CatalogEvents.variantUpdated, { variant_id: id, product_id: row.product_id, sku: dto.sku, fields: Object.keys(body).filter((k) => k !== 'price') });
  return dto;
}

/**
 * Closes the open price version of (variant, store) and opens the next one, under the variant's
 * row lock (the caller holds it). `price` null closes an override without a successor. False when
 * nothing changed.
 */
async function setPrice(ctx: Ctx, variantId: string, storeId: string | null, price: Money | null): Promise<boolean> {
  const db = t(ctx.trx);
  let q = db.selectFrom('catalog.price_versions').selectAll().where('variant_id', '=', variantId).where('valid_to', 'is', null);
  q = storeId === null ? q.where('store_id', 'is', null) : q.where('store_id', '=', storeId);
  const open = await q.executeTakeFirst();
  if (!open && !price) return false;
  if (open && price && open.amount === price.amount && open.currency.trim() === price.currency) return false;
  // strictly after the open version's start, so no version is ever empty or overlapping
  const now = ctx.clock.now();
  const from = open && now.getTime() <= open.valid_from.getTime() ? new Date(open.valid_from.getTime() + 1) : now;
  if (open) await db.updateTable('catalog.price_versions').set({ valid_to: from }).where('id', '=', open.id).execute();
  if (price) {
    await db
      .insertInto('catalog.price_versions')
      .values({ tenant_id: ctx.tenantId, id: newId(), variant_id: variantId, store_id: storeId, amount: price.amount, currency: price.currency, valid_from: from, valid_to: null, created_by: ctx.actor.id })
      .execute();
  }
  await ctx.emit(CatalogEvents.priceChanged, {
    variant_id: variantId,
    store_id: storeId,
    old: open ? { amount: open.amount, currency: open.currency.trim() } : null,
    new: price,
    valid_from: from.toISOString(),
  });
  return true;
}

export async function setStorePrice(ctx: Ctx, variantId: string, storeId: string, price: Money): Promise<VariantDto> {
  await lockVariant(ctx, variantId);
  await requireCurrency(ctx, [{ money: price, path: 'price' }]);
  await setPrice(ctx, variantId, storeId, price);
  const dto = await bumpVariant(ctx, variantId);
  await recordChanges(ctx, variantChanges([dto], 'price_changed'));
  return dto;
}

export async function removeStorePrice(ctx: Ctx, variantId: string, storeId: string): Promise<void> {
  await lockVariant(ctx, variantId);
  if (await setPrice(ctx, variantId, storeId, null)) {
    const dto = await bumpVariant(ctx, variantId);
    await recordChanges(ctx, variantChanges([dto], 'price_changed'));
  }
}

export async function archiveVariant(ctx: Ctx, id: string): Promise<VariantDto> {
  const row = await lockVariant(ctx, id);
  if (row.status === 'archived') return getVariant(ctx, id);
  const dto = await bumpVariant(ctx, id, { status: 'archived' });
  await recordChanges(ctx, variantChanges([dto], 'archived'));
  await ctx.emit(CatalogEvents.variantArchived, { variant_id: id, product_id: row.product_id, sku: row.sku });
  return dto;
}

export async function restoreVariant(ctx: Ctx, id: string): Promise<VariantDto> {
  // product before variant: the order archiving a product takes them in, so the two cannot deadlock
  const product = await lockProduct(ctx, (await getVariantRow(ctx, id)).product_id);
  const row = await lockVariant(ctx, id);
  if (row.status === 'active') return getVariant(ctx, id);
  const changes: Change[] = [];
  if (product.status === 'archived') {
    // a variant on sale needs its product on sale
    const p = await t(ctx.trx).updateTable('catalog.products').set({ status: 'active', version: sql`version + 1`, updated_at: ctx.clock.now() }).where('id', '=', product.id).returningAll().executeTakeFirstOrThrow();
    changes.push({ entity: 'product', id: p.id, action: 'updated', data: productCore(p, await optionsOf(ctx, p.id)) });
  }
  const dto = await bumpVariant(ctx, id, { status: 'active' });
  await recordChanges(ctx, [...changes, ...variantChanges([dto], 'restored')]);
  await ctx.emit(CatalogEvents.variantRestored, { variant_id: id, product_id: row.product_id, sku: row.sku });
  return dto;
}

/** Only a variant never sold may go; a sold one is archived so old sales keep their reference. */
export async function deleteVariant(ctx: Ctx, id: string): Promise<void> {
  const row = await lockVariant(ctx, id);
  if (row.ever_sold) throw conflict(E.variantSold, 'This variant has been sold, so it can only be archived', { errors: [{ path: 'id', message: 'was sold: archive it instead' }] });
  const siblings = await t(ctx.trx).selectFrom('catalog.variants').select(sql<number>`count(*)::int`.as('n')).where('product_id', '=', row.product_id).executeTakeFirstOrThrow();
  if (siblings.n <= 1) throw conflict('last_variant', 'A product keeps at least one variant; archive the product instead');
  await t(ctx.trx).deleteFrom('catalog.variants').where('id', '=', id).execute();
  await recordChanges(ctx, [{ entity: 'variant', id, parentId: row.product_id, action: 'deleted', data: null }]);
  await ctx.emit(CatalogEvents.variantDeleted, { variant_id: id, product_id: row.product_id, sku: row.sku });
}

/** Records that variants were sold (order.completed): from then on they can only be archived. */
export async function markSold(ctx: Ctx, variantIds: readonly string[]): Promise<void> {
  const ids = [...new Set(variantIds)].filter(isUuid);
  if (ids.length === 0) return;
  await t(ctx.trx).updateTable('catalog.variants').set({ ever_sold: true }).where('id', 'in', ids).where('ever_sold', '=', false).execute();
}

// ---------------------------------------------------------------- prices

const asPriceAt = (r: { amount: number; currency: string; store_id: string | null; valid_from: Date; valid_to: Date | null }, variantId: string, storeId: string | null, at: Date): PriceAtDto => ({
  variant_id: variantId,
  store_id: storeId,
  at: at.toISOString(),
  price: { amount: r.amount, currency: r.currency.trim() },
  source: r.store_id === null ? 'base' : 'store',
  valid_from: r.valid_from.toISOString(),
  valid_to: r.valid_to ? r.valid_to.toISOString() : null,
});

/** The price of a variant in a store (null: the base price) at an instant; null if it had none. */
export async function priceAt(ctx: Ctx, variantId: string, storeId: string | null, at: Date): Promise<PriceAtDto | null> {
  if (!isUuid(variantId) || (storeId !== null && !isUuid(storeId))) return null;
  const rows = await sql<{ amount: number; currency: string; store_id: string | null; valid_from: Date; valid_to: Date | null }>`
    select amount, currency, store_id, valid_from, valid_to from catalog.price_versions
    where variant_id = ${variantId} and (store_id is null or store_id = ${storeId}::uuid)
      and valid_from <= ${at} and (valid_to is null or valid_to > ${at})
    order by store_id nulls last limit 1`.execute(ctx.trx);
  const r = rows.rows[0];
  return r ? asPriceAt(r, variantId, storeId, at) : null;
}

export async function priceHistory(ctx: Ctx, variantId: string, storeId: string | undefined): Promise<PriceVersionDto[]> {
  await getVariantRow(ctx, variantId);
  let q = t(ctx.trx).selectFrom('catalog.price_versions').selectAll().where('variant_id', '=', variantId).orderBy('store_id', (ob) => ob.nullsFirst()).orderBy('valid_from');
  if (storeId) q = q.where((eb) => eb.or([eb('store_id', 'is', null), eb('store_id', '=', storeId)]));
  return (await q.execute()).map(toPriceVersion);
}

async function getVariantRow(ctx: Ctx, id: string) {
  const row = await t(ctx.trx).selectFrom('catalog.variants').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Variant');
  return row;
}

/** Prices and tax rates of variants in one store at one instant: what pricing a sale needs. */
export async function pricing(ctx: Ctx, input: { storeId: string; variantIds: readonly string[]; at?: Date }): Promise<{ prices_include_tax: boolean; currency: string | null; variants: VariantPricing[] }> {
  const settings = toSettings(await settingsRow(ctx));
  const ids = [...new Set(input.variantIds)].filter(isUuid);
  if (ids.length === 0 || !isUuid(input.storeId)) return { prices_include_tax: settings.prices_include_tax, currency: settings.currency, variants: [] };
  const at = input.at ?? ctx.clock.now();
  const rows = await sql<{ variant_id: string; tax_code_id: string | null; amount: number | null; currency: string | null; store_id: string | null }>`
    select v.id as variant_id, p.tax_code_id, pv.amount, pv.currency, pv.store_id
    from catalog.variants v
    join catalog.products p on p.tenant_id = v.tenant_id and p.id = v.product_id
    left join lateral (
      select amount, currency, store_id from catalog.price_versions x
      where x.variant_id = v.id and (x.store_id is null or x.store_id = ${input.storeId}::uuid)
        and x.valid_from <= ${at} and (x.valid_to is null or x.valid_to > ${at})
      order by x.store_id nulls last limit 1
    ) pv on true
    where v.id = any(${ids}::uuid[])`.execute(ctx.trx);
  const codes = [...new Set(rows.rows.map((r) => r.tax_code_id).filter((c): c is string => c !== null))];
  const rates = codes.length
    ? await t(ctx.trx).selectFrom('catalog.tax_rates').selectAll().where('tax_code_id', 'in', codes).where('store_id', '=', input.storeId).orderBy('position').orderBy('id').execute()
    : [];
  return {
    prices_include_tax: settings.prices_include_tax,
    currency: settings.currency,
    variants: rows.rows.map((r) => ({
      variant_id: r.variant_id,
      price: r.amount !== null && r.currency !== null ? { amount: r.amount, currency: r.currency.trim() } : null,
      source: r.amount === null ? null : r.store_id === null ? 'base' : 'store',
      tax_code_id: r.tax_code_id,
      rates: rates.filter((x) => x.tax_code_id === r.tax_code_id).map((x) => ({ id: x.id, name: x.name, rate_ppm: x.rate_ppm })),
    })),
  };
}

// ---------------------------------------------------------------- for other modules

/** The rates of a tax code in a store (e.g. for a custom sale line); null if the code does not exist. */
export async function taxRatesOf(ctx: Ctx, taxCodeId: string, storeId: string): Promise<{ id: string; name: string; rate_ppm: number }[] | null> {
  if (!isUuid(taxCodeId) || !isUuid(storeId)) return null;
  const code = await t(ctx.trx).selectFrom('catalog.tax_codes').select('id').where('id', '=', taxCodeId).executeTakeFirst();
  if (!code) return null;
  const rows = await t(ctx.trx).selectFrom('catalog.tax_rates').select(['id', 'name', 'rate_ppm']).where('tax_code_id', '=', taxCodeId).where('store_id', '=', storeId).orderBy('position').orderBy('id').execute();
  return rows;
}

export async function variantRefs(ctx: Ctx, ids: readonly string[]): Promise<VariantRef[]> {
  // ids come from other modules and clients: one that is not a UUID is simply not a variant
  const wanted = [...new Set(ids)].filter(isUuid);
  if (wanted.length === 0) return [];
  const rows = await t(ctx.trx)
    .selectFrom('catalog.variants as v')
    .innerJoin('catalog.products as p', (j) => j.onRef('p.tenant_id', '=', 'v.tenant_id').onRef('p.id', '=', 'v.product_id'))
    .select(['v.id', 'v.product_id', 'v.sku', 'v.option_values', 'v.track_serials', 'v.status', 'p.name', 'p.category_id'])
    .select(sql<string[]>`coalesce((select array_agg(b.code order by b.position) from catalog.barcodes b where b.tenant_id = v.tenant_id and b.variant_id = v.id), '{}')`.as('barcodes'))
    .select(sql<string[]>`coalesce((select array_agg(o.name order by o.position) from catalog.product_options o where o.tenant_id = v.tenant_id and o.product_id = v.product_id), '{}')`.as('option_names'))
    .where('v.id', 'in', wanted)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    product_id: r.product_id,
    sku: r.sku,
    name: [r.name, ...r.option_values].join(' / '),
    barcodes: r.barcodes,
    category_id: r.category_id,
    options: Object.fromEntries(r.option_names.map((n, i) => [n, r.option_values[i] ?? ''])),
    track_serials: r.track_serials,
    status: r.status,
  }));
}

export async function findVariantByBarcode(ctx: Ctx, code: string): Promise<VariantRef | null> {
  const row = await t(ctx.trx).selectFrom('catalog.barcodes').select('variant_id').where('lookup_key', 'in', barcodeLookupKeys(code)).orderBy('lookup_key').executeTakeFirst();
  if (!row) return null;
  return (await variantRefs(ctx, [row.variant_id]))[0] ?? null;
}

export async function variantIdsInCategory(ctx: Ctx, categoryId: string | null): Promise<string[]> {
  if (categoryId !== null && !isUuid(categoryId)) return [];
  let q = t(ctx.trx).selectFrom('catalog.variants as v').select('v.id').orderBy('v.id');
  if (categoryId !== null) {
    const cats = await categoryIdsUnder(ctx, categoryId);
    if (cats.length === 0) return [];
    q = q.innerJoin('catalog.products as p', (j) => j.onRef('p.tenant_id', '=', 'v.tenant_id').onRef('p.id', '=', 'v.product_id')).where('p.category_id', 'in', cats);
  }
  return (await q.execute()).map((r) => r.id);
}

// ---------------------------------------------------------------- categories

export async function listCategories(ctx: Ctx): Promise<{ data: CategoryDto[] }> {
  const rows = await t(ctx.trx).selectFrom('catalog.categories').selectAll().orderBy('parent_id', (ob) => ob.nullsFirst()).orderBy('position').orderBy('name').execute();
  return { data: rows.map(toCategory) };
}

export async function getCategory(ctx: Ctx, id: string): Promise<CategoryDto> {
  const row = await t(ctx.trx).selectFrom('catalog.categories').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Category');
  return toCategory(row);
}

const categoryNameTaken = () => fieldConflict(E.nameTaken, 'A category with this name already exists here', [{ path: 'name', message: 'is already used by a sibling category' }]);

export async function createCategory(ctx: Ctx, body: { name: string; parent_id?: string | null | undefined; position?: number | undefined }): Promise<CategoryDto> {
  await assertCategory(ctx, body.parent_id, 'parent_id');
  const row = await t(ctx.trx)
    .insertInto('catalog.categories')
    .values({ tenant_id: ctx.tenantId, id: newId(), parent_id: body.parent_id ?? null, name: body.name, position: body.position ?? 0 })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((err) => {
      if (isUniqueViolation(err)) throw categoryNameTaken();
      throw err;
    });
  const dto = toCategory(row);
  await recordChanges(ctx, [{ entity: 'category', id: dto.id, action: 'created', data: dto }]);
  return dto;
}

export async function updateCategory(ctx: Ctx, id: string, body: { name?: string | undefined; parent_id?: string | null | undefined; position?: number | undefined }): Promise<CategoryDto> {
  const db = t(ctx.trx);
  const current = await db.selectFrom('catalog.categories').selectAll().where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
  if (!current) throw notFound('Category');
  const patch: Record<string, unknown> = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.position !== undefined) patch.position = body.position;
  if (body.parent_id !== undefined && body.parent_id !== current.parent_id) {
    if (body.parent_id !== null) {
      await assertCategory(ctx, body.parent_id, 'parent_id');
      if ((await categoryIdsUnder(ctx, id)).includes(body.parent_id)) {
        throw fieldConflict(E.categoryCycle, 'A category cannot move under itself or one of its subcategories', [{ path: 'parent_id', message: 'is this category or one under it' }]);
      }
    }
    patch.parent_id = body.parent_id;
  }
  const row = await db
    .updateTable('catalog.categories')
    .set({ ...patch, version: sql`version + 1`, updated_at: ctx.clock.now() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((err) => {
      if (isUniqueViolation(err)) throw categoryNameTaken();
      throw err;
    });
  const dto = toCategory(row);
  await recordChanges(ctx, [{ entity: 'category', id, action: 'updated', data: dto }]);
  return dto;
}

export async function deleteCategory(ctx: Ctx, id: string): Promise<void> {
  const db = t(ctx.trx);
  const current = await db.selectFrom('catalog.categories').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw notFound('Category');
  const child = await db.selectFrom('catalog.categories').select('id').where('parent_id', '=', id).executeTakeFirst();
  const product = await db.selectFrom('catalog.products').select('id').where('category_id', '=', id).executeTakeFirst();
  if (child || product) throw conflict(E.categoryInUse, `This category still has ${child ? 'subcategories' : 'products'}; move them first`);
  await db.deleteFrom('catalog.categories').where('id', '=', id).execute();
  await recordChanges(ctx, [{ entity: 'category', id, action: 'deleted', data: null }]);
}

// ---------------------------------------------------------------- tax codes and rates

export async function listTaxCodes(ctx: Ctx): Promise<{ data: TaxCodeDto[] }> {
  const rows = await t(ctx.trx).selectFrom('catalog.tax_codes').selectAll().orderBy('name').execute();
  return { data: await taxCodesWithRates(ctx.trx, rows) };
}

export async function getTaxCode(ctx: Ctx, id: string, lock = false): Promise<TaxCodeDto> {
  let q = t(ctx.trx).selectFrom('catalog.tax_codes').selectAll().where('id', '=', id);
  if (lock) q = q.forNoKeyUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Tax code');
  return (await taxCodesWithRates(ctx.trx, [row]))[0]!;
}

const taxCodeNameTaken = () => fieldConflict(E.nameTaken, 'A tax code with this name already exists', [{ path: 'name', message: 'is already used by another tax code' }]);
const rateNameTaken = (path: string) => fieldConflict(E.nameTaken, 'This store already has a rate with this name for this tax code', [{ path, message: 'is already used in this store' }]);

/** After any change to a code or its rates: bump, record the code with its rates, tell. */
async function taxCodeChanged(ctx: Ctx, id: string, action: string, storeIds: string[]): Promise<TaxCodeDto> {
  await t(ctx.trx).updateTable('catalog.tax_codes').set({ version: sql`version + 1`, updated_at: ctx.clock.now() }).where('id', '=', id).execute();
  const dto = await getTaxCode(ctx, id);
  await recordChanges(ctx, [{ entity: 'tax_code', id, action, data: dto }]);
  if (storeIds.length) await ctx.emit(CatalogEvents.taxRatesChanged, { tax_code_id: id, store_ids: [...new Set(storeIds)] });
  return dto;
}

export async function createTaxCode(ctx: Ctx, body: { name: string; description?: string | null | undefined; rates?: { store_id: string; name: string; rate_ppm: number }[] | undefined }): Promise<TaxCodeDto> {
  const id = newId();
  const db = t(ctx.trx);
  await db
    .insertInto('catalog.tax_codes')
    .values({ tenant_id: ctx.tenantId, id, name: body.name, description: body.description ?? null })
    .execute()
    .catch((err) => {
      if (isUniqueViolation(err)) throw taxCodeNameTaken();
      throw err;
    });
  const rates = body.rates ?? [];
  const seen = new Map<string, number>();
  rates.forEach((r, i) => {
    const key = `${r.store_id}:${r.name.toLowerCase()}`;
    if (seen.has(key)) throw rateNameTaken(`rates.${i}.name`);
    seen.set(key, i);
  });
  if (rates.length) await db.insertInto('catalog.tax_rates').values(rates.map((r, i) => ({ tenant_id: ctx.tenantId, id: newId(), tax_code_id: id, store_id: r.store_id, name: r.name, rate_ppm: r.rate_ppm, position: i }))).execute();
  const dto = await getTaxCode(ctx, id);
  await recordChanges(ctx, [{ entity: 'tax_code', id, action: 'created', data: dto }]);
  if (rates.length) await ctx.emit(CatalogEvents.taxRatesChanged, { tax_code_id: id, store_ids: [...new Set(rates.map((r) => r.store_id))] });
  return dto;
}

export async function updateTaxCode(ctx: Ctx, id: string, body: { name?: string | undefined; description?: string | null | undefined }): Promise<TaxCodeDto> {
  await getTaxCode(ctx, id, true);
  const patch: Record<string, unknown> = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.description !== undefined) patch.description = body.description ?? null;
  await t(ctx.trx)
    .updateTable('catalog.tax_codes')
    .set(patch)
    .where('id', '=', id)
    .execute()
    .catch((err) => {
      if (isUniqueViolation(err)) throw taxCodeNameTaken();
      throw err;
    });
  return taxCodeChanged(ctx, id, 'updated', []);
}

export async function deleteTaxCode(ctx: Ctx, id: string): Promise<void> {
  await getTaxCode(ctx, id, true);
  const used = await t(ctx.trx).selectFrom('catalog.products').select('id').where('tax_code_id', '=', id).executeTakeFirst();
  if (used) throw conflict(E.taxCodeInUse, 'Products still use this tax code; give them another first');
  await t(ctx.trx).deleteFrom('catalog.tax_codes').where('id', '=', id).execute();
  await recordChanges(ctx, [{ entity: 'tax_code', id, action: 'deleted', data: null }]);
}

export async function addTaxRate(ctx: Ctx, taxCodeId: string, body: { store_id: string; name: string; rate_ppm: number }): Promise<TaxCodeDto> {
  const code = await getTaxCode(ctx, taxCodeId, true);
  const position = code.rates.filter((r) => r.store_id === body.store_id).length;
  await t(ctx.trx)
    .insertInto('catalog.tax_rates')
    .values({ tenant_id: ctx.tenantId, id: newId(), tax_code_id: taxCodeId, store_id: body.store_id, name: body.name, rate_ppm: body.rate_ppm, position })
    .execute()
    .catch((err) => {
      if (isUniqueViolation(err)) throw rateNameTaken('name');
      throw err;
    });
  return taxCodeChanged(ctx, taxCodeId, 'updated', [body.store_id]);
}

async function lockedRate(ctx: Ctx, rateId: string) {
  const rate = await t(ctx.trx).selectFrom('catalog.tax_rates').selectAll().where('id', '=', rateId).executeTakeFirst();
  if (!rate) throw notFound('Tax rate');
  // the code's lock serializes every change to it and its rates (and orders the feed)
  await getTaxCode(ctx, rate.tax_code_id, true);
  return rate;
}

export async function updateTaxRate(ctx: Ctx, rateId: string, body: { name?: string | undefined; rate_ppm?: number | undefined }) {
  const rate = await lockedRate(ctx, rateId);
  const patch: Record<string, unknown> = { updated_at: ctx.clock.now() };
  if (body.name !== undefined) patch.name = body.name;
  if (body.rate_ppm !== undefined) patch.rate_ppm = body.rate_ppm;
  const row = await t(ctx.trx)
    .updateTable('catalog.tax_rates')
    .set(patch)
    .where('id', '=', rateId)
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((err) => {
      if (isUniqueViolation(err)) throw rateNameTaken('name');
      throw err;
    });
  await taxCodeChanged(ctx, rate.tax_code_id, 'updated', [rate.store_id]);
  return toTaxRate(row);
}

export async function deleteTaxRate(ctx: Ctx, rateId: string): Promise<void> {
  const rate = await lockedRate(ctx, rateId);
  await t(ctx.trx).deleteFrom('catalog.tax_rates').where('id', '=', rateId).execute();
  await taxCodeChanged(ctx, rate.tax_code_id, 'updated', [rate.store_id]);
}
