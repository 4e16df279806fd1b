// Applies GET /catalog/changes to the till's catalog cache. The feed is ordered so that applying
// it in order ends in the server's current state (modules/catalog/src/catalog.changes.ts); one
// page is applied in one transaction together with the cursor it ends at, so a reload or a crash
// resumes exactly where the cache is.
import { barcodeLookupKeys, checkBarcode, type BarcodeType } from '@novapos/domain';
import type { CatalogDb, CachedCategory, CachedProduct, CachedTaxCode, CachedVariant, ItemStatus, Money } from '../db/catalog-db';

export type FeedChange = {
  seq: number;
  entity: 'product' | 'variant' | 'category' | 'tax_code' | 'settings';
  id: string;
  action: string;
  op: 'upsert' | 'delete';
  data: Record<string, unknown> | null;
  changed_at: string;
};
export type FeedPage = { data: FeedChange[]; next_cursor: string; has_more: boolean };

export type CatalogSettings = { currency: string | null; prices_include_tax: boolean };

export const CURSOR_KEY = 'cursor';
export const SETTINGS_KEY = 'settings';
export const SYNCED_AT_KEY = 'synced_at';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const status = (v: unknown): ItemStatus => (v === 'archived' ? 'archived' : 'active');

/** Lower-cased words of a name, for prefix search ("Linen Shirt / M" → linen, shirt, m). */
export function nameWords(name: string): string[] {
  return [...new Set(name.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean))];
}

/**
 * One index key per barcode: its GTIN key when it is a valid GTIN, else its internal key. A scan is
 * looked up by every key barcodeLookupKeys gives it (internal and GTIN forms), so it still finds
 * either, with half the index entries to write on a first download.
 */
function barcodeKeys(barcodes: { code: string; type?: string }[]): string[] {
  const keys = new Set<string>();
  for (const b of barcodes) {
    const checked = checkBarcode(b.code, b.type as BarcodeType | undefined);
    keys.add(checked.ok ? checked.key : barcodeLookupKeys(b.code)[0]!);
  }
  return [...keys];
}

function toProduct(d: Record<string, unknown>): CachedProduct {
  return { id: String(d.id), name: String(d.name ?? ''), category_id: str(d.category_id), tax_code_id: str(d.tax_code_id), status: status(d.status) };
}

type VariantCore = Omit<CachedVariant, 'name' | 'words' | 'category_id' | 'tax_code_id' | 'status'>;

function toVariantCore(d: Record<string, unknown>): VariantCore {
  const barcodes = Array.isArray(d.barcodes) ? (d.barcodes as { code: string; type?: string }[]) : [];
  const sku = String(d.sku ?? '');
  return {
    id: String(d.id),
    product_id: String(d.product_id),
    sku,
    sku_lc: sku.toLowerCase(),
    title: String(d.title ?? ''),
    barcodes: barcodes.map((b) => b.code),
    barcode_keys: barcodeKeys(barcodes),
    price: (d.price as Money | null) ?? null,
    store_prices: Array.isArray(d.store_prices) ? (d.store_prices as CachedVariant['store_prices']) : [],
    own_status: status(d.status),
    position: typeof d.position === 'number' ? d.position : 0,
  };
}

function derive(core: VariantCore, product: CachedProduct | undefined): CachedVariant {
  const productName = product?.name ?? '';
  const name = core.title ? (productName ? `${productName} / ${core.title}` : core.title) : productName || core.sku;
  return {
    id: core.id,
    product_id: core.product_id,
    sku: core.sku,
    sku_lc: core.sku_lc,
    title: core.title,
    barcodes: core.barcodes,
    barcode_keys: core.barcode_keys,
    price: core.price,
    store_prices: core.store_prices,
    own_status: core.own_status,
    position: core.position,
    name,
    words: nameWords(name),
    category_id: product?.category_id ?? null,
    tax_code_id: product?.tax_code_id ?? null,
    status: core.own_status === 'archived' || product?.status === 'archived' ? 'archived' : 'active',
  };
}

