import { sql, type Selectable } from 'kysely';
import { AppError, isUniqueViolation, newId, type Ctx } from '@novapos/platform';
import { checkBarcode, type BarcodeType } from '@novapos/domain';
import { CatalogEvents, MAX_OPTIONS, MAX_VARIANTS_PER_PRODUCT, Sku, type CategoryDto, type Money, type ProductDto } from './contract.ts';
import { recordChanges, type Change } from './catalog.changes.ts';
import { loadProducts, t } from './catalog.repository.ts';
import { indexProducts } from './catalog.search.ts';
import { createCategory, getSettings, initSettings, listCategories, listTaxCodes } from './catalog.service.ts';
import type { ProductRow, VariantRow } from './tables.ts';

/**
 * Bulk upsert of products and variants by SKU: what a CSV import and the demo seed use instead of
 * one createProduct/updateVariant per item. It validates everything first (against the input and
 * the database) and returns every problem, each named by the caller's `ref` and a field; only a
 * clean input is then written, in the caller's transaction, with multi-row statements (thousands
 * of rows each), so 100,000 variants take a few dozen round trips, not hundreds of thousands.
 *
 * Matching: a variant is identified by its SKU (case-insensitive). An input product whose SKUs
 * exist is that existing product (its SKUs must all belong to it, and no other input product may
 * claim it); otherwise it is created. Fields left `undefined` keep an existing value. Variants of
 * an existing product that the input does not name are left alone. Unchanged values write
 * nothing: importing the same data twice changes nothing the second time (no versions, no feed
 * entries, no events).
 *
 * Everything the single-item operations maintain is maintained here too: price versions (a
 * changed price closes the open version and opens the next), the search index, the till's change
 * feed (under row locks on every existing product and variant touched), and the same events.
 */

export interface BulkVariant {
  /** the caller's reference for problems (a CSV line number) */
  ref: number;
  sku: string;
  /** one value per product option, in option order; undefined keeps an existing variant's values */
  optionValues?: readonly string[] | undefined;
  /** base price; required for a new variant */
  price?: Money | undefined;
  cost?: Money | null | undefined;
  /** replaces the variant's barcodes ([] removes them) */
  barcodes?: readonly { code: string; type?: BarcodeType | undefined }[] | undefined;
  /** per-store overrides by store id (null ends one); stores not named keep theirs */
  storePrices?: ReadonlyMap<string, Money | null> | undefined;
  trackSerials?: boolean | undefined;
  status?: 'active' | 'archived' | undefined;
}

export interface BulkProduct {
  ref: number;
  /** required for a new product */
  name?: string | undefined;
  description?: string | null | undefined;
  /** category names from the root ("Apparel", "Shirts"); missing categories are created */
  categoryPath?: readonly string[] | null | undefined;
  /** an existing tax code, by name */
  taxCode?: string | null | undefined;
  imageUrls?: readonly string[] | undefined;
  /** option names (Size, Color); an existing product keeps its number of options */
  optionNames?: readonly string[] | undefined;
  variants: readonly BulkVariant[];
}

export interface BulkIssue {
  ref: number;
  /** name, description, category, tax_code, image_urls, options.<i>, variants, sku, option_values.<i>, price, cost, barcodes.<i>, store_prices.<store id>, track_serials */
  field: string;
  message: string;
}

export interface BulkSummary {
  products_created: number;
  products_updated: number;
  variants_created: number;
  variants_updated: number;
}

export interface BulkVariantOutcome {
  ref: number;
  sku: string;
  /** null for a variant a dry run would create */
  id: string | null;
  created: boolean;
  /** after the upsert */
  trackSerials: boolean;
  cost: Money | null;
}

export interface BulkOutcome {
  issues: BulkIssue[];
  /** issues beyond `maxIssues` are counted, not listed */
  moreIssues: number;
  summary: BulkSummary;
  variants: BulkVariantOutcome[];
}

export interface BulkOptions {
  /** validate only: nothing is written */
  dryRun?: boolean;
  maxIssues?: number;
  /** variants written so far, of all (called after each batch) */
  onProgress?: (done: number, total: number) => void;
}

const MAX_OPTION_VALUES = 100;
const MAX_BARCODES = 20;
const MAX_MONEY = 1e13;
/** rows per INSERT: well under PostgreSQL's 65,535 parameters at up to 12 columns */
const BATCH = 2000;
const LIST = 5000;
/** rows per INSERT … SELECT FROM unnest(arrays) */
const UNNEST_BATCH = 10_000;

const chunks = <T>(xs: readonly T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};
const lower = (s: string) => s.toLowerCase();
const sameList = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

class Issues {
  readonly list: BulkIssue[] = [];
  more = 0;
  constructor(private readonly max: number) {}
  add(ref: number, field: string, message: string): void {
    if (this.list.length < this.max) this.list.push({ ref, field, message });
    else this.more++;
  }
  get count(): number {
    return this.list.length + this.more;
  }
}

type ExistingVariant = Selectable<VariantRow> & { barcodes: { code: string; type: BarcodeType; key: string }[]; prices: Map<string | null, number> };
type ExistingProduct = Selectable<ProductRow> & { options: { name: string; values: string[] }[]; variants: ExistingVariant[] };

