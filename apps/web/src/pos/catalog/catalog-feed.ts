// Applies GET /catalog/changes to the till's catalog cache. The feed is ordered so that applying
// it in order ends in the server's current state (modules/catalog/src/catalog.changes.ts); one
// page is applied in one transaction together with the cursor it ends at, so a reload or a crash
// resumes exactly where the cache is.
import { barcodeLookupKeys, checkBarcode, type BarcodeType } from '@novapos/domain';
import type { CatalogDb, CachedCategory, CachedItem, CachedProduct, CachedTaxCode, CachedVariant, ItemStatus, Money } from '../db/catalog-db';

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

type VariantCore = Omit<CachedVariant, 'name' | 'category_id' | 'tax_code_id' | 'status'>;

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

/** "Linen Shirt / M / Navy": the product's name and the variant's options. */
export function variantName(productName: string, title: string, sku: string): string {
  return title ? (productName ? `${productName} / ${title}` : title) : productName || sku;
}

function derive(core: VariantCore, product: CachedProduct): CachedVariant {
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
    name: variantName(product.name, core.title, core.sku),
    category_id: product.category_id,
    tax_code_id: product.tax_code_id,
    status: core.own_status === 'archived' || product.status === 'archived' ? 'archived' : 'active',
  };
}

/** A product and its variants as one record, with the union index fields. */
function toItem(product: CachedProduct, cores: Iterable<VariantCore>): CachedItem {
  const variants = [...cores].map((c) => derive(c, product)).toSorted((a, b) => a.position - b.position || a.sku.localeCompare(b.sku));
  const words = new Set(nameWords(product.name));
  for (const v of variants) for (const w of nameWords(v.title || (product.name ? '' : v.sku))) words.add(w);
  return {
    id: product.id,
    name: product.name,
    category_id: product.category_id,
    tax_code_id: product.tax_code_id,
    status: product.status,
    variants,
    variant_ids: variants.map((v) => v.id),
    sku_lc: [...new Set(variants.map((v) => v.sku_lc))],
    words: [...words],
    barcode_keys: [...new Set(variants.flatMap((v) => v.barcode_keys))],
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

  await db.transaction('rw', [db.items, db.categories, db.taxCodes, db.meta], async () => {
    // Every product this page touches: its own change, a variant's upsert (which names its
    // product) or a variant's delete (found through the index of variant ids).
    const variantUpserts = new Map<string, VariantCore[]>();
    const variantDeletes: string[] = [];
    for (const [id, c] of last.variant) {
      if (c.op === 'delete' || !c.data) variantDeletes.push(id);
      else {
        const core = toVariantCore(c.data);
        const list = variantUpserts.get(core.product_id);
        if (list) list.push(core);
        else variantUpserts.set(core.product_id, [core]);
      }
    }
    const touched = new Set<string>([...last.product.keys(), ...variantUpserts.keys()]);
    const holders = variantDeletes.length ? await db.items.where('variant_ids').anyOf(variantDeletes).toArray() : [];
    const items = new Map<string, CachedItem | undefined>(holders.map((h) => [h.id, h]));
    for (const h of holders) touched.add(h.id);
    const unread = [...touched].filter((id) => !items.has(id));
    const stored = unread.length ? await db.items.bulkGet(unread) : [];
    unread.forEach((id, i) => items.set(id, stored[i]));

    const gone = new Set(variantDeletes);
    const puts: CachedItem[] = [];
    const removed: string[] = [];
    for (const id of touched) {
      const before = items.get(id);
      const change = last.product.get(id);
      if (change && (change.op === 'delete' || !change.data)) {
        if (before) removed.push(id);
        continue;
      }
      // A variant may arrive before its product has (a product first seen through its variant):
      // it is kept under a nameless product until the product's own change fills it in.
      const product = change?.data ? toProduct(change.data) : (before ?? { id, name: '', category_id: null, tax_code_id: null, status: 'active' as const });
      const cores = new Map<string, VariantCore>();
      for (const v of before?.variants ?? []) if (!gone.has(v.id)) cores.set(v.id, v);
      for (const v of variantUpserts.get(id) ?? []) cores.set(v.id, v);
      // kept with no variants left: the product's name, category and status are still what a
      // variant added to it later needs (a property test found a later variant left nameless)
      puts.push(toItem(product, cores.values()));
    }
    await db.items.bulkPut(puts);
    await db.items.bulkDelete(removed);

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
export async function pullCatalog(
  db: CatalogDb,
  fetchPage: (cursor: string | undefined) => Promise<FeedPage>,
  maxPages = 10_000,
  onPage?: (progress: PullResult & { variants: number }) => void,
): Promise<PullResult> {
  let pages = 0;
  let changes = 0;
  let variants = 0;
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
      variants += page.data.filter((c) => c.entity === 'variant' && c.op === 'upsert').length;
      onPage?.({ pages, changes, variants });
      if (!page.has_more) break;
    }
  } finally {
    // a prefetch nobody will read must not surface as an unhandled rejection
    next?.catch(() => undefined);
  }
  await db.meta.put({ key: SYNCED_AT_KEY, value: new Date().toISOString() });
  return { pages, changes };
}
