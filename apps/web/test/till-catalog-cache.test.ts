import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gtinCheckDigit } from '@novapos/domain';
import { CatalogDb } from '../src/pos/db/catalog-db.ts';
import { CURSOR_KEY, pullCatalog, type FeedChange, type FeedPage } from '../src/pos/catalog/catalog-feed.ts';
import { countVariants, findByBarcode, priceIn, ratesIn, searchVariants, variantsById } from '../src/pos/catalog/catalog-query.ts';

const variant1 = async (db: CatalogDb, id: string) => (await variantsById(db, [id])).get(id);

const usd = (amount: number) => ({ amount, currency: 'USD' });
const STORE = 's1';
const upcBody = '03600029145';
const UPC = `${upcBody}${gtinCheckDigit(upcBody)}`; // 12 digits

let seq = 0;
const change = (entity: FeedChange['entity'], id: string, data: Record<string, unknown> | null): FeedChange => ({
  seq: ++seq, entity, id, action: data ? 'updated' : 'deleted', op: data ? 'upsert' : 'delete', data, changed_at: new Date().toISOString(),
});
const product = (id: string, name: string, extra: Record<string, unknown> = {}) => change('product', id, { id, name, category_id: 'c1', tax_code_id: 't1', status: 'active', ...extra });
const variant = (id: string, productId: string, sku: string, title: string, extra: Record<string, unknown> = {}) =>
  change('variant', id, { id, product_id: productId, sku, title, barcodes: [], price: usd(2500), store_prices: [], status: 'active', position: 0, ...extra });

/** Serves the changes in pages of `size`, with cursors that are the index reached. */
function feed(changes: FeedChange[], size = 2) {
  const asked: (string | undefined)[] = [];
  return {
    asked,
    fetchPage: async (cursor: string | undefined): Promise<FeedPage> => {
      asked.push(cursor);
      const from = cursor ? Number(cursor) : 0;
      const data = changes.slice(from, from + size);
      return { data, next_cursor: String(from + data.length), has_more: from + size < changes.length };
    },
  };
}

let db: CatalogDb;
let n = 0;
beforeEach(async () => {
  db = new CatalogDb(`catalog-test-${++n}`);
  await db.open();
});
afterEach(() => db.close());

