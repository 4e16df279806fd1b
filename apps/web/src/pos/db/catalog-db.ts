// The till's copy of the catalog, kept fresh from GET /catalog/changes. It can always be rebuilt
// from the server, so it lives in its own database with the browser's default (relaxed)
// durability; the sale queue, which cannot be rebuilt, lives in till-db.ts.
import Dexie, { type Table } from 'dexie';

export type Money = { amount: number; currency: string };
export type ItemStatus = 'active' | 'archived';

export interface CachedProduct {
  id: string;
  name: string;
  category_id: string | null;
  tax_code_id: string | null;
  status: ItemStatus;
}

/**
 * One product with its variants: the unit the cache stores. IndexedDB's cost is per record more
 * than per byte (a record with four variants writes about as fast as one variant alone), so a
 * first download of 100,000 variants writes a quarter of the records it would one per variant.
 * The index fields are the union over the variants; readers pick the variants that match.
 */
export interface CachedItem extends CachedProduct {
  variants: CachedVariant[];
  variant_ids: string[];
  sku_lc: string[];
  words: string[];
  barcode_keys: string[];
}

/** A variant with what the till needs from its product folded in, so a scan is one lookup. */
export interface CachedVariant {
  id: string;
  product_id: string;
  sku: string;
  /** lower-cased SKU: the prefix index */
  sku_lc: string;
  /** option values: "M / Blue" */
  title: string;
  /** "Linen shirt / M / Blue" */
  name: string;
  barcodes: string[];
  /** barcodeLookupKeys form (gtin:… / int:…), so UPC-A and EAN-13 of one GTIN meet */
  barcode_keys: string[];
  category_id: string | null;
  tax_code_id: string | null;
  price: Money | null;
  store_prices: { store_id: string; price: Money }[];
  /** the variant's own status */
  own_status: ItemStatus;
  /** archived when the variant or its product is */
  status: ItemStatus;
  position: number;
}

export interface CachedCategory {
  id: string;
  parent_id: string | null;
  name: string;
  position: number;
}

export interface CachedTaxCode {
  id: string;
  name: string;
  rates: { id: string; store_id: string; name: string; rate_ppm: number }[];
}

export interface CatalogMeta {
  key: string;
  value: unknown;
}

export class CatalogDb extends Dexie {
  items!: Table<CachedItem, string>;
  categories!: Table<CachedCategory, string>;
  taxCodes!: Table<CachedTaxCode, string>;
  meta!: Table<CatalogMeta, string>;

  constructor(name = 'novapos-catalog') {
    super(name);
    this.version(1).stores({
      variants: 'id, sku_lc, *words, *barcode_keys, category_id, product_id',
      products: 'id',
      categories: 'id',
      taxCodes: 'id',
      meta: 'key',
    });
    // Variants grouped by product: the old stores go, and the cursor with them, so the next pull
    // downloads the catalog into the new shape from the start.
    this.version(2)
      .stores({ variants: null, products: null, items: 'id, *variant_ids, *sku_lc, *words, *barcode_keys, category_id' })
      .upgrade((tx) => tx.table('meta').clear());
  }
}

let shared: CatalogDb | null = null;
export function catalogDb(): CatalogDb {
  shared ??= new CatalogDb();
  return shared;
}

/** Empties the cache (on unpair): the next pairing downloads its catalog from the start. */
export async function clearCatalog(db: CatalogDb = catalogDb()): Promise<void> {
  await db.transaction('rw', [db.items, db.categories, db.taxCodes, db.meta], async () => {
    await Promise.all([db.items.clear(), db.categories.clear(), db.taxCodes.clear(), db.meta.clear()]);
  });
}