/** Applies one page and stores the cursor after it, all or nothing. */
export async function applyPage(db: CatalogDb, page: FeedPage): Promise<void> {
  // Last change per entity wins; deletes are kept as null.
  const last = { product: new Map<string, FeedChange>(), variant: new Map<string, FeedChange>(), category: new Map<string, FeedChange>(), tax_code: new Map<string, FeedChange>() };
  let settings: FeedChange | null = null;
  for (const c of page.data) {
    if (c.entity === 'settings') settings = c;
    else last[c.entity].set(c.id, c);
  }

  await db.transaction('rw', [db.variants, db.products, db.categories, db.taxCodes, db.meta], async () => {
    const products = new Map<string, CachedProduct | null>();
    for (const [id, c] of last.product) products.set(id, c.op === 'delete' || !c.data ? null : toProduct(c.data));
    const goneProducts = [...products].filter(([, p]) => p === null).map(([id]) => id);
    await db.products.bulkPut([...products.values()].filter((p): p is CachedProduct => p !== null));
    await db.products.bulkDelete(goneProducts);

    const variantDeletes: string[] = [];
    const cores: VariantCore[] = [];
    for (const [id, c] of last.variant) {
      if (c.op === 'delete' || !c.data) variantDeletes.push(id);
      else cores.push(toVariantCore(c.data));
    }
    // Variants of a product that changed in this page but did not change themselves take the
    // product's new name, category, tax code and status.
    const inPage = new Set(last.variant.keys());
    const changedProducts = [...products.keys()];
    if (changedProducts.length) {
      const siblings = await db.variants.where('product_id').anyOf(changedProducts).toArray();
      for (const v of siblings) {
        if (inPage.has(v.id)) continue;
        if (products.get(v.product_id) === null) variantDeletes.push(v.id);
        else cores.push(v);
      }
    }
    const needed = [...new Set(cores.map((c) => c.product_id))].filter((id) => !products.has(id));
    const stored = await db.products.bulkGet(needed);
    needed.forEach((id, i) => products.set(id, stored[i] ?? null));
    await db.variants.bulkPut(cores.map((c) => derive(c, products.get(c.product_id) ?? undefined)));
    await db.variants.bulkDelete(variantDeletes);

    const cats = [...last.category.values()];
    await db.categories.bulkPut(cats.filter((c) => c.op === 'upsert' && c.data).map((c) => c.data as unknown as CachedCategory));
    await db.categories.bulkDelete(cats.filter((c) => c.op === 'delete').map((c) => c.id));

    const taxes = [...last.tax_code.values()];
    await db.taxCodes.bulkPut(
      taxes
        .filter((c) => c.op === 'upsert' && c.data)
        .map((c) => ({ id: c.id, name: String(c.data!.name ?? ''), rates: (c.data!.rates as CachedTaxCode['rates']) ?? [] })),
    );
    await db.taxCodes.bulkDelete(taxes.filter((c) => c.op === 'delete').map((c) => c.id));

    if (settings?.data) {
      await db.meta.put({ key: SETTINGS_KEY, value: { currency: str(settings.data.currency), prices_include_tax: settings.data.prices_include_tax === true } satisfies CatalogSettings });
    }
    await db.meta.put({ key: CURSOR_KEY, value: page.next_cursor });
  });
}

export type PullResult = { pages: number; changes: number };

/**
 * Pulls pages from the stored cursor until the feed says it is caught up. A failure leaves the
 * cache at the last page applied; the next pull resumes there.
 */
export async function pullCatalog(db: CatalogDb, fetchPage: (cursor: string | undefined) => Promise<FeedPage>, maxPages = 10_000): Promise<PullResult> {
  let pages = 0;
  let changes = 0;
  // The next page is fetched while this one is written: the network and IndexedDB overlap. Each
  // page still commits with its own cursor, in order, so a failure resumes where the cache is.
  let next: Promise<FeedPage> | null = fetchPage((await db.meta.get(CURSOR_KEY))?.value as string | undefined);
  try {
    for (; pages < maxPages; ) {
      const page: FeedPage = await next!;
      next = page.has_more && pages + 1 < maxPages ? fetchPage(page.next_cursor) : null;
      await applyPage(db, page);
      pages++;
      changes += page.data.length;
      if (!page.has_more) break;
    }
  } finally {
    // a prefetch nobody will read must not surface as an unhandled rejection
    next?.catch(() => undefined);
  }
  await db.meta.put({ key: SYNCED_AT_KEY, value: new Date().toISOString() });
  return { pages, changes };
}
