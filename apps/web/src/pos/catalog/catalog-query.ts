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
  const hits = await db.variants.where('barcode_keys').anyOf(keys).toArray();
  return hits.find(sellable) ?? hits[0] ?? null;
}

/**
 * Search as you type: a SKU prefix, or every word of the query a prefix of some word of the name
 * ("lin sh" finds "Linen Shirt"). SKU matches come first.
 */
export async function searchVariants(db: CatalogDb, query: string, limit = 40): Promise<CachedVariant[]> {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const bySku = await db.variants.where('sku_lc').startsWith(q).filter(sellable).limit(limit).toArray();
  const tokens = nameWords(q);
  let byName: CachedVariant[] = [];
  if (tokens.length) {
    // The longest token narrows the index range the most.
    const lead = tokens.reduce((a, b) => (b.length > a.length ? b : a));
    const rest = tokens.filter((t) => t !== lead);
    const seen = new Set(bySku.map((v) => v.id));
    byName = await db.variants
      .where('words')
      .startsWith(lead)
      .distinct()
      .filter((v) => sellable(v) && !seen.has(v.id) && rest.every((t) => v.words.some((w) => w.startsWith(t))))
      .limit(limit - bySku.length)
      .toArray();
    byName = byName.toSorted((a, b) => a.name.localeCompare(b.name));
  }
  return [...bySku, ...byName].slice(0, limit);
}

/** The category and every category under it. */
export function categoryAndDescendants(categories: readonly CachedCategory[], id: string): string[] {
  const out = [id];
  for (let i = 0; i < out.length; i++) for (const c of categories) if (c.parent_id === out[i]) out.push(c.id);
  return out;
}

export async function variantsInCategories(db: CatalogDb, categoryIds: string[], limit = 60): Promise<CachedVariant[]> {
  const list = await db.variants.where('category_id').anyOf(categoryIds).filter(sellable).limit(limit).toArray();
  return list.toSorted((a, b) => a.name.localeCompare(b.name) || a.position - b.position);
}

export async function variantsByIds(db: CatalogDb, ids: readonly string[]): Promise<CachedVariant[]> {
  const found = await db.variants.bulkGet([...ids]);
  return found.filter((v): v is CachedVariant => !!v && sellable(v));
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
