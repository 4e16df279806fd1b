import { sql, type Selectable } from 'kysely';
import type { Trx } from '@novapos/platform';
import type { CategoryDto, PriceVersionDto, ProductDto, SettingsDto, TaxCodeDto, TaxRateDto, VariantDto } from './contract.ts';
import type { CatTrx, CategoryRow, PriceVersionRow, ProductRow, SettingsRow, TaxCodeRow, TaxRateRow, VariantRow } from './tables.ts';

/** Narrows the platform's untyped transaction to this module's tables. */
export const t = (trx: Trx): CatTrx => trx as unknown as CatTrx;

/** Timestamps come as Date from columns and as strings from JSON built in SQL. */
const iso = (d: Date | string): string => (typeof d === 'string' ? new Date(d) : d).toISOString();
const money = (amount: number, currency: string) => ({ amount, currency: currency.trim() });

export const toCategory = (r: Selectable<CategoryRow>): CategoryDto => ({
  id: r.id,
  parent_id: r.parent_id,
  name: r.name,
  position: r.position,
  version: r.version,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});

export const toTaxRate = (r: Selectable<TaxRateRow>): TaxRateDto => ({ id: r.id, tax_code_id: r.tax_code_id, store_id: r.store_id, name: r.name, rate_ppm: r.rate_ppm });

export const toTaxCode = (r: Selectable<TaxCodeRow>, rates: Selectable<TaxRateRow>[]): TaxCodeDto => ({
  id: r.id,
  name: r.name,
  description: r.description,
  rates: rates.map(toTaxRate),
  version: r.version,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});

export const toSettings = (r: Selectable<SettingsRow> | undefined): SettingsDto => ({
  currency: r?.currency?.trim() ?? null,
  prices_include_tax: r?.prices_include_tax ?? false,
  version: r?.version ?? 0,
});

export const toPriceVersion = (r: Selectable<PriceVersionRow>): PriceVersionDto => ({
  id: r.id,
  variant_id: r.variant_id,
  store_id: r.store_id,
  price: money(r.amount, r.currency),
  valid_from: iso(r.valid_from),
  valid_to: r.valid_to ? iso(r.valid_to) : null,
});

export async function taxCodesWithRates(trx: Trx, rows: Selectable<TaxCodeRow>[]): Promise<TaxCodeDto[]> {
  if (rows.length === 0) return [];
  const rates = await t(trx)
    .selectFrom('catalog.tax_rates')
    .selectAll()
    .where('tax_code_id', 'in', rows.map((r) => r.id))
    .orderBy('store_id')
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map((r) => toTaxCode(r, rates.filter((x) => x.tax_code_id === r.id)));
}

type VariantJson = Omit<Selectable<VariantRow>, 'tenant_id' | 'sku_lc' | 'created_at' | 'updated_at'> & {
  created_at: string;
  updated_at: string;
  barcode_list: VariantDto['barcodes'];
  price_list: { store_id: string | null; amount: number; currency: string }[];
};

/** A variant row of alias `v` as JSON, with its barcodes and the prices in force (open price versions). */
const variantJson = sql<VariantJson>`json_build_object(
  'id', v.id, 'product_id', v.product_id, 'sku', v.sku, 'option_values', v.option_values, 'position', v.position,
  'cost_amount', v.cost_amount, 'cost_currency', v.cost_currency, 'track_serials', v.track_serials, 'status', v.status,
  'ever_sold', v.ever_sold, 'version', v.version, 'created_at', v.created_at, 'updated_at', v.updated_at,
  'barcode_list', coalesce((select json_agg(json_build_object('code', b.code, 'type', b.type) order by b.position)
    from catalog.barcodes b where b.tenant_id = v.tenant_id and b.variant_id = v.id), '[]'),
  'price_list', coalesce((select json_agg(json_build_object('store_id', p.store_id, 'amount', p.amount, 'currency', p.currency) order by p.store_id nulls first)
    from catalog.price_versions p where p.tenant_id = v.tenant_id and p.variant_id = v.id and p.valid_to is null), '[]'))`;

const toVariant = (r: VariantJson): VariantDto => {
  const base = r.price_list.find((p) => p.store_id === null);
  return {
    id: r.id,
    product_id: r.product_id,
    sku: r.sku,
    title: r.option_values.join(' / '),
    option_values: r.option_values,
    barcodes: r.barcode_list,
    price: base ? money(base.amount, base.currency) : null,
    store_prices: r.price_list.filter((p) => p.store_id !== null).map((p) => ({ store_id: p.store_id!, price: money(p.amount, p.currency) })),
    cost: r.cost_amount !== null && r.cost_currency !== null ? money(r.cost_amount, r.cost_currency) : null,
    track_serials: r.track_serials,
    status: r.status,
    ever_sold: r.ever_sold,
    position: r.position,
    version: r.version,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
};

/** Variants by id, in the order asked (missing ids are absent). */
export async function loadVariants(trx: Trx, ids: readonly string[]): Promise<VariantDto[]> {
  if (ids.length === 0) return [];
  const rows = await t(trx).selectFrom('catalog.variants as v').select(variantJson.as('j')).where('v.id', 'in', [...ids]).execute();
  const byId = new Map(rows.map((r) => [r.j.id, toVariant(r.j)]));
  return ids.map((id) => byId.get(id)).filter((v): v is VariantDto => v !== undefined);
}

/** The API shape of variant rows just written (read again with their barcodes and prices). */
export async function variantDtos(trx: Trx, rows: readonly { id: string }[]): Promise<VariantDto[]> {
  return loadVariants(trx, rows.map((r) => r.id));
}

export type ProductCore = Omit<ProductDto, 'variants'>;

export const productCore = (r: Selectable<ProductRow>, options: { name: string; values: string[] }[]): ProductCore => ({
  id: r.id,
  name: r.name,
  description: r.description,
  category_id: r.category_id,
  tax_code_id: r.tax_code_id,
  image_urls: r.image_urls,
  status: r.status,
  options: options.map((o) => ({ name: o.name, values: o.values })),
  version: r.version,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});

/** Products with options and (unless `withVariants` is false) variants, in the order asked: one query. */
export async function loadProducts(trx: Trx, ids: readonly string[], withVariants = true): Promise<ProductDto[]> {
  if (ids.length === 0) return [];
  const rows = await t(trx)
    .selectFrom('catalog.products as p')
    .selectAll('p')
    .select(
      sql<{ name: string; values: string[] }[]>`coalesce((select json_agg(json_build_object('name', o.name, 'values', o.values) order by o.position)
        from catalog.product_options o where o.tenant_id = p.tenant_id and o.product_id = p.id), '[]')`.as('option_list'),
    )
    .select(
      withVariants
        ? sql<VariantJson[]>`coalesce((select json_agg(${variantJson} order by v.position, v.id)
            from catalog.variants v where v.tenant_id = p.tenant_id and v.product_id = p.id), '[]')`.as('variant_list')
        : sql<VariantJson[]>`'[]'::json`.as('variant_list'),
    )
    .where('p.id', 'in', [...ids])
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ ...productCore(r, r.option_list), variants: r.variant_list.map(toVariant) }] : [];
  });
}

/** The API shape of product rows (read again with options and variants). */
export async function productDtos(trx: Trx, rows: readonly { id: string }[], withVariants = true): Promise<ProductDto[]> {
  return loadProducts(trx, rows.map((r) => r.id), withVariants);
}
