import { pipeline, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { upsertCatalog, type BulkIssue, type BulkProduct, type BulkVariant, type CatalogModule, type Money } from '@novapos/catalog';
import type { InventoryApi } from '@novapos/inventory';
import { AppError, can, type Ctx } from '@novapos/platform';
import type { BarcodeType } from '@novapos/domain';
import {
  MAX_REPORTED_ERRORS,
  lineBreaks,
  parseBarcodeType,
  parseBool,
  parseCategory,
  parseExtraBarcodes,
  parseMoney,
  parseStatus,
  parseStock,
  readHeader,
  sha256,
  type Column,
  type Parsed,
  type RowError,
} from './csv-format.ts';
import type { ImportResult } from './contract.ts';

/**
 * The CSV import as one all-or-nothing step: read and check every row, check the result against
 * the catalog and stock, and only when nothing is wrong write it all, in the caller's transaction.
 * There is no undo step: a problem found at any point throws, and the transaction rolls back.
 */

export interface ImportDeps {
  catalog: Pick<CatalogModule['operations'], 'getSettings'>;
  inventory: Pick<InventoryApi, 'levels' | 'receive' | 'adjust'>;
  /** The stores the actor can reach, and the business's currency (identity knows both). */
  stores(ctx: Ctx): Promise<{ id: string; name: string }[]>;
  currency(ctx: Ctx): Promise<string>;
}

export interface ParsedCsv {
  header: string[];
  /** data rows with their line (header = 1); rows whose cells are all empty are skipped */
  rows: { line: number; cells: string[] }[];
  /** a CSV syntax error (such as an unclosed quote): nothing after it could be read */
  syntaxError: RowError | null;
  bytes: number;
  /** sha256 of the bytes, hex */
  hash: string;
}

export type ImportPhase = 'catalog' | 'stock';
export interface ImportOptions {
  dryRun: boolean;
  onProgress?: (phase: ImportPhase, done: number, total: number) => void;
}

/** 422 import_rejected: nothing was applied; `report` lists every problem by line and column. */
export class ImportRejected extends AppError {
  constructor(readonly report: { rows: number; errors: RowError[] }, more: number) {
    const n = report.errors.length + more;
    super(422, 'import_rejected', `The file has ${n} problem${n === 1 ? '' : 's'}${more ? ` (the first ${report.errors.length} are listed)` : ''}; nothing was imported.`, {
      errors: report.errors.map((e) => ({ path: e.column ? `line ${e.line}, column ${e.column}` : `line ${e.line}`, message: e.reason })),
      extra: { report },
    });
  }
}

/**
 * Reads a CSV from a stream (a request body or a file), counting bytes and hashing them. Throws
 * 413 past `maxBytes`. Cells are kept as text: they are checked once the stores and currency are known.
 */
export async function readCsv(source: Readable | AsyncIterable<Buffer | string>, opts: { maxBytes: number; onBytes?: (bytes: number) => void; hashPrefix?: string }): Promise<ParsedCsv> {
  const hash = sha256().update(opts.hashPrefix ?? '');
  let bytes = 0;
  async function* counted() {
    for await (const chunk of source) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buf.length;
      if (bytes > opts.maxBytes) throw new AppError(413, 'payload_too_large', `The file is larger than ${Math.round(opts.maxBytes / 1024 / 1024)} MiB; split it into several imports`);
      hash.update(buf);
      opts.onBytes?.(bytes);
      yield buf;
    }
  }
  const parser = parse({ bom: true, raw: true, relax_column_count: true, skip_empty_lines: false });
  // pipeline: a failing source (too large, client gone) destroys the parser with its error
  pipeline(counted(), parser, () => {});
  const out: ParsedCsv = { header: [], rows: [], syntaxError: null, bytes: 0, hash: '' };
  let line = 1;
  let first = true;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const at = line;
      line += lineBreaks(raw);
      if (first) {
        out.header = record;
        first = false;
      } else if (record.some((c) => c.trim() !== '')) out.rows.push({ line: at, cells: record });
    }
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (typeof e.code !== 'string' || !e.code.startsWith('CSV_')) throw err;
    out.syntaxError = { line, column: null, reason: `the CSV cannot be read from here on: ${e.message ?? e.code}` };
  }
  out.bytes = bytes;
  out.hash = hash.digest('hex');
  return out;
}