interface PlannedVariant {
  input: BulkVariant;
  id: string;
  existing: ExistingVariant | null;
  optionValues: string[];
  barcodes: { code: string; type: BarcodeType; key: string }[] | null;
  changed: boolean;
  /** store id (null: base) → new price (null: end the override), for prices that change */
  priceChanges: Map<string | null, Money | null>;
}

interface PlannedProduct {
  input: BulkProduct;
  id: string;
  existing: ExistingProduct | null;
  name: string;
  description: string | null;
  categoryKey: string | null;
  taxCodeId: string | null;
  imageUrls: string[];
  options: { name: string; values: string[] }[];
  status: 'active' | 'archived';
  changed: boolean;
  /** name or option values changed: the search terms must be rebuilt */
  reindex: boolean;
  variants: PlannedVariant[];
}

/** Category tree by lower-cased path key ("apparel\u0000shirts"). */
function categoryIndex(categories: CategoryDto[]): Map<string, string> {
  const byId = new Map(categories.map((c) => [c.id, c]));
  const keyOf = (c: CategoryDto): string => {
    const names: string[] = [];
    for (let at: CategoryDto | undefined = c; at; at = at.parent_id ? byId.get(at.parent_id) : undefined) names.unshift(lower(at.name));
    return names.join('\u0000');
  };
  return new Map(categories.map((c) => [keyOf(c), c.id]));
}

async function loadExisting(ctx: Ctx, skus: string[], lock: boolean): Promise<{ bySku: Map<string, ExistingVariant>; products: Map<string, ExistingProduct> }> {
  const db = t(ctx.trx);
  const productIds = new Set<string>();
  for (const part of chunks([...new Set(skus.map(lower))], LIST)) {
    const rows = await db.selectFrom('catalog.variants').select('product_id').where('sku_lc', 'in', part).execute();
    for (const r of rows) productIds.add(r.product_id);
  }
  const ids = [...productIds].toSorted();
  const products = new Map<string, ExistingProduct>();
  const bySku = new Map<string, ExistingVariant>();
  // products before variants, in id order: the order single-item operations lock them in
  for (const part of chunks(ids, LIST)) {
    let q = db.selectFrom('catalog.products').selectAll().where('id', 'in', part).orderBy('id');
    if (lock) q = q.forNoKeyUpdate();
    for (const p of await q.execute()) products.set(p.id, { ...p, options: [], variants: [] });
  }
  for (const part of chunks(ids, LIST)) {
    const options = await db.selectFrom('catalog.product_options').select(['product_id', 'name', 'values']).where('product_id', 'in', part).orderBy('product_id').orderBy('position').execute();
    for (const o of options) products.get(o.product_id)?.options.push({ name: o.name, values: o.values });
    let q = db.selectFrom('catalog.variants').selectAll().where('product_id', 'in', part).orderBy('id');
    if (lock) q = q.forNoKeyUpdate();
    const variants = await q.execute();
    const byId = new Map<string, ExistingVariant>();
    for (const v of variants) {
      const ev: ExistingVariant = { ...v, barcodes: [], prices: new Map() };
      byId.set(v.id, ev);
      bySku.set(v.sku_lc, ev);
      products.get(v.product_id)?.variants.push(ev);
    }
    for (const vpart of chunks([...byId.keys()], LIST)) {
      const codes = await db.selectFrom('catalog.barcodes').select(['variant_id', 'code', 'type', 'lookup_key']).where('variant_id', 'in', vpart).orderBy('variant_id').orderBy('position').execute();
      for (const b of codes) byId.get(b.variant_id)?.barcodes.push({ code: b.code, type: b.type, key: b.lookup_key });
      const prices = await db.selectFrom('catalog.price_versions').select(['variant_id', 'store_id', 'amount']).where('variant_id', 'in', vpart).where('valid_to', 'is', null).execute();
      for (const p of prices) byId.get(p.variant_id)?.prices.set(p.store_id, p.amount);
    }
  }
  for (const p of products.values()) p.variants.sort((a, b) => a.position - b.position);
  return { bySku, products };
}

/** Which variants own the given barcode lookup keys now. */
async function barcodeOwners(ctx: Ctx, keys: string[]): Promise<Map<string, { variantId: string; sku: string }>> {
  const out = new Map<string, { variantId: string; sku: string }>();
  for (const part of chunks([...new Set(keys)], LIST)) {
    const rows = await t(ctx.trx)
      .selectFrom('catalog.barcodes as b')
      .innerJoin('catalog.variants as v', (j) => j.onRef('v.tenant_id', '=', 'b.tenant_id').onRef('v.id', '=', 'b.variant_id'))
      .select(['b.lookup_key', 'b.variant_id', 'v.sku'])
      .where('b.lookup_key', 'in', part)
      .execute();
    for (const r of rows) out.set(r.lookup_key, { variantId: r.variant_id, sku: r.sku });
  }
  return out;
}

const costOf = (v: ExistingVariant | null): Money | null =>
  v && v.cost_amount !== null && v.cost_currency !== null ? { amount: Number(v.cost_amount), currency: v.cost_currency.trim() } : null;

function checkMoney(issues: Issues, ref: number, field: string, m: Money | null | undefined, currency: string | null): void {
  if (!m) return;
  if (!Number.isSafeInteger(m.amount) || m.amount < 0 || m.amount > MAX_MONEY) issues.add(ref, field, 'must be a non-negative amount below 100,000,000,000');
  else if (currency && m.currency !== currency) issues.add(ref, field, `must be in the business's currency, ${currency}`);
}

