import { sql, type RawBuilder } from 'kysely';
import { barcodeLookupKeys } from '@novapos/domain';
import type { Ctx, Trx } from '@novapos/platform';
import { t } from './catalog.repository.ts';

/**
 * Product search: an inverted index of the words in product names and option values
 * (catalog.search_terms) plus its vocabulary (catalog.search_words).
 *
 * Why not a trigram index on products.name: under row-level security PostgreSQL only uses an
 * index for a condition whose operator is leakproof, and LIKE, ILIKE and pg_trgm's % are not;
 * every search would read all of a tenant's products. Equality and range comparisons on plain
 * text columns are leakproof, so word lookups stay index scans, leading with tenant_id. Fuzzy
 * matching runs trigram distance over the (small) vocabulary only, as an ordered index scan
 * (an ORDER BY is not a condition, so it is allowed), and feeds the corrected words back into
 * the same word lookups.
 *
 * Ranking: exact barcode, exact SKU, names whose words all start with the query's words, SKU
 * prefix, then misspelt names by similarity; within a tier by name.
 */

/** Highest code point: `w` ≤ x < `w + MAX` is "x starts with w" as a range. */
const MAX_CHAR = '\u{10FFFF}';
const MAX_TERM = 64;
/** Words of a query matched by prefix (a one-letter prefix can match many words). */
const PREFIX_WORDS = 100;
const FUZZY_WORDS = 8;
const FUZZY_MIN_SIMILARITY = 0.2;
const FUZZY_SPREAD = 0.15;
const FUZZY_NEAREST = 0.05;
const MAX_QUERY_WORDS = 6;

/** Lower-cased words without accents: "Café Crème 2-Pack" → cafe, creme, 2, pack. */
export function words(text: string): string[] {
  const out = new Set<string>();
  for (const w of text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').split(/[^\p{L}\p{N}]+/u)) {
    if (w) out.add(w.slice(0, MAX_TERM));
  }
  return [...out];
}

export interface Indexable {
  id: string;
  name: string;
  optionValues: readonly string[];
}

