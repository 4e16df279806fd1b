/**
 * The catalog CSV: what `POST /api/v1/imports/products` and `novapos import products` read and
 * `GET /api/v1/exports/products.csv` writes (README "Catalog CSV" says the same for users).
 *
 * UTF-8 (a byte-order mark is fine), comma-separated, RFC 4180 quoting, a header row, then ONE ROW
 * PER VARIANT. Header names are case-insensitive; columns may come in any order. Only `handle`
 * and `sku` are required; a column left out leaves that field of existing products and variants
 * unchanged, while a column present with an empty cell clears the field (description, category,
 * tax code, images, barcodes, cost, a store price). Stock cells are the exception: empty means
 * "leave the stock as it is".
 *
 * | column | per | meaning |
 * |---|---|---|
 * | handle | product | groups rows into one product; any text, unique per product in the file |
 * | product_name | product | required for a new product |
 * | description | product | |
 * | category | product | a path from the root, `Apparel > Shirts`; missing categories are created |
 * | tax_code | product | the name of an existing tax code (not created: its rates per store come first) |
 * | image_urls | product | http(s) URLs separated by spaces |
 * | option1_name … option5_name | product | Size, Color, …; an existing product keeps its number of options |
 * | option1_value … option5_value | variant | this variant's value of each option |
 * | sku | variant | required, unique per business (any case); an existing SKU updates its variant |
 * | barcode | variant | UPC-A (12 digits), EAN-13 (13) or EAN-8 (8), check digit verified |
 * | barcode_type | variant | upca, ean13, ean8 or internal (a free-form shop code); empty: by length |
 * | extra_barcodes | variant | more codes separated by spaces; a free-form one as `internal:CODE` |
 * | price | variant | base price in the business's currency, `19.99` (no more decimals than the currency has); required for a new variant |
 * | cost | variant | unit cost, same format |
 * | track_serials | variant | true/false (yes/no, 1/0) |
 * | status | variant | active or archived |
 * | price:STORE NAME | variant | that store's price override; empty: none |
 * | stock:STORE NAME | variant | on hand to set at that store; empty: unchanged |
 *
 * Rules worth knowing:
 * - Rows of one handle share the product columns: the first non-empty value counts, and another
 *   non-empty value that differs is an error (so a file may repeat them on every row, as the
 *   export does, or give them on the first row only).
 * - SKUs identify variants. A handle whose SKUs exist updates that product (all its known SKUs must
 *   belong to it); new SKUs under it are added as variants. Variants the file does not name are
 *   left alone: an import never deletes.
 * - Stock is set through the inventory ledger: an increase is received (supplier "CSV import", at
 *   the variant's cost), a decrease is an adjustment with reason "correction". A variant that
 *   tracks serial numbers gets its stock by receiving with serials, so for it a stock cell must be
 *   empty or equal to what is on hand. A stock cell below zero is only accepted when it is what is
 *   on hand (negative stock comes from sales, never from an import).
 * - Stores are named exactly as in the business (any case) and must be stores the importer can reach.
 * - Problems are reported as (line, column, reason), line 1 being the header; a file with any
 *   problem changes nothing.
 */
import { createHash } from 'node:crypto';
import { BARCODE_TYPES, minorUnits, type BarcodeType } from '@novapos/domain';
import { MAX_OPTIONS } from '@novapos/catalog';

export const PRODUCT_COLUMNS = ['product_name', 'description', 'category', 'tax_code', 'image_urls'] as const;
export type ProductColumn = (typeof PRODUCT_COLUMNS)[number];
export const VARIANT_COLUMNS = ['sku', 'barcode', 'barcode_type', 'extra_barcodes', 'price', 'cost', 'track_serials', 'status'] as const;
export type VariantColumn = (typeof VARIANT_COLUMNS)[number];
export const REQUIRED_COLUMNS = ['handle', 'sku'] as const;
export const CATEGORY_SEPARATOR = '>';
/** rows of the error report; the rest are counted */
export const MAX_REPORTED_ERRORS = 1000;
export const MAX_STOCK = 1_000_000;

export type Column =
  | { kind: 'handle'; name: string }
  | { kind: 'product'; field: ProductColumn; name: string }
  | { kind: 'variant'; field: VariantColumn; name: string }
  | { kind: 'option_name'; index: number; name: string }
  | { kind: 'option_value'; index: number; name: string }
  | { kind: 'store_price' | 'stock'; storeId: string; storeName: string; name: string };

export interface RowError {
  line: number;
  /** the column as the file's header spells it; null for the row as a whole */
  column: string | null;
  reason: string;
}

/** Column names in export order for the given stores and number of options. */
export function headerFor(stores: readonly { name: string }[], options: number): string[] {
  const opts = Array.from({ length: Math.min(MAX_OPTIONS, Math.max(3, options)) }, (_, i) => [`option${i + 1}_name`, `option${i + 1}_value`]).flat();
  return [
    'handle',
    ...PRODUCT_COLUMNS,
    ...opts,
    ...VARIANT_COLUMNS,
    ...stores.map((s) => `price:${s.name}`),
    ...stores.map((s) => `stock:${s.name}`),
  ];
}