// ---------------------------------------------------------------- rows to products

interface RowValues {
  line: number;
  handle: string;
  product: Partial<Record<string, string>>;
  optionNames: (string | undefined)[];
  optionValues: (string | undefined)[];
  variant: BulkVariant;
  /** for errors of the catalog: which column the n-th barcode came from */
  barcodeColumns: string[];
  stock: { storeId: string; column: string; quantity: number }[];
}

/** Problems in line order, capped, with a count of the rest. */
class Report {
  readonly errors: RowError[] = [];
  more = 0;
  add(line: number, column: string | null, reason: string): void {
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line, column, reason });
    else this.more++;
  }
  get count(): number {
    return this.errors.length + this.more;
  }
  get room(): number {
    return Math.max(1, MAX_REPORTED_ERRORS - this.errors.length);
  }
  sorted(order: Map<string, number>): RowError[] {
    return this.errors.toSorted((a, b) => a.line - b.line || (order.get(a.column ?? '') ?? -1) - (order.get(b.column ?? '') ?? -1));
  }
}

const take = <T>(report: Report, line: number, column: string, parsed: Parsed<T>): T | undefined => {
  if (parsed.ok) return parsed.value;
  report.add(line, column, parsed.reason);
  return undefined;
};

/** Checks the file, and unless it is a dry run or has a problem, imports it. Throws ImportRejected. */
export async function runImport(ctx: Ctx, deps: ImportDeps, csv: ParsedCsv, opts: ImportOptions): Promise<ImportResult> {
  const report = new Report();
  const stores = await deps.stores(ctx);
  const currency = (await deps.catalog.getSettings(ctx)).currency ?? (await deps.currency(ctx));
  const { columns, errors } = readHeader(csv.header, stores);
  for (const e of errors) report.add(e.line, e.column, e.reason);
  const order = new Map(csv.header.map((h, i) => [h.trim(), i]));
  const has = (pred: (c: Column) => boolean) => columns.some((c) => c !== null && pred(c));
  const money = (amount: number): Money => ({ amount, currency });
  const rows: RowValues[] = [];

  if (has((c) => c.kind === 'variant' && c.field === 'sku')) {
    const handleMissing = !has((c) => c.kind === 'handle');
    const hasBarcode = has((c) => c.kind === 'variant' && (c.field === 'barcode' || c.field === 'extra_barcodes'));
    const hasStorePrice = has((c) => c.kind === 'store_price');
    for (const { line, cells } of csv.rows) {
      const r: RowValues = { line, handle: '', product: {}, optionNames: [], optionValues: [], variant: { ref: line, sku: '' }, barcodeColumns: [], stock: [] };
      const v = r.variant;
      let barcode: { code: string; type?: BarcodeType } | null = null;
      let barcodeColumn = 'barcode';
      let barcodeType: BarcodeType | undefined;
      let extra: { code: string; type?: BarcodeType }[] = [];
      let extraColumn = 'extra_barcodes';
      const storePrices = new Map<string, Money | null>();
      if (cells.length > csv.header.length && cells.slice(csv.header.length).some((c) => c.trim() !== '')) {
        report.add(line, null, `has ${cells.length} cells but the header has ${csv.header.length} columns`);
      }
      columns.forEach((c, i) => {
        if (!c) return;
        const cell = (cells[i] ?? '').trim();
        switch (c.kind) {
          case 'handle':
            r.handle = cell;
            if (!cell) report.add(line, c.name, 'is required: it groups the rows of one product');
            break;
          case 'product':
            r.product[c.field] = cell;
            break;
          case 'option_name':
            r.optionNames[c.index] = cell;
            break;
          case 'option_value':
            r.optionValues[c.index] = cell;
            break;
          case 'store_price': {
            const amount = cell === '' ? null : take(report, line, c.name, parseMoney(cell, currency));
            // a bad amount still stands in as a price, so the checks that follow see a complete row
            storePrices.set(c.storeId, amount === null ? null : money(amount ?? 0));
            break;
          }
          case 'stock':
            if (cell !== '') {
              const q = take(report, line, c.name, parseStock(cell));
              if (q !== undefined) r.stock.push({ storeId: c.storeId, column: c.name, quantity: q });
            }
            break;
          case 'variant':
            switch (c.field) {
              case 'sku':
                v.sku = cell;
                if (!cell) report.add(line, c.name, 'is required');
                break;
              case 'price':
                if (cell !== '') v.price = money(take(report, line, c.name, parseMoney(cell, currency)) ?? 0);
                break;
              case 'cost':
                v.cost = cell === '' ? null : money(take(report, line, c.name, parseMoney(cell, currency)) ?? 0);
                break;
              case 'track_serials':
                if (cell !== '') v.trackSerials = take(report, line, c.name, parseBool(cell));
                break;
              case 'status':
                if (cell !== '') v.status = take(report, line, c.name, parseStatus(cell));
                break;
              case 'barcode':
                barcode = cell ? { code: cell } : null;
                barcodeColumn = c.name;
                break;
              case 'barcode_type':
                if (cell !== '') barcodeType = take(report, line, c.name, parseBarcodeType(cell));
                break;
              case 'extra_barcodes':
                extra = parseExtraBarcodes(cell);
                extraColumn = c.name;
                break;
            }
        }
      });
      if (handleMissing) r.handle = v.sku;
      if (hasBarcode) {
        const primary = barcode ? [{ code: (barcode as { code: string }).code, ...(barcodeType ? { type: barcodeType } : {}) }] : [];
        v.barcodes = [...primary, ...extra];
        r.barcodeColumns = [...primary.map(() => barcodeColumn), ...extra.map(() => extraColumn)];
      }
      if (hasStorePrice) v.storePrices = storePrices;
      rows.push(r);
    }
  }

  // group rows into products by handle; product columns: the first non-empty value, others must agree
  const groups = new Map<string, RowValues[]>();
  for (const r of rows) {
    if (!r.handle) continue;
    const key = r.handle.toLowerCase();
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const productColumn = (field: string) => columns.find((c) => c?.kind === 'product' && c.field === field)?.name;
  const optionNameColumns = columns.filter((c): c is Extract<Column, { kind: 'option_name' }> => c?.kind === 'option_name').toSorted((a, b) => a.index - b.index);
  const optionValueColumns = columns.filter((c): c is Extract<Column, { kind: 'option_value' }> => c?.kind === 'option_value');
  const optionCount = Math.max(0, ...optionNameColumns.map((c) => c.index + 1), ...optionValueColumns.map((c) => c.index + 1));
  const hasOptions = optionNameColumns.length > 0 || optionValueColumns.length > 0;
  const products: BulkProduct[] = [];
  const rowAt = new Map<number, RowValues>();

  for (const group of groups.values()) {
    const first = group[0]!;
    const agreed = (get: (r: RowValues) => string | undefined, column: string): string | undefined => {
      let value: string | undefined;
      let from = 0;
      for (const r of group) {
        const x = get(r);
        if (x === undefined || x === '') continue;
        if (value === undefined) {
          value = x;
          from = r.line;
        } else if (x !== value) report.add(r.line, column, `"${x}" differs from "${value}" on line ${from}: rows of one handle share the product's ${column}`);
      }
      return value ?? (group.some((r) => get(r) !== undefined) ? '' : undefined);
    };
    const field = (name: string) => {
      const col = productColumn(name);
      return col ? agreed((r) => r.product[name], col) : undefined;
    };
    const names = Array.from({ length: optionCount }, (_, i) => agreed((r) => r.optionNames[i], optionNameColumns.find((c) => c.index === i)?.name ?? `option${i + 1}_name`) ?? '');
    // option names are positional: the options end at the first empty one
    const used = names.findIndex((n) => n === '');
    // no option names at all: an existing product keeps its options (their number cannot change anyway)
    const optionNames = hasOptions && used !== 0 ? names.slice(0, used === -1 ? names.length : used) : undefined;
    if (optionNames && used !== -1) {
      names.slice(used).forEach((n, j) => {
        if (n !== '') report.add(first.line, `option${used + j + 1}_name`, `option${used + 1}_name is empty: name the options from option1 on`);
      });
    }
    const variants: BulkVariant[] = [];
    const product: BulkProduct = { ref: first.line, variants };
    const name = field('product_name');
    if (name !== undefined && name !== '') product.name = name;
    const description = field('description');
    if (description !== undefined) product.description = description === '' ? null : description;
    const category = field('category');
    if (category !== undefined) product.categoryPath = category === '' ? null : parseCategory(category);
    const taxCode = field('tax_code');
    if (taxCode !== undefined) product.taxCode = taxCode === '' ? null : taxCode;
    const images = field('image_urls');
    if (images !== undefined) product.imageUrls = images.split(/\s+/).filter(Boolean);
    if (optionNames) product.optionNames = optionNames;
    for (const r of group) {
      rowAt.set(r.line, r);
      if (optionNames && r.optionValues.some((x) => x)) {
        const values = r.optionValues.slice(0, Math.max(optionNames.length, r.optionValues.findLastIndex((x) => x) + 1)).map((x) => x ?? '');
        values.forEach((x, i) => {
          if (i >= optionNames.length && x) report.add(r.line, optionValueColumns.find((c) => c.index === i)?.name ?? `option${i + 1}_value`, `has a value but option${i + 1}_name is empty`);
        });
        r.variant.optionValues = values.slice(0, optionNames.length);
      }
      variants.push(r.variant);
    }
    products.push(product);
  }

  // the catalog's own checks (SKUs, barcodes, options, names, categories, tax codes), written only when all is well
  const storeName = new Map(stores.map((s) => [s.id, s.name]));
  const columnOf = (issue: BulkIssue): string | null => {
    const r = rowAt.get(issue.ref);
    const [head, rest] = issue.field.split(/\.(.*)/s) as [string, string | undefined];
    switch (head) {
      case 'name':
        return productColumn('product_name') ?? 'product_name';
      case 'description':
      case 'category':
      case 'tax_code':
      case 'image_urls':
        return productColumn(head) ?? head;
      case 'options':
        return optionNameColumns.find((c) => c.index === Number(rest ?? 0))?.name ?? `option${Number(rest ?? 0) + 1}_name`;
      case 'option_values':
        return optionValueColumns.find((c) => c.index === Number(rest ?? 0))?.name ?? `option${Number(rest ?? 0) + 1}_value`;
      case 'barcodes':
        return r?.barcodeColumns[Number(rest ?? 0)] ?? 'barcode';
      case 'store_prices':
        return columns.find((c) => c?.kind === 'store_price' && c.storeId === rest)?.name ?? `price:${storeName.get(rest ?? '') ?? rest}`;
      case 'variants':
        return columns.find((c) => c?.kind === 'handle')?.name ?? 'handle';
      default:
        return columns.find((c) => c?.kind === 'variant' && c.field === head)?.name ?? head;
    }
  };
  const checkOnly = opts.dryRun || report.count > 0 || csv.syntaxError !== null;
  const total = rows.length;
  const bulk = await upsertCatalog(ctx, products, {
    dryRun: checkOnly,
    maxIssues: report.room,
    onProgress: (done) => opts.onProgress?.('catalog', done, total),
  });
  for (const i of bulk.issues) report.add(i.ref, columnOf(i), i.message);
  report.more += bulk.moreIssues;

  // stock: set on hand at each store through the ledger
  const variants = new Map(bulk.variants.map((v) => [v.ref, v]));
  const moves: { storeId: string; variantId: string; line: number; column: string; delta: number; cost: Money | null }[] = [];
  const stockRows = rows.filter((r) => r.stock.length > 0 && variants.has(r.line));
  const byStore = new Map<string, { row: RowValues; variantId: string | null; target: number; column: string }[]>();
  for (const r of stockRows) {
    const v = variants.get(r.line)!;
    for (const s of r.stock) {
      const list = byStore.get(s.storeId) ?? [];
      list.push({ row: r, variantId: v.id, target: s.quantity, column: s.column });
      byStore.set(s.storeId, list);
    }
  }
  for (const [storeId, list] of byStore) {
    const known = list.filter((x) => x.variantId !== null).map((x) => x.variantId!);
    const onHand = new Map<string, number>();
    for (let i = 0; i < known.length; i += 5000) {
      for (const level of await deps.inventory.levels(ctx, storeId, known.slice(i, i + 5000))) onHand.set(level.variant_id, level.on_hand);
    }
    for (const x of list) {
      const v = variants.get(x.row.line)!;
      const current = x.variantId ? (onHand.get(x.variantId) ?? 0) : 0;
      if (x.target === current) continue;
      if (x.target < 0) report.add(x.row.line, x.column, `${x.target} is below zero: stock only goes negative through sales (on hand now: ${current})`);
      else if (v.trackSerials) report.add(x.row.line, x.column, `${v.sku} tracks serial numbers: receive its stock with one serial per unit (Inventory › Receiving); here leave the cell empty or at what is on hand (${current})`);
      else if (!can(ctx.actor, x.target > current ? 'inventory.receive' : 'inventory.adjust')) report.add(x.row.line, x.column, `changing stock needs the permission ${x.target > current ? 'inventory.receive' : 'inventory.adjust'}`);
      else moves.push({ storeId, variantId: x.variantId ?? '', line: x.row.line, column: x.column, delta: x.target - current, cost: v.cost });
    }
  }

  if (csv.syntaxError) report.add(csv.syntaxError.line, csv.syntaxError.column, csv.syntaxError.reason);
  if (report.count > 0) throw new ImportRejected({ rows: csv.rows.length, errors: report.sorted(order) }, report.more);

  if (!opts.dryRun) await applyStock(ctx, deps, moves, currency, (done) => opts.onProgress?.('stock', done, moves.length));
  return {
    status: opts.dryRun ? 'validated' : 'applied',
    rows: csv.rows.length,
    ...bulk.summary,
    stock_rows: moves.length,
  };
}

/** Increases are one receipt per store (in parts of 1,000 lines), decreases one adjustment each. */
async function applyStock(
  ctx: Ctx,
  deps: ImportDeps,
  moves: { storeId: string; variantId: string; delta: number; cost: Money | null }[],
  currency: string,
  progress: (done: number) => void,
): Promise<void> {
  let done = 0;
  const byStore = new Map<string, typeof moves>();
  for (const m of moves.filter((x) => x.delta > 0)) {
    const list = byStore.get(m.storeId);
    if (list) list.push(m);
    else byStore.set(m.storeId, [m]);
  }
  for (const [storeId, list] of byStore) {
    for (let i = 0; i < list.length; i += 1000) {
      const part = list.slice(i, i + 1000);
      await deps.inventory.receive(ctx, {
        store_id: storeId,
        supplier: 'CSV import',
        note: 'Stock set by a catalog CSV import',
        lines: part.map((m) => ({ variant_id: m.variantId, quantity: m.delta, unit_cost: m.cost ?? { amount: 0, currency } })),
      });
      progress((done += part.length));
    }
  }
  for (const m of moves.filter((x) => x.delta < 0)) {
    await deps.inventory.adjust(ctx, { store_id: m.storeId, variant_id: m.variantId, delta: m.delta, reason: 'correction', note: 'Stock set by a catalog CSV import' });
    progress(++done);
  }
}
