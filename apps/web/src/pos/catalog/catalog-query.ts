// Reads of the till's catalog cache: scan, search, category grid. All go through IndexedDB
// indexes (barcode keys, lower-cased SKU, lower-cased name words), so they stay fast with
// 100,000 variants cached.
import { barcodeLookupKeys, type TaxRate } from '@novapos/domain';
import type { CachedCategory, CachedVariant, CatalogDb, Money } from '../db/catalog-db';
import { nameWords, SETTINGS_KEY, type CatalogSettings } from './catalog-feed';

const sellable = (v: CachedVariant) => v.status === 'active';

/** The active variant a scanned code belongs to (UPC-A and EAN-13 forms of one GTIN match). */
export async function findByBarcode(db: CatalogDb, code: string): Promise<CachedVariant | null> {
  const keys = barcodeLookupKeys(code);
  const items = await db.items.where('barcode_keys').anyOf(keys).toArray();
  const hits = items.flatMap((i) => i.variants.filter((v) => v.barcode_keys.some((k) => keys.includes(k))));
  return hits.find(sellable) ?? hits[0] ?? null;
}

/** Whether every token is a prefix of some word of the variant's name. */
const nameMatches = (v: CachedVariant, tokens: readonly string[]) => {
  const words = nameWords(v.name);
  return tokens.every((t) => words.some((w) => w.startsWith(t)));
};

/**
 * Search as you type: a SKU prefix, or every word of the query a prefix of some word of the name
 * ("lin sh" finds "Linen Shirt"). SKU matches come first.
 */
export async function searchVariants(db: CatalogDb, query: string, limit = 40): Promise<CachedVariant[]> {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const skuMatch = (v: CachedVariant) => sellable(v) && v.sku_lc.startsWith(q);
  const skuItems = await db.items
    .where('sku_lc')
    .startsWith(q)
    .distinct()
    .filter((i) => i.variants.some(skuMatch))
    .limit(limit)
    .toArray();
  const bySku = skuItems
    .flatMap((i) => i.variants.filter(skuMatch))
    .toSorted((a, b) => (a.sku_lc < b.sku_lc ? -1 : a.sku_lc > b.sku_lc ? 1 : 0))
    .slice(0, limit);
  const tokens = nameWords(q);
  let byName: CachedVariant[] = [];
  if (tokens.length && bySku.length < limit) {
    // The longest token narrows the index range the most.
    const lead = tokens.reduce((a, b) => (b.length > a.length ? b : a));
    const seen = new Set(bySku.map((v) => v.id));
    const match = (v: CachedVariant) => sellable(v) && !seen.has(v.id) && nameMatches(v, tokens);
    const items = await db.items
      .where('words')
      .startsWith(lead)
      .distinct()
      .filter((i) => i.variants.some(match))
      .limit(limit - bySku.length)
      .toArray();
    byName = items
      .flatMap((i) => i.variants.filter(match))
      .toSorted((a, b) => a.name.localeCompare(b.name))
      .slice(0, limit - bySku.length);
  }
  return [...bySku, ...byName];
}

/** The category and every category under it. */
export function categoryAndDescendants(categories: readonly CachedCategory[], id: string): string[] {
  const out = [id];
  for (let i = 0; i < out.length; i++) for (const c of categories) if (c.parent_id === out[i]) out.push(c.id);
  return out;
}

export async function variantsInCategories(db: CatalogDb, categoryIds: string[], limit = 60): Promise<CachedVariant[]> {
  const items = await db.items
    .where('category_id')
    .anyOf(categoryIds)
    .filter((i) => i.variants.some(sellable))
    .limit(limit)
    .toArray();
  return items
    .flatMap((i) => i.variants.filter(sellable))
    .toSorted((a, b) => a.name.localeCompare(b.name) || a.position - b.position)
    .slice(0, limit);
}

/** The cached variants with these ids, archived ones included, by id. */
export async function variantsById(db: CatalogDb, ids: readonly string[]): Promise<Map<string, CachedVariant>> {
  const wanted = new Set(ids);
  const out = new Map<string, CachedVariant>();
  if (!wanted.size) return out;
  const items = await db.items.where('variant_ids').anyOf([...wanted]).distinct().toArray();
  for (const i of items) for (const v of i.variants) if (wanted.has(v.id)) out.set(v.id, v);
  return out;
}

/** The sellable variants with these ids, in the order asked. */
export async function variantsByIds(db: CatalogDb, ids: readonly string[]): Promise<CachedVariant[]> {
  const found = await variantsById(db, ids);
  return ids.map((id) => found.get(id)).filter((v): v is CachedVariant => !!v && sellable(v));
}

/** How many variants the cache holds (one entry each in the variant id index). */
export function countVariants(db: CatalogDb): Promise<number> {
  return db.items.orderBy('variant_ids').count();
}

export async function readCatalogSettings(db: CatalogDb): Promise<CatalogSettings | null> {
  return ((await db.meta.get(SETTINGS_KEY))?.value as CatalogSettings | undefined) ?? null;
}

/** The price in one store: its override when there is one, else the base price. */
export function priceIn(v: CachedVariant, storeId: string): Money | null {
  return v.store_prices.find((p) => p.store_id === storeId)?.price ?? v.price;
}

/** The rates of the variant's tax code in one store (empty: not taxed there). */
export async function ratesIn(db: CatalogDb, v: CachedVariant, storeId: string): Promise<TaxRate[]> {
  if (!v.tax_code_id) return [];
  const code = await db.taxCodes.get(v.tax_code_id);
  return (code?.rates ?? []).filter((r) => r.store_id === storeId).map((r) => ({ id: r.id, name: r.name, rate_ppm: r.rate_ppm }));
}