/** Reads the header row: every column known, none twice, the required ones there. */
export function readHeader(names: readonly string[], stores: readonly { id: string; name: string }[]): { columns: (Column | null)[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const byName = new Map(stores.map((s) => [s.name.trim().toLowerCase(), s]));
  const seen = new Set<string>();
  const columns = names.map((raw): Column | null => {
    const name = raw.trim();
    const key = name.toLowerCase();
    if (name === '') {
      errors.push({ line: 1, column: raw, reason: 'has no name: every column needs one' });
      return null;
    }
    if (seen.has(key.replace(/\s*:\s*/, ':'))) {
      errors.push({ line: 1, column: name, reason: 'appears twice' });
      return null;
    }
    seen.add(key.replace(/\s*:\s*/, ':'));
    const store = /^(price|stock)\s*:\s*(.+)$/i.exec(name);
    if (store) {
      const s = byName.get(store[2]!.trim().toLowerCase());
      if (!s) {
        errors.push({ line: 1, column: name, reason: `no store named "${store[2]!.trim()}"${stores.length ? ` (stores: ${stores.map((x) => x.name).join(', ')})` : ''}` });
        return null;
      }
      return { kind: store[1]!.toLowerCase() === 'price' ? 'store_price' : 'stock', storeId: s.id, storeName: s.name, name };
    }
    if (key === 'handle') return { kind: 'handle', name };
    if ((PRODUCT_COLUMNS as readonly string[]).includes(key)) return { kind: 'product', field: key as ProductColumn, name };
    if ((VARIANT_COLUMNS as readonly string[]).includes(key)) return { kind: 'variant', field: key as VariantColumn, name };
    const option = /^option([1-9])_(name|value)$/.exec(key);
    if (option && Number(option[1]) <= MAX_OPTIONS) return { kind: option[2] === 'name' ? ('option_name' as const) : ('option_value' as const), index: Number(option[1]) - 1, name };
    errors.push({ line: 1, column: name, reason: `unknown column; the columns are handle, ${PRODUCT_COLUMNS.join(', ')}, option1_name … option${MAX_OPTIONS}_value, ${VARIANT_COLUMNS.join(', ')}, price:STORE and stock:STORE` });
    return null;
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!columns.some((c) => (c?.kind === 'handle' && required === 'handle') || (c?.kind === 'variant' && c.field === required))) {
      errors.push({ line: 1, column: required, reason: 'required column is missing' });
    }
  }
  return { columns, errors };
}

// ---------------------------------------------------------------- cells

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * A decimal amount in a currency's major unit to integer minor units, from the text, never through
 * a float: "19.99" USD → 1999, "1999" JPY → 1999. More decimals than the currency has are refused
 * unless they are zeros ("12.340" is 1234; "12.345" is an error).
 */
export function parseMoney(text: string, currency: string): Parsed<number> {
  const s = text.trim();
  const m = /^(\d{1,13})(?:\.(\d+))?$/.exec(s);
  if (!m) return { ok: false, reason: `"${s}" is not an amount: write digits with a decimal point, like 19.99 (no currency sign, no thousands separator)` };
  const digits = minorUnits(currency);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > digits) return { ok: false, reason: `"${s}" has more decimals than ${currency} has (${digits})` };
  const amount = Number(m[1]!) * 10 ** digits + (frac ? Number(frac.padEnd(digits, '0')) : 0);
  if (!Number.isSafeInteger(amount) || amount > 1e13) return { ok: false, reason: `"${s}" is too large` };
  return { ok: true, value: amount };
}

/** Integer minor units back to the decimal text parseMoney reads. */
export function formatMoney(amount: number, currency: string): string {
  const digits = minorUnits(currency);
  if (digits === 0) return String(amount);
  const s = String(Math.abs(amount)).padStart(digits + 1, '0');
  return `${amount < 0 ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

export function parseStock(text: string): Parsed<number> {
  const s = text.trim();
  if (!/^-?\d+$/.test(s)) return { ok: false, reason: `"${s}" is not a whole number of units` };
  const n = Number(s);
  if (Math.abs(n) > MAX_STOCK) return { ok: false, reason: `must be at most ${MAX_STOCK.toLocaleString('en')}` };
  return { ok: true, value: n };
}

export function parseBool(text: string): Parsed<boolean> {
  const s = text.trim().toLowerCase();
  if (['true', 'yes', 'y', '1'].includes(s)) return { ok: true, value: true };
  if (['false', 'no', 'n', '0'].includes(s)) return { ok: true, value: false };
  return { ok: false, reason: `"${text.trim()}" is not true or false` };
}

export function parseStatus(text: string): Parsed<'active' | 'archived'> {
  const s = text.trim().toLowerCase();
  return s === 'active' || s === 'archived' ? { ok: true, value: s } : { ok: false, reason: `"${text.trim()}" is not active or archived` };
}

export function parseBarcodeType(text: string): Parsed<BarcodeType> {
  const s = text.trim().toLowerCase().replace(/[-_ ]/g, '');
  const alias: Record<string, BarcodeType> = { upc: 'upca', upca: 'upca', ean: 'ean13', ean13: 'ean13', ean8: 'ean8', internal: 'internal' };
  const t = alias[s];
  return t ? { ok: true, value: t } : { ok: false, reason: `"${text.trim()}" is not one of ${BARCODE_TYPES.join(', ')}` };
}

/** `012345678905 internal:SHELF-7` → codes with their type when given. */
export function parseExtraBarcodes(text: string): { code: string; type?: BarcodeType }[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((token) => {
      const m = /^(upca|ean13|ean8|internal):(.+)$/i.exec(token);
      return m ? { code: m[2]!, type: m[1]!.toLowerCase() as BarcodeType } : { code: token };
    });
}

export const formatExtraBarcode = (b: { code: string; type: BarcodeType }): string => (b.type === 'internal' ? `internal:${b.code}` : b.code);

export function parseCategory(text: string): string[] {
  return text
    .split(CATEGORY_SEPARATOR)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** "Linen Shirt (Blue)" → "linen-shirt-blue"; the caller makes it unique. */
export function slug(name: string): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return s || 'product';
}

/** Line breaks in a raw CSV record (CRLF, LF or CR), to number lines as an editor shows them. */
export function lineBreaks(raw: string): number {
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && raw.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

export const sha256 = () => createHash('sha256');