function textIssue(value: string | null | undefined, max: number, required: boolean): string | null {
  if (value === undefined || value === null) return required ? 'is required' : null;
  if (required && value.trim() === '') return 'must not be empty';
  return value.length > max ? `must be at most ${max} characters` : null;
}

/** Validates the input against itself and the catalog, then (unless a dry run or a problem) writes it. */
export async function upsertCatalog(ctx: Ctx, input: readonly BulkProduct[], opts: BulkOptions = {}): Promise<BulkOutcome> {
  const issues = new Issues(opts.maxIssues ?? 1000);
  const settings = await getSettings(ctx);
  const currency = settings.currency ?? input.flatMap((p) => p.variants.map((v) => v.price?.currency)).find((c) => c !== undefined) ?? null;

  // ---- the input on its own
  const skuSeen = new Map<string, number>();
  const allSkus: string[] = [];
  for (const p of input) {
    if (p.name !== undefined) {
      const nameIssue = textIssue(p.name, 200, true);
      if (nameIssue) issues.add(p.ref, 'name', nameIssue);
    }
    const desc = textIssue(p.description, 5000, false);
    if (desc) issues.add(p.ref, 'description', desc);
    if (p.imageUrls) {
      if (p.imageUrls.length > 20) issues.add(p.ref, 'image_urls', 'must have at most 20 URLs');
      const bad = p.imageUrls.find((u) => !/^https?:\/\/\S+$/i.test(u) || u.length > 2000 || !URL.canParse(u));
      if (bad) issues.add(p.ref, 'image_urls', `${bad} is not an http(s) URL`);
    }
    p.categoryPath?.forEach((n) => {
      const msg = textIssue(n, 120, true);
      if (msg) issues.add(p.ref, 'category', `each category name ${msg}`);
    });
    if (p.optionNames) {
      if (p.optionNames.length > MAX_OPTIONS) issues.add(p.ref, 'options', `must have at most ${MAX_OPTIONS} options`);
      const seen = new Set<string>();
      p.optionNames.forEach((n, i) => {
        const msg = textIssue(n, 60, true);
        if (msg) issues.add(p.ref, `options.${i}`, msg);
        if (seen.has(lower(n))) issues.add(p.ref, `options.${i}`, `repeats the option name ${n}`);
        seen.add(lower(n));
      });
    }
    if (p.variants.length === 0) issues.add(p.ref, 'variants', 'must have at least one variant');
    for (const v of p.variants) {
      const sku = Sku.safeParse(v.sku);
      if (!sku.success) issues.add(v.ref, 'sku', sku.error.issues[0]?.message ?? 'is not a valid SKU');
      const key = lower(v.sku.trim());
      const first = skuSeen.get(key);
      if (first !== undefined) issues.add(v.ref, 'sku', `repeats SKU ${v.sku} (first at ${first})`);
      else skuSeen.set(key, v.ref);
      allSkus.push(v.sku.trim());
      v.optionValues?.forEach((val, i) => {
        const msg = textIssue(val, 60, true);
        if (msg) issues.add(v.ref, `option_values.${i}`, msg);
      });
      checkMoney(issues, v.ref, 'price', v.price, currency);
      checkMoney(issues, v.ref, 'cost', v.cost, currency);
      for (const [storeId, m] of v.storePrices ?? []) checkMoney(issues, v.ref, `store_prices.${storeId}`, m, currency);
      if ((v.barcodes?.length ?? 0) > MAX_BARCODES) issues.add(v.ref, 'barcodes', `must have at most ${MAX_BARCODES} barcodes`);
    }
  }

  // ---- against the catalog
  const { bySku, products: existingProducts } = await loadExisting(ctx, allSkus, !opts.dryRun);
  const categories = categoryIndex((await listCategories(ctx)).data);
  const taxCodes = new Map((await listTaxCodes(ctx)).data.map((c) => [lower(c.name), c.id]));
  const claimed = new Map<string, number>();
  const planned: PlannedProduct[] = [];
  const allBarcodes: { v: PlannedVariant; b: { code: string; type: BarcodeType; key: string }; field: string }[] = [];
  const newCategories = new Map<string, string[]>();

  for (const p of input) {
    // which existing product this is: the one its known SKUs belong to
    let existing: ExistingProduct | null = null;
    const foreign = new Set<BulkVariant>();
    for (const v of p.variants) {
      const ev = bySku.get(lower(v.sku.trim()));
      if (!ev) continue;
      const owner = existingProducts.get(ev.product_id)!;
      if (!existing) existing = owner;
      else if (owner.id !== existing.id) {
        issues.add(v.ref, 'sku', `SKU ${v.sku} is already used by a variant of "${owner.name}", not of "${existing.name}" like the other rows of this product`);
        foreign.add(v);
      }
    }
    if (existing) {
      const first = claimed.get(existing.id);
      if (first !== undefined) {
        const v = p.variants.find((x) => bySku.get(lower(x.sku.trim()))?.product_id === existing!.id)!;
        issues.add(v.ref, 'sku', `SKU ${v.sku} is already used by a variant of "${existing.name}", which the product at ${first} already imports`);
        continue;
      }
      claimed.set(existing.id, p.ref);
    }

    const name = p.name ?? existing?.name;
    if (name === undefined) issues.add(p.ref, 'name', 'is required for a new product');
    let categoryKey: string | null = existing?.category_id ? `id:${existing.category_id}` : null;
    if (p.categoryPath !== undefined) {
      if (p.categoryPath === null || p.categoryPath.length === 0) categoryKey = null;
      else {
        const key = p.categoryPath.map((n) => lower(n.trim())).join('\u0000');
        const id = categories.get(key);
        categoryKey = id ? `id:${id}` : `new:${key}`;
        if (!id) newCategories.set(key, p.categoryPath.map((n) => n.trim()));
      }
    }
    let taxCodeId = existing?.tax_code_id ?? null;
    if (p.taxCode !== undefined) {
      taxCodeId = p.taxCode === null || p.taxCode.trim() === '' ? null : (taxCodes.get(lower(p.taxCode.trim())) ?? null);
      if (p.taxCode && !taxCodeId) issues.add(p.ref, 'tax_code', `no tax code is named "${p.taxCode}"; create it (with its rates per store) before importing`);
    }

    // options: names from the input (or kept), values merged case-insensitively, first spelling wins
    const current = existing?.options ?? [];
    let names = p.optionNames ? [...p.optionNames] : current.map((o) => o.name);
    if (existing && p.optionNames && p.optionNames.length !== current.length) {
      issues.add(p.ref, 'options', `"${existing.name}" has ${current.length} option${current.length === 1 ? '' : 's'}${current.length ? ` (${current.map((o) => o.name).join(', ')})` : ''}; the number of options of an existing product cannot change`);
      names = current.map((o) => o.name);
    }
    const options = names.map((n, i) => ({ name: n, values: [...(current[i]?.values ?? [])] }));
    const valueIndex = options.map((o) => new Map(o.values.map((v) => [lower(v), v])));
    const canonical = (values: readonly string[]): string[] =>
      values.map((raw, i) => {
        const v = raw.trim();
        const idx = valueIndex[i];
        if (!idx) return v;
        const found = idx.get(lower(v));
        if (found !== undefined) return found;
        idx.set(lower(v), v);
        options[i]!.values.push(v);
        return v;
      });

    const plan: PlannedProduct = {
      input: p,
      id: existing?.id ?? newId(),
      existing,
      name: name ?? '',
      description: p.description !== undefined ? (p.description === '' ? null : p.description) : (existing?.description ?? null),
      categoryKey,
      taxCodeId,
      imageUrls: p.imageUrls ? [...p.imageUrls] : (existing?.image_urls ?? []),
      options,
      status: existing?.status ?? 'active',
      changed: false,
      reindex: false,
      variants: [],
    };
    for (const v of p.variants) {
      if (foreign.has(v)) continue;
      const ev = bySku.get(lower(v.sku.trim())) ?? null;
      const ownEv = ev && ev.product_id === plan.id ? ev : null;
      const given = v.optionValues ?? ownEv?.option_values ?? [];
      if (v.optionValues === undefined && !ownEv && names.length > 0) issues.add(v.ref, 'option_values', `a new variant needs a value for each option (${names.join(', ')})`);
      else if (given.length !== names.length) {
        issues.add(v.ref, given.length > names.length ? `option_values.${names.length}` : `option_values.${given.length}`, names.length === 0 ? 'must be empty: the product has no options' : `needs one value per option (${names.join(', ')})`);
      }
      if (!ownEv && v.price === undefined) issues.add(v.ref, 'price', 'is required for a new variant');
      const pv: PlannedVariant = { input: v, id: ownEv?.id ?? newId(), existing: ownEv, optionValues: canonical(given.slice(0, names.length)), barcodes: null, changed: false, priceChanges: new Map() };
      if (v.barcodes) {
        pv.barcodes = [];
        v.barcodes.forEach((b, i) => {
          const checked = checkBarcode(b.code, b.type);
          if (!checked.ok) issues.add(v.ref, `barcodes.${i}`, `${b.code} ${checked.message}`);
          else {
            const code = { code: checked.code, type: checked.type, key: checked.key };
            pv.barcodes!.push(code);
            allBarcodes.push({ v: pv, b: code, field: `barcodes.${i}` });
          }
        });
      }
      plan.variants.push(pv);
    }
    options.forEach((o, i) => {
      if (o.values.length > MAX_OPTION_VALUES) issues.add(p.ref, `options.${i}`, `must have at most ${MAX_OPTION_VALUES} values (${o.values.length} given)`);
    });

    // option combinations are unique within the product, including variants the input leaves alone
    const combos = new Map<string, string>();
    const inputIds = new Set(plan.variants.map((v) => v.id));
    for (const ev of existing?.variants ?? []) if (!inputIds.has(ev.id)) combos.set(JSON.stringify(ev.option_values.map(lower)), `SKU ${ev.sku}`);
    for (const pv of plan.variants) {
      const combo = JSON.stringify(pv.optionValues.map(lower));
      const other = combos.get(combo);
      if (other !== undefined) {
        issues.add(pv.input.ref, names.length ? 'option_values' : 'variants', names.length ? `${pv.optionValues.join(' / ')} is already the option values of ${other}` : 'a product without options has one variant; add an option (such as Size) for more');
      } else combos.set(combo, `SKU ${pv.input.sku} (at ${pv.input.ref})`);
    }
    if (combos.size > MAX_VARIANTS_PER_PRODUCT) issues.add(p.ref, 'variants', `a product has at most ${MAX_VARIANTS_PER_PRODUCT} variants`);
    planned.push(plan);
  }

  // barcodes are unique per tenant: against each other, and against variants that keep theirs
  const owners = await barcodeOwners(ctx, allBarcodes.map((x) => x.b.key));
  const replacing = new Set(planned.flatMap((p) => p.variants.filter((v) => v.barcodes !== null && v.existing).map((v) => v.id)));
  const usedBy = new Map<string, PlannedVariant>();
  for (const { v, b, field } of allBarcodes) {
    const first = usedBy.get(b.key);
    if (first && first !== v) issues.add(v.input.ref, field, `${b.code} is also the barcode of SKU ${first.input.sku} (at ${first.input.ref})`);
    else if (first === v) issues.add(v.input.ref, field, `${b.code} is listed twice`);
    else usedBy.set(b.key, v);
    const owner = owners.get(b.key);
    if (owner && owner.variantId !== v.id && !replacing.has(owner.variantId)) issues.add(v.input.ref, field, `${b.code} is already the barcode of SKU ${owner.sku}`);
  }

  // ---- what changes
  const summary: BulkSummary = { products_created: 0, products_updated: 0, variants_created: 0, variants_updated: 0 };
  for (const p of planned) {
    const ex = p.existing;
    for (const v of p.variants) {
      const ev = v.existing;
      const prices: [string | null, Money | null | undefined][] = [[null, v.input.price], ...(v.input.storePrices ?? [])];
      for (const [storeId, m] of prices) {
        if (m === undefined) continue;
        const open = ev?.prices.get(storeId);
        if (m === null ? open !== undefined : open !== m.amount) v.priceChanges.set(storeId, m);
      }
      if (ev) {
        v.changed =
          v.priceChanges.size > 0 ||
          (ev.sku !== v.input.sku.trim()) ||
          !sameList(ev.option_values, v.optionValues) ||
          (v.input.cost !== undefined && (v.input.cost?.amount ?? null) !== (ev.cost_amount === null ? null : Number(ev.cost_amount))) ||
          (v.input.trackSerials !== undefined && v.input.trackSerials !== ev.track_serials) ||
          (v.input.status !== undefined && v.input.status !== ev.status) ||
          (v.barcodes !== null && !sameList(ev.barcodes.map((b) => `${b.type}:${b.code}`), v.barcodes.map((b) => `${b.type}:${b.code}`)));
        if (v.changed) summary.variants_updated++;
      } else summary.variants_created++;
    }
    if (ex) {
      // restoring a variant of an archived product puts the product back on sale (as restoreVariant does)
      if (ex.status === 'archived' && p.variants.some((v) => v.existing?.status === 'archived' && v.input.status === 'active')) p.status = 'active';
      p.reindex = p.name !== ex.name || JSON.stringify(ex.options) !== JSON.stringify(p.options);
      p.changed =
        p.reindex ||
        p.description !== ex.description ||
        p.categoryKey !== (ex.category_id ? `id:${ex.category_id}` : null) ||
        p.taxCodeId !== ex.tax_code_id ||
        !sameList(p.imageUrls, ex.image_urls) ||
        p.status !== ex.status;
      if (p.changed) summary.products_updated++;
    } else {
      p.reindex = true;
      p.status = p.variants.every((v) => v.input.status === 'archived') ? 'archived' : 'active';
      summary.products_created++;
    }
  }

  const outcome = (ids: boolean): BulkVariantOutcome[] =>
    planned.flatMap((p) =>
      p.variants.map((v) => ({
        ref: v.input.ref,
        sku: v.input.sku.trim(),
        id: v.existing || ids ? v.id : null,
        created: !v.existing,
        trackSerials: v.input.trackSerials ?? v.existing?.track_serials ?? false,
        cost: v.input.cost !== undefined ? v.input.cost : costOf(v.existing),
      })),
    );
  if (issues.count > 0 || opts.dryRun) return { issues: issues.list, moreIssues: issues.more, summary, variants: outcome(false) };

  try {
    await write(ctx, planned, { currency: settings.currency ? null : currency, newCategories, onProgress: opts.onProgress });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError(409, 'import_conflict', 'A SKU, barcode or option combination in this import was just taken by another change; nothing was imported. Try again.');
    }
    throw err;
  }
  return { issues: [], moreIssues: 0, summary, variants: outcome(true) };
}