describe('the till catalog cache', () => {
  const base = () => [
    change('tax_code', 't1', { id: 't1', name: 'Sales tax', rates: [{ id: 'r1', store_id: STORE, name: 'State', rate_ppm: 40_000 }, { id: 'r2', store_id: 's2', name: 'Other', rate_ppm: 70_000 }] }),
    product('p1', 'Linen Shirt'),
    variant('v1', 'p1', 'AP-LIN-M', 'M / Navy', { barcodes: [{ code: UPC, type: 'upca' }], store_prices: [{ store_id: STORE, price: usd(2700) }] }),
    variant('v2', 'p1', 'AP-LIN-L', 'L / Navy'),
    product('p2', 'Canvas Tote'),
    variant('v3', 'p2', 'BG-TOTE', ''),
  ];

  it('downloads the feed page by page and resumes from the stored cursor', async () => {
    const changes = base();
    const f = feed(changes);
    expect(await pullCatalog(db, f.fetchPage)).toEqual({ pages: 3, changes: 6 });
    expect(f.asked).toEqual([undefined, '2', '4']);
    expect(await countVariants(db)).toBe(3);
    expect((await db.meta.get(CURSOR_KEY))!.value).toBe('6');

    changes.push(product('p2', 'Canvas Market Tote'));
    const again = feed(changes);
    await pullCatalog(db, again.fetchPage);
    expect(again.asked).toEqual(['6']);
    expect((await variant1(db, 'v3'))!.name).toBe('Canvas Market Tote');
  });

  it('finds a variant by SKU prefix and by name word prefixes, case-insensitively', async () => {
    await pullCatalog(db, feed(base(), 100).fetchPage);
    expect((await searchVariants(db, 'ap-lin')).map((v) => v.id)).toEqual(['v2', 'v1']);
    expect((await searchVariants(db, 'lin sh')).map((v) => v.name)).toEqual(['Linen Shirt / L / Navy', 'Linen Shirt / M / Navy']);
    expect((await searchVariants(db, 'tote')).map((v) => v.id)).toEqual(['v3']);
    expect(await searchVariants(db, 'shirt tote')).toEqual([]);
  });

  it('matches the UPC-A and EAN-13 forms of one GTIN to the same variant', async () => {
    await pullCatalog(db, feed(base(), 100).fetchPage);
    expect((await findByBarcode(db, UPC))?.id).toBe('v1');
    expect((await findByBarcode(db, `0${UPC}`))?.id).toBe('v1');
    expect(await findByBarcode(db, '4006381333931')).toBeNull();
  });

  it('prices a variant per store and keeps only that store’s tax rates', async () => {
    await pullCatalog(db, feed(base(), 100).fetchPage);
    const v1 = (await variant1(db, 'v1'))!;
    expect(priceIn(v1, STORE)).toEqual(usd(2700));
    expect(priceIn(v1, 's2')).toEqual(usd(2500));
    expect(await ratesIn(db, v1, STORE)).toEqual([{ id: 'r1', name: 'State', rate_ppm: 40_000 }]);
  });

  it('hides archived and deleted variants and those of an archived product', async () => {
    const changes = [...base(), variant('v2', 'p1', 'AP-LIN-L', 'L / Navy', { status: 'archived' }), change('variant', 'v3', null)];
    await pullCatalog(db, feed(changes, 100).fetchPage);
    expect((await searchVariants(db, 'linen')).map((v) => v.id)).toEqual(['v1']);
    expect(await variant1(db, 'v3')).toBeUndefined();
    await pullCatalog(db, feed([...changes, product('p1', 'Linen Shirt', { status: 'archived' })], 100).fetchPage);
    expect(await searchVariants(db, 'linen')).toEqual([]);
  });

  it('matches a search word against each variant’s own options, not its siblings’', async () => {
    const changes = [...base(), variant('v4', 'p1', 'AP-LIN-M-RED', 'M / Red')];
    await pullCatalog(db, feed(changes, 100).fetchPage);
    expect((await searchVariants(db, 'linen red')).map((v) => v.id)).toEqual(['v4']);
    expect((await searchVariants(db, 'shirt m')).map((v) => v.id).toSorted()).toEqual(['v1', 'v4']);
    expect((await searchVariants(db, 'red')).map((v) => v.id)).toEqual(['v4']);
  });

  it('keeps a variant that arrives before its product, and names it once the product does', async () => {
    const f = feed([variant('v9', 'p9', 'LATE-1', 'One size'), product('p9', 'Late Product')], 1);
    await pullCatalog(db, f.fetchPage);
    const v = (await variant1(db, 'v9'))!;
    expect(v.name).toBe('Late Product / One size');
    expect(v.category_id).toBe('c1');
    expect((await searchVariants(db, 'late')).map((x) => x.id)).toEqual(['v9']);
  });

  it('removes one deleted variant and leaves its siblings; a deleted product takes its variants with it', async () => {
    await pullCatalog(db, feed([...base(), change('variant', 'v1', null)], 100).fetchPage);
    expect(await countVariants(db)).toBe(2);
    expect(await findByBarcode(db, UPC)).toBeNull();
    expect((await variant1(db, 'v2'))?.name).toBe('Linen Shirt / L / Navy');
    await pullCatalog(db, feed([...base(), change('variant', 'v1', null), change('product', 'p1', null)], 100).fetchPage);
    expect(await countVariants(db)).toBe(1);
    expect(await variant1(db, 'v2')).toBeUndefined();
  });

  it('keeps a product whose last variant was deleted, so a variant added to it later is named and filed', async () => {
    await pullCatalog(db, feed([product('p7', 'Wool Hat'), variant('v70', 'p7', 'HAT-1', 'Grey'), change('variant', 'v70', null), variant('v71', 'p7', 'HAT-2', 'Navy')], 1).fetchPage);
    expect(await variant1(db, 'v70')).toBeUndefined();
    expect(await variant1(db, 'v71')).toMatchObject({ name: 'Wool Hat / Navy', category_id: 'c1', tax_code_id: 't1' });
  });

  it('a cache from before products held their variants is emptied on upgrade, so the next pull downloads it again', async () => {
    const name = `catalog-v1-${++n}`;
    const old = new Dexie(name);
    old.version(1).stores({ variants: 'id, sku_lc, *words, *barcode_keys, category_id, product_id', products: 'id', categories: 'id', taxCodes: 'id', meta: 'key' });
    await old.open();
    await old.table('variants').put({ id: 'v1', product_id: 'p1', sku: 'OLD', sku_lc: 'old', words: ['old'], barcode_keys: [] });
    await old.table('meta').put({ key: CURSOR_KEY, value: '99' });
    old.close();

    const upgraded = new CatalogDb(name);
    await upgraded.open();
    expect(await countVariants(upgraded)).toBe(0);
    expect(await upgraded.meta.get(CURSOR_KEY)).toBeUndefined();
    const f = feed(base(), 100);
    await pullCatalog(upgraded, f.fetchPage);
    expect(f.asked).toEqual([undefined]);
    expect(await countVariants(upgraded)).toBe(3);
    upgraded.close();
  });
});