/** Replaces the search terms of products (after a create or any change of name or options). */
export async function indexProducts(ctx: Ctx, products: readonly Indexable[]): Promise<void> {
  if (products.length === 0) return;
  const db = t(ctx.trx);
  await db.deleteFrom('catalog.search_terms').where('product_id', 'in', products.map((p) => p.id)).execute();
  const rows = products.flatMap((p) => {
    const sortName = p.name.toLowerCase();
    return words([p.name, ...p.optionValues].join(' ')).map((term) => ({ tenant_id: ctx.tenantId, product_id: p.id, term, sort_name: sortName }));
  });
  const vocabulary = [...new Set(rows.map((r) => r.term))].toSorted();
  for (let i = 0; i < rows.length; i += 5000) await db.insertInto('catalog.search_terms').values(rows.slice(i, i + 5000)).execute();
  // Words are never removed: a stale one only costs a fuzzy candidate that matches nothing.
  for (let i = 0; i < vocabulary.length; i += 5000) {
    await db
      .insertInto('catalog.search_words')
      .values(vocabulary.slice(i, i + 5000).map((word) => ({ tenant_id: ctx.tenantId, word })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export interface SearchFilters {
  status?: 'active' | 'archived' | undefined;
  /** the category and its descendants */
  categoryIds?: string[] | undefined;
}

function productFilter(filters: SearchFilters, productRef: RawBuilder<unknown>): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (filters.status) parts.push(sql`p.status = ${filters.status}`);
  if (filters.categoryIds) parts.push(sql`p.category_id = any(${filters.categoryIds}::uuid[])`);
  if (parts.length === 0) return sql`true`;
  return sql`exists (select 1 from catalog.products p where p.id = ${productRef} and ${sql.join(parts, sql` and `)})`;
}

interface Candidates {
  prefix: string[];
  fuzzy: { word: string; sim: number }[];
  best: number;
}

/** A misspelling keeps roughly its length; a prefix match is not a correction. */
const plausibleTypo = (typed: string, word: string): boolean =>
  !word.startsWith(typed) && word.length >= Math.max(3, typed.length - 2) && word.length <= typed.length + 3;

async function candidateWords(trx: Trx, queryWords: string[]): Promise<Candidates[]> {
  const rows = await sql<{ i: number; word: string; fuzzy: boolean; sim: number }>`
    select u.i::int as i, w.word, w.fuzzy, w.sim
    from unnest(${queryWords}::text[]) with ordinality as u(w, i)
    cross join lateral (
      (select s.word, false as fuzzy, 1::real as sim from catalog.search_words s
        where s.word ~>=~ u.w and s.word ~<~ (u.w || ${MAX_CHAR}::text)
        order by s.word using ~<~ limit ${PREFIX_WORDS})
      union all
      (select s.word, true as fuzzy, similarity(s.word, u.w) as sim from catalog.search_words s
        where length(u.w) >= 3
        order by s.word <-> u.w limit ${FUZZY_WORDS})
    ) w`.execute(trx);
  const out = queryWords.map((): Candidates => ({ prefix: [], fuzzy: [], best: 0 }));
  for (const r of rows.rows.toSorted((a, b) => b.sim - a.sim)) {
    const c = out[r.i - 1]!;
    if (!r.fuzzy) c.prefix.push(r.word);
    // nearest first: keep the close ones, so "jnuiper" finds juniper and not every j-word
    else if (r.sim >= Math.max(FUZZY_MIN_SIMILARITY, c.best - FUZZY_SPREAD) && plausibleTypo(queryWords[r.i - 1]!, r.word)) {
      c.best = Math.max(c.best, r.sim);
      c.fuzzy.push({ word: r.word, sim: r.sim });
    }
  }
  return out;
}

/** Products having, for every query word, one of its candidate terms; by name. */
async function productsWithTerms(trx: Trx, perWord: string[][], filters: SearchFilters, n: number): Promise<string[]> {
  const [drive, ...rest] = perWord.toSorted((a, b) => a.length - b.length);
  if (!drive) return [];
  if (rest.length === 0) {
    // one word: each candidate term's postings come out of the index in name order, so taking
    // the first n of each and merging them reads a few rows per term, however common the word
    const rows = await sql<{ product_id: string }>`
      select m.product_id from unnest(${drive}::text[]) as c(term)
      cross join lateral (
        select s.product_id, s.sort_name from catalog.search_terms s
        where s.term = c.term and ${productFilter(filters, sql`s.product_id`)}
        order by s.sort_name, s.product_id limit ${n}
      ) m
      group by m.product_id
      order by min(m.sort_name), m.product_id
      limit ${n}`.execute(trx);
    return rows.rows.map((r) => r.product_id);
  }
  // several words: intersect their postings (a semi-join the planner may hash), then sort what
  // is left; walking one word's postings in name order would read most of them when the words
  // rarely meet ("acme linen" among thousands of "acme")
  const others = rest.map((c) => sql`exists (select 1 from catalog.search_terms s2 where s2.product_id = s.product_id and s2.term = any(${c}::text[]))`);
  const rows = await sql<{ product_id: string }>`
    select s.product_id from catalog.search_terms s
    where s.term = any(${drive}::text[]) and ${sql.join(others, sql` and `)} and ${productFilter(filters, sql`s.product_id`)}
    group by s.product_id
    order by min(s.sort_name), s.product_id
    limit ${n}`.execute(trx);
  return rows.rows.map((r) => r.product_id);
}

export async function productsByBarcode(trx: Trx, code: string, filters: SearchFilters): Promise<string[]> {
  return productsByCode(trx, code, false, filters);
}

/** Products with a variant whose barcode is `code` (either GTIN form), then (withSku) whose SKU is. */
async function productsByCode(trx: Trx, code: string, withSku: boolean, filters: SearchFilters): Promise<string[]> {
  const rows = await sql<{ product_id: string }>`
    select product_id from (
      select v.product_id, 0 as tier from catalog.barcodes b
      join catalog.variants v on v.tenant_id = b.tenant_id and v.id = b.variant_id
      where b.lookup_key = any(${barcodeLookupKeys(code)}::text[])
      ${withSku ? sql`union all select v.product_id, 1 from catalog.variants v where v.sku_lc = ${code.toLowerCase()}` : sql``}
    ) m
    where ${productFilter(filters, sql`m.product_id`)}
    order by tier`.execute(trx);
  return rows.rows.map((r) => r.product_id);
}

async function productsBySkuPrefix(trx: Trx, q: string, filters: SearchFilters, n: number): Promise<string[]> {
  const lc = q.toLowerCase();
  // several variants of one product share a prefix: read a few per product wanted, then dedupe
  const rows = await sql<{ product_id: string }>`
    select v.product_id from catalog.variants v
    where v.sku_lc ~>=~ ${lc} and v.sku_lc ~<~ ${lc + MAX_CHAR} and ${productFilter(filters, sql`v.product_id`)}
    order by v.sku_lc using ~<~ limit ${n * 8}`.execute(trx);
  return [...new Set(rows.rows.map((r) => r.product_id))];
}

/**
 * Product ids for `q`, best first: `offset + limit + 1` of them at most, so the caller can tell
 * whether there is a next page.
 */
export async function searchProductIds(ctx: Ctx, q: string, filters: SearchFilters, n: number): Promise<string[]> {
  const trx = ctx.trx;
  const found: string[] = [];
  const seen = new Set<string>();
  const add = (ids: string[]) => {
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      found.push(id);
    }
    return found.length >= n;
  };
  const token = /^[\x21-\x7e]{1,64}$/.test(q);
  if (token && add(await productsByCode(trx, q, true, filters))) return found;

  const qw = words(q).slice(0, MAX_QUERY_WORDS);
  const cands = qw.length ? await candidateWords(trx, qw) : [];
  if (cands.length && cands.every((c) => c.prefix.length > 0) && add(await productsWithTerms(trx, cands.map((c) => c.prefix), filters, n))) return found;
  if (token && add(await productsBySkuPrefix(trx, q, filters, n))) return found;
  if (cands.some((c) => c.fuzzy.length > 0) && cands.every((c) => c.prefix.length + c.fuzzy.length > 0)) {
    // the nearest corrections first, then the rest
    const nearest = cands.map((c) => [...c.prefix, ...c.fuzzy.filter((f) => f.sim >= c.best - FUZZY_NEAREST).map((f) => f.word)]);
    if (add(await productsWithTerms(trx, nearest, filters, n))) return found;
    if (cands.some((c) => c.fuzzy.some((f) => f.sim < c.best - FUZZY_NEAREST))) add(await productsWithTerms(trx, cands.map((c) => [...c.prefix, ...c.fuzzy.map((f) => f.word)]), filters, n));
  }
  return found;
}