// ---------------------------------------------------------------- writing

async function write(
  ctx: Ctx,
  planned: PlannedProduct[],
  opts: { currency: string | null; newCategories: Map<string, string[]>; onProgress?: ((done: number, total: number) => void) | undefined },
): Promise<void> {
  const db = t(ctx.trx);
  const tenant = ctx.tenantId;
  const now = ctx.clock.now();
  const total = planned.reduce((n, p) => n + p.variants.length, 0);
  // half for writing the variants, half for recording them in the feed (the slower part)
  let units = 0;
  const progress = (n: number) => {
    units += n;
    opts.onProgress?.(Math.min(total, Math.floor(units / 2)), total);
  };
  if (opts.currency) await initSettings(ctx, opts.currency);

  // categories named by path that do not exist yet, parents first
  const categoryIds = new Map<string, string>();
  if (opts.newCategories.size > 0) {
    const known = categoryIndex((await listCategories(ctx)).data);
    for (const [key, names] of [...opts.newCategories].toSorted((a, b) => a[1].length - b[1].length)) {
      let parent: string | null = null;
      for (let depth = 1; depth <= names.length; depth++) {
        const k = names.slice(0, depth).map(lower).join('\u0000');
        let id = known.get(k);
        if (!id) {
          id = (await createCategory(ctx, { name: names[depth - 1]!, parent_id: parent })).id;
          known.set(k, id);
        }
        parent = id;
      }
      categoryIds.set(key, parent!);
    }
  }
  const categoryOf = (key: string | null) => (key === null ? null : key.startsWith('id:') ? key.slice(3) : categoryIds.get(key.slice(4))!);

  const created = planned.filter((p) => !p.existing);
  const updated = planned.filter((p) => p.existing && p.changed);

  // ---- products
  for (const part of chunks(created, BATCH)) {
    await db
      .insertInto('catalog.products')
      .values(part.map((p) => ({ tenant_id: tenant, id: p.id, name: p.name, description: p.description, category_id: categoryOf(p.categoryKey), tax_code_id: p.taxCodeId, image_urls: p.imageUrls, status: p.status, created_at: now, updated_at: now })))
      .execute();
  }
  for (const part of chunks(updated, BATCH)) {
    await sql`
      update catalog.products p set name = u.name, description = u.description, category_id = u.category_id, tax_code_id = u.tax_code_id,
        image_urls = array(select e.x from jsonb_array_elements_text(u.image_urls) with ordinality as e(x, n) order by e.n), status = u.status, version = p.version + 1, updated_at = ${now}
      from unnest(${part.map((p) => p.id)}::uuid[], ${part.map((p) => p.name)}::text[], ${part.map((p) => p.description)}::text[],
                  ${part.map((p) => categoryOf(p.categoryKey))}::uuid[], ${part.map((p) => p.taxCodeId)}::uuid[],
                  ${part.map((p) => JSON.stringify(p.imageUrls))}::jsonb[], ${part.map((p) => p.status)}::text[])
        as u(id, name, description, category_id, tax_code_id, image_urls, status)
      where p.id = u.id`.execute(ctx.trx);
  }
  const optionRows = (ps: PlannedProduct[]) => ps.flatMap((p) => p.options.map((o, i) => ({ tenant_id: tenant, product_id: p.id, position: i, name: o.name, values: o.values })));
  const reoptioned = updated.filter((p) => JSON.stringify(p.options) !== JSON.stringify(p.existing!.options));
  for (const part of chunks(reoptioned.map((p) => p.id), LIST)) await db.deleteFrom('catalog.product_options').where('product_id', 'in', part).execute();
  for (const part of chunks(optionRows([...created, ...reoptioned]), BATCH)) await db.insertInto('catalog.product_options').values(part).execute();

  // ---- variants
  const newVariants = planned.flatMap((p) => {
    let position = p.existing ? Math.max(-1, ...p.existing.variants.map((v) => v.position)) + 1 : 0;
    return p.variants.filter((v) => !v.existing).map((v) => ({ p, v, position: position++ }));
  });
  const changedVariants = planned.flatMap((p) => p.variants.filter((v) => v.existing && v.changed));
  // option values move between variants in two steps, so a swap never meets the unique index half-done
  const moved = changedVariants.filter((v) => !sameList(v.existing!.option_values, v.optionValues));
  for (const part of chunks(moved.map((v) => v.id), LIST)) {
    await sql`update catalog.variants set option_values = array[id::text] where id = any(${part}::uuid[])`.execute(ctx.trx);
  }
  progress(planned.reduce((n, p) => n + p.variants.filter((v) => v.existing && !v.changed).length, 0));
  for (const part of chunks(changedVariants, BATCH)) {
    const cost = (v: PlannedVariant) => (v.input.cost !== undefined ? v.input.cost : costOf(v.existing));
    await sql`
      update catalog.variants v set sku = u.sku, option_values = array(select e.x from jsonb_array_elements_text(u.option_values) with ordinality as e(x, n) order by e.n),
        cost_amount = u.cost_amount, cost_currency = u.cost_currency, track_serials = u.track_serials, status = u.status,
        version = v.version + 1, updated_at = ${now}
      from unnest(${part.map((v) => v.id)}::uuid[], ${part.map((v) => v.input.sku.trim())}::text[], ${part.map((v) => JSON.stringify(v.optionValues))}::jsonb[],
                  ${part.map((v) => cost(v)?.amount ?? null)}::bigint[], ${part.map((v) => cost(v)?.currency ?? null)}::text[],
                  ${part.map((v) => v.input.trackSerials ?? v.existing!.track_serials)}::boolean[], ${part.map((v) => v.input.status ?? v.existing!.status)}::text[])
        as u(id, sku, option_values, cost_amount, cost_currency, track_serials, status)
      where v.id = u.id`.execute(ctx.trx);
    progress(part.length);
  }
  // new rows go in as one array per column (unnest): a handful of parameters however many rows
  for (const part of chunks(newVariants, UNNEST_BATCH)) {
    await sql`
      insert into catalog.variants (tenant_id, id, product_id, sku, option_values, position, cost_amount, cost_currency, track_serials, status, created_at, updated_at)
      select ${tenant}::uuid, u.id, u.product_id, u.sku,
             array(select e.x from jsonb_array_elements_text(u.option_values) with ordinality as e(x, n) order by e.n),
             u.position, u.cost_amount, u.cost_currency, u.track_serials, u.status, ${now}::timestamptz, ${now}::timestamptz
      from unnest(${part.map((x) => x.v.id)}::uuid[], ${part.map((x) => x.p.id)}::uuid[], ${part.map((x) => x.v.input.sku.trim())}::text[],
                  ${part.map((x) => JSON.stringify(x.v.optionValues))}::jsonb[], ${part.map((x) => x.position)}::int[],
                  ${part.map((x) => x.v.input.cost?.amount ?? null)}::bigint[], ${part.map((x) => x.v.input.cost?.currency ?? null)}::text[],
                  ${part.map((x) => x.v.input.trackSerials ?? false)}::boolean[], ${part.map((x) => x.v.input.status ?? 'active')}::text[])
        as u(id, product_id, sku, option_values, position, cost_amount, cost_currency, track_serials, status)`.execute(ctx.trx);
    progress(part.length);
  }

  // ---- barcodes: the replaced ones go first, so a code may move from one variant to another
  const rebarcoded = changedVariants.filter((v) => v.barcodes !== null);
  for (const part of chunks(rebarcoded.map((v) => v.id), LIST)) await db.deleteFrom('catalog.barcodes').where('variant_id', 'in', part).execute();
  const barcodeRows = [...rebarcoded, ...newVariants.map((x) => x.v)].flatMap((v) =>
    (v.barcodes ?? []).map((b, position) => ({ tenant_id: tenant, lookup_key: b.key, code: b.code, type: b.type, variant_id: v.id, position })),
  );
  for (const part of chunks(barcodeRows, UNNEST_BATCH)) {
    await sql`
      insert into catalog.barcodes (tenant_id, lookup_key, code, type, variant_id, position)
      select ${tenant}::uuid, u.* from unnest(${part.map((r) => r.lookup_key)}::text[], ${part.map((r) => r.code)}::text[], ${part.map((r) => r.type)}::text[],
                                           ${part.map((r) => r.variant_id)}::uuid[], ${part.map((r) => r.position)}::int[])
        as u(lookup_key, code, type, variant_id, position)`.execute(ctx.trx);
  }

  // ---- prices: close the open version, open the next one where it closed (strictly after its start)
  const priceChanges = planned.flatMap((p) => p.variants.flatMap((v) => [...v.priceChanges].map(([storeId, price]) => ({ v, storeId, price }))));
  const validFrom = new Map<string, Date>();
  const closing = priceChanges.filter((c) => c.v.existing?.prices.has(c.storeId));
  for (const part of chunks(closing, BATCH)) {
    const r = await sql<{ variant_id: string; store_id: string | null; valid_to: Date }>`
      update catalog.price_versions pv set valid_to = greatest(${now}::timestamptz, pv.valid_from + interval '1 millisecond')
      from unnest(${part.map((c) => c.v.id)}::uuid[], ${part.map((c) => c.storeId)}::uuid[]) as u(variant_id, store_id)
      where pv.variant_id = u.variant_id and pv.store_id is not distinct from u.store_id and pv.valid_to is null
      returning pv.variant_id, pv.store_id, pv.valid_to`.execute(ctx.trx);
    for (const row of r.rows) validFrom.set(`${row.variant_id}/${row.store_id}`, row.valid_to);
  }
  const priceRows = priceChanges
    .filter((c) => c.price !== null)
    .map((c) => ({ tenant_id: tenant, id: newId(), variant_id: c.v.id, store_id: c.storeId, amount: c.price!.amount, currency: c.price!.currency, valid_from: validFrom.get(`${c.v.id}/${c.storeId}`) ?? now, valid_to: null, created_by: ctx.actor.id }));
  for (const part of chunks(priceRows, UNNEST_BATCH)) {
    await sql`
      insert into catalog.price_versions (tenant_id, id, variant_id, store_id, amount, currency, valid_from, valid_to, created_by)
      select ${tenant}::uuid, u.id, u.variant_id, u.store_id, u.amount, u.currency, u.valid_from, null, ${ctx.actor.id}::uuid
      from unnest(${part.map((r) => r.id)}::uuid[], ${part.map((r) => r.variant_id)}::uuid[], ${part.map((r) => r.store_id)}::uuid[],
                  ${part.map((r) => r.amount)}::bigint[], ${part.map((r) => r.currency)}::text[], ${part.map((r) => r.valid_from.toISOString())}::timestamptz[])
        as u(id, variant_id, store_id, amount, currency, valid_from)`.execute(ctx.trx);
  }

  // ---- search terms, the change feed, events
  const reindexed = planned.filter((p) => p.reindex);
  for (const part of chunks(reindexed, BATCH)) await indexProducts(ctx, part.map((p) => ({ id: p.id, name: p.name, optionValues: p.options.flatMap((o) => o.values) })));

  const touched = planned.filter((p) => !p.existing || p.changed || p.variants.some((v) => !v.existing || v.changed));
  for (const part of chunks(touched, 500)) {
    const dtos = new Map((await loadProducts(ctx.trx, part.map((p) => p.id))).map((d) => [d.id, d]));
    const changes: Change[] = [];
    for (const p of part) {
      const dto = dtos.get(p.id)!;
      const { variants, ...core } = dto;
      const byId = new Map(variants.map((v) => [v.id, v]));
      if (!p.existing) changes.push({ entity: 'product', id: p.id, action: 'created', data: core });
      else if (p.changed) changes.push({ entity: 'product', id: p.id, action: 'updated', data: core });
      for (const v of p.variants) {
        if (v.existing && !v.changed) continue;
        const action = !v.existing ? 'created' : v.existing.status !== (v.input.status ?? v.existing.status) ? (v.input.status === 'archived' ? 'archived' : 'restored') : 'updated';
        changes.push({ entity: 'variant', id: v.id, parentId: p.id, action, data: byId.get(v.id)! });
      }
    }
    await recordChanges(ctx, changes);
    await emitEvents(ctx, part, dtos, validFrom);
    progress(part.reduce((n, p) => n + p.variants.length, 0));
  }
  opts.onProgress?.(total, total);
}

