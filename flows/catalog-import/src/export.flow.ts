import { stringify } from 'csv-stringify/sync';
import { MAX_OPTIONS, type CatalogModule, type ProductDto } from '@novapos/catalog';
import type { InventoryApi } from '@novapos/inventory';
import type { Ctx } from '@novapos/platform';
import { formatExtraBarcode, formatMoney, headerFor, slug } from './csv-format.ts';

export interface ExportDeps {
  catalog: Pick<CatalogModule['operations'], 'listProducts' | 'listCategories' | 'listTaxCodes' | 'getSettings'>;
  inventory: Pick<InventoryApi, 'levels'>;
  stores(ctx: Ctx): Promise<{ id: string; name: string }[]>;
  currency(ctx: Ctx): Promise<string>;
}

const PAGE = 200;

/**
 * Writes every product and variant as the catalog CSV (the format the import reads: importing the
 * file into another business with the same stores and tax codes gives the same catalog), a page of
 * products at a time, with stock per store from inventory. Run it in one repeatable-read
 * transaction for a consistent file. `write` must wait while the reader is slow (backpressure).
 */
export async function writeExport(ctx: Ctx, deps: ExportDeps, write: (text: string) => Promise<void>): Promise<{ rows: number }> {
  const stores = await deps.stores(ctx);
  const currency = (await deps.catalog.getSettings(ctx)).currency ?? (await deps.currency(ctx));
  const categories = (await deps.catalog.listCategories(ctx)).data;
  const byId = new Map(categories.map((c) => [c.id, c]));
  const pathOf = (id: string | null): string => {
    const names: string[] = [];
    for (let c = id ? byId.get(id) : undefined; c; c = c.parent_id ? byId.get(c.parent_id) : undefined) names.unshift(c.name);
    return names.join(' > ');
  };
  const taxCodes = new Map((await deps.catalog.listTaxCodes(ctx)).data.map((c) => [c.id, c.name]));
  const handles = new Set<string>();
  const handleOf = (p: ProductDto): string => {
    const base = slug(p.name);
    let h = base;
    for (let n = 2; handles.has(h); n++) h = `${base}-${n}`;
    handles.add(h);
    return h;
  };
  const csv = (rows: string[][]) => stringify(rows, { record_delimiter: 'windows' });
  const money = (m: { amount: number } | null | undefined) => (m ? formatMoney(m.amount, currency) : '');

  // a byte-order mark, so spreadsheet programs read the file as UTF-8
  await write(`\uFEFF${csv([headerFor(stores, MAX_OPTIONS)])}`);
  let rows = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.catalog.listProducts(ctx, { limit: PAGE, ...(cursor ? { cursor } : {}) });
    const variantIds = page.data.flatMap((p) => p.variants.map((v) => v.id));
    const stock = new Map<string, Map<string, number>>();
    for (const s of stores) stock.set(s.id, new Map((await deps.inventory.levels(ctx, s.id, variantIds)).map((l) => [l.variant_id, l.on_hand])));
    const out: string[][] = [];
    for (const p of page.data) {
      const handle = handleOf(p);
      const product = [handle, p.name, p.description ?? '', pathOf(p.category_id), p.tax_code_id ? (taxCodes.get(p.tax_code_id) ?? '') : '', p.image_urls.join(' ')];
      for (const v of p.variants) {
        const options = Array.from({ length: MAX_OPTIONS }, (_, i) => [p.options[i]?.name ?? '', v.option_values[i] ?? '']).flat();
        const [first, ...more] = v.barcodes;
        const storePrices = new Map(v.store_prices.map((sp) => [sp.store_id, sp.price]));
        out.push([
          ...product,
          ...options,
          v.sku,
          first?.code ?? '',
          first?.type ?? '',
          more.map(formatExtraBarcode).join(' '),
          money(v.price),
          money(v.cost),
          String(v.track_serials),
          v.status,
          ...stores.map((s) => money(storePrices.get(s.id))),
          ...stores.map((s) => String(stock.get(s.id)?.get(v.id) ?? 0)),
        ]);
      }
    }
    rows += out.length;
    if (out.length) await write(csv(out));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return { rows };
}
