// The till's catalog cache against a model: random feeds of product and variant changes (names,
// archive and restore, prices, barcodes, deletes, a variant before its product), served in random
// page sizes and in two pulls, must leave exactly the variants the model says, each as the model
// derives it, findable by barcode and SKU.
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gtinCheckDigit } from '@novapos/domain';
import { CatalogDb } from '../src/pos/db/catalog-db.ts';
import { pullCatalog, variantName, type FeedChange, type FeedPage } from '../src/pos/catalog/catalog-feed.ts';
import { countVariants, findByBarcode, searchVariants, variantsById } from '../src/pos/catalog/catalog-query.ts';

const PRODUCTS = ['p0', 'p1', 'p2'];
const VARIANTS = Array.from({ length: 8 }, (_, i) => ({ id: `v${i}`, product: PRODUCTS[i % PRODUCTS.length]!, barcode: ean(i), sku: `SKU-${i}` }));
function ean(i: number): string {
  const body = `20${String(i).padStart(10, '0')}`;
  return `${body}${gtinCheckDigit(body)}`;
}

type Cmd =
  | { kind: 'product'; p: number; name: string; status: 'active' | 'archived'; category: string | null }
  | { kind: 'variant'; v: number; title: string; price: number; status: 'active' | 'archived'; barcode: boolean }
  | { kind: 'delete'; v: number };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ kind: fc.constant('product' as const), p: fc.nat(PRODUCTS.length - 1), name: fc.constantFrom('Linen Shirt', 'Canvas Tote', 'Wool Hat', ''), status: fc.constantFrom('active' as const, 'archived' as const), category: fc.constantFrom('c1', 'c2', null) }),
  fc.record({ kind: fc.constant('variant' as const), v: fc.nat(VARIANTS.length - 1), title: fc.constantFrom('M / Navy', 'L', ''), price: fc.integer({ min: 1, max: 9999 }), status: fc.constantFrom('active' as const, 'archived' as const), barcode: fc.boolean() }),
  fc.record({ kind: fc.constant('delete' as const), v: fc.nat(VARIANTS.length - 1) }),
);

let dbn = 0;

describe('the till catalog cache against a model', () => {
  it('ends where the model ends, whatever the page sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 40 }), async (cmds, size, cut) => {
        let seq = 0;
        const changes: FeedChange[] = [];
        const products = new Map<string, { name: string; status: string; category: string | null }>();
        const variants = new Map<string, { title: string; price: number; status: string; barcode: boolean }>();
        for (const c of cmds) {
          const at = new Date().toISOString();
          if (c.kind === 'product') {
            const id = PRODUCTS[c.p]!;
            products.set(id, { name: c.name, status: c.status, category: c.category });
            changes.push({ seq: ++seq, entity: 'product', id, action: 'updated', op: 'upsert', data: { id, name: c.name, category_id: c.category, tax_code_id: null, status: c.status }, changed_at: at });
          } else if (c.kind === 'variant') {
            const v = VARIANTS[c.v]!;
            variants.set(v.id, { title: c.title, price: c.price, status: c.status, barcode: c.barcode });
            const data = { id: v.id, product_id: v.product, sku: v.sku, title: c.title, barcodes: c.barcode ? [{ code: v.barcode, type: 'ean13' }] : [], price: { amount: c.price, currency: 'USD' }, store_prices: [], status: c.status, position: c.v };
            changes.push({ seq: ++seq, entity: 'variant', id: v.id, action: 'updated', op: 'upsert', data, changed_at: at });
          } else {
            const v = VARIANTS[c.v]!;
            variants.delete(v.id);
            changes.push({ seq: ++seq, entity: 'variant', id: v.id, action: 'deleted', op: 'delete', data: null, changed_at: at });
          }
        }
        const db = new CatalogDb(`catalog-model-${++dbn}`);
        await db.open();
        try {
          const fetchPage = (upTo: number) => async (cursor: string | undefined): Promise<FeedPage> => {
            const from = cursor ? Number(cursor) : 0;
            const data = changes.slice(from, Math.min(from + size, upTo));
            return { data, next_cursor: String(from + data.length), has_more: from + data.length < upTo };
          };
          // two pulls: what was there at first, then the rest (a till that synced, then caught up)
          const first = Math.min(cut, changes.length);
          if (first > 0) await pullCatalog(db, fetchPage(first));
          await pullCatalog(db, fetchPage(changes.length));

          expect(await countVariants(db)).toBe(variants.size);
          const cached = await variantsById(db, VARIANTS.map((v) => v.id));
          for (const v of VARIANTS) {
            const m = variants.get(v.id);
            const got = cached.get(v.id);
            if (!m) {
              expect(got).toBeUndefined();
              expect(await findByBarcode(db, v.barcode)).toBeNull();
              continue;
            }
            const p = products.get(v.product);
            const status = m.status === 'archived' || p?.status === 'archived' ? 'archived' : 'active';
            expect(got).toMatchObject({
              name: variantName(p?.name ?? '', m.title, v.sku),
              category_id: p?.category ?? null,
              price: { amount: m.price, currency: 'USD' },
              status,
            });
            const scanned = await findByBarcode(db, v.barcode);
            expect(scanned?.id ?? null).toBe(m.barcode ? v.id : null);
            const bySku = (await searchVariants(db, v.sku.toLowerCase())).map((x) => x.id);
            expect(bySku.includes(v.id)).toBe(status === 'active');
          }
        } finally {
          db.close();
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  });
});