/** The events the single-item operations emit, for what this upsert changed. */
async function emitEvents(ctx: Ctx, part: PlannedProduct[], dtos: Map<string, ProductDto>, validFrom: Map<string, Date>): Promise<void> {
  const events: { type: string; payload: Record<string, unknown> }[] = [];
  const emit = async (type: string, payload: Record<string, unknown>) => void events.push({ type, payload });
  for (const p of part) {
    const dto = dtos.get(p.id)!;
    const byId = new Map(dto.variants.map((v) => [v.id, v]));
    if (!p.existing) {
      await emit(CatalogEvents.productCreated, {
        product_id: p.id,
        name: dto.name,
        category_id: dto.category_id,
        variants: p.variants.map((v) => byId.get(v.id)!).map((v) => ({ variant_id: v.id, sku: v.sku, price: v.price, track_serials: v.track_serials })),
      });
      continue;
    }
    if (p.changed) {
      const ex = p.existing;
      const fields = [
        p.name !== ex.name && 'name',
        p.description !== ex.description && 'description',
        dto.category_id !== ex.category_id && 'category_id',
        p.taxCodeId !== ex.tax_code_id && 'tax_code_id',
        !sameList(p.imageUrls, ex.image_urls) && 'image_urls',
        JSON.stringify(p.options) !== JSON.stringify(ex.options) && 'options',
        p.status !== ex.status && 'status',
      ].filter((f): f is string => typeof f === 'string');
      await emit(CatalogEvents.productUpdated, { product_id: p.id, fields });
    }
    for (const v of p.variants) {
      const dv = byId.get(v.id)!;
      if (!v.existing) {
        await emit(CatalogEvents.variantCreated, { variant_id: v.id, product_id: p.id, sku: dv.sku, track_serials: dv.track_serials });
        continue;
      }
      if (!v.changed) continue;
      const ev = v.existing;
      if (v.input.status !== undefined && v.input.status !== ev.status) {
        await emit(v.input.status === 'archived' ? CatalogEvents.variantArchived : CatalogEvents.variantRestored, { variant_id: v.id, product_id: p.id, sku: dv.sku });
      }
      const fields = [
        ev.sku !== dv.sku && 'sku',
        !sameList(ev.option_values, dv.option_values) && 'option_values',
        (dv.cost?.amount ?? null) !== (ev.cost_amount === null ? null : Number(ev.cost_amount)) && 'cost',
        dv.track_serials !== ev.track_serials && 'track_serials',
        v.barcodes !== null && !sameList(ev.barcodes.map((b) => b.key), v.barcodes.map((b) => b.key)) && 'barcodes',
      ].filter((f): f is string => typeof f === 'string');
      if (fields.length) await emit(CatalogEvents.variantUpdated, { variant_id: v.id, product_id: p.id, sku: dv.sku, fields });
      for (const [storeId, price] of v.priceChanges) {
        const old = ev.prices.get(storeId);
        await emit(CatalogEvents.priceChanged, {
          variant_id: v.id,
          store_id: storeId,
          old: old === undefined ? null : { amount: old, currency: dv.price?.currency ?? price?.currency ?? null },
          new: price,
          valid_from: (validFrom.get(`${v.id}/${storeId}`) ?? ctx.clock.now()).toISOString(),
        });
      }
    }
  }
  await appendEvents(ctx, events);
}

/**
 * Appends events to the outbox in this transaction, one statement per thousand: the same rows
 * `ctx.emit` writes one at a time (platform/events/outbox.ts), which for 20,000 new products would
 * be 20,000 round trips.
 */
async function appendEvents(ctx: Ctx, events: { type: string; payload: Record<string, unknown> }[]): Promise<void> {
  for (const part of chunks(events, 1000)) {
    await sql`
      insert into platform.outbox (id, tenant_id, type, version, payload)
      select u.id, ${ctx.tenantId}::uuid, u.type, 1, u.payload
      from unnest(${part.map(() => newId())}::uuid[], ${part.map((e) => e.type)}::text[], ${part.map((e) => JSON.stringify(e.payload))}::jsonb[]) with ordinality as u(id, type, payload, n)
      order by u.n`.execute(ctx.trx);
  }
}
