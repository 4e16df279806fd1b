-- Catalog: categories, tax codes and rates, products, options, variants, barcodes, price versions,
-- a search index and the change feed. Every table leads its keys with tenant_id and is guarded by
-- row-level security on platform.current_tenant(). Store ids come from identity: ids only, no FK
-- across schemas.
create schema if not exists catalog;

-- Trigram similarity for fuzzy search (trusted extension: a database owner may create it).
create extension if not exists pg_trgm with schema public;

create table catalog.settings (
  tenant_id uuid primary key,
  -- the tenant's currency: from tenant.created, or the first price written before that arrived
  currency char(3),
  prices_include_tax boolean not null default false,
  version integer not null default 1,
  updated_at timestamptz not null default now()
);

create table catalog.categories (
  tenant_id uuid not null,
  id uuid not null,
  parent_id uuid,
  name text not null,
  position integer not null default 0,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, parent_id) references catalog.categories (tenant_id, id)
);
-- sibling names are unique (root categories included: nulls not distinct)
create unique index categories_sibling_name on catalog.categories (tenant_id, parent_id, lower(name)) nulls not distinct;
create index categories_parent on catalog.categories (tenant_id, parent_id);

create table catalog.tax_codes (
  tenant_id uuid not null,
  id uuid not null,
  name text not null,
  description text,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index tax_codes_name on catalog.tax_codes (tenant_id, lower(name));

-- Several rates per code and store (state + city), each on the line's taxable amount.
create table catalog.tax_rates (
  tenant_id uuid not null,
  id uuid not null,
  tax_code_id uuid not null,
  store_id uuid not null,
  name text not null,
  -- parts per million: 88750 = 8.875 %
  rate_ppm integer not null check (rate_ppm between 0 and 1000000),
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, tax_code_id) references catalog.tax_codes (tenant_id, id) on delete cascade
);
create unique index tax_rates_name on catalog.tax_rates (tenant_id, tax_code_id, store_id, lower(name));
create index tax_rates_store on catalog.tax_rates (tenant_id, store_id);

create table catalog.products (
  tenant_id uuid not null,
  id uuid not null,
  name text not null,
  description text,
  category_id uuid,
  tax_code_id uuid,
  image_urls text[] not null default '{}',
  status text not null default 'active' check (status in ('active', 'archived')),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, category_id) references catalog.categories (tenant_id, id),
  foreign key (tenant_id, tax_code_id) references catalog.tax_codes (tenant_id, id)
);
create index products_name on catalog.products (tenant_id, name, id);
create index products_category on catalog.products (tenant_id, category_id);
create index products_tax_code on catalog.products (tenant_id, tax_code_id);

-- Options (Size, Color) with their values in display order.
create table catalog.product_options (
  tenant_id uuid not null,
  product_id uuid not null,
  position integer not null,
  name text not null,
  "values" text[] not null,
  primary key (tenant_id, product_id, position),
  foreign key (tenant_id, product_id) references catalog.products (tenant_id, id) on delete cascade
);
create unique index product_options_name on catalog.product_options (tenant_id, product_id, lower(name));

create table catalog.variants (
  tenant_id uuid not null,
  id uuid not null,
  product_id uuid not null,
  sku text not null,
  -- lower-cased copy: SKUs are unique regardless of case, and plain comparisons on a column
  -- (unlike lower(sku)) are leakproof, so indexes stay usable under row-level security
  sku_lc text generated always as (lower(sku)) stored,
  -- one value per product option, in option order
  option_values text[] not null default '{}',
  position integer not null default 0,
  cost_amount bigint,
  cost_currency char(3),
  track_serials boolean not null default false,
  status text not null default 'active' check (status in ('active', 'archived')),
  -- set when a sale of the variant completes: from then on it may be archived, never deleted
  ever_sold boolean not null default false,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, product_id) references catalog.products (tenant_id, id),
  check ((cost_amount is null) = (cost_currency is null))
);
create unique index variants_sku on catalog.variants (tenant_id, sku_lc text_pattern_ops);
create unique index variants_options on catalog.variants (tenant_id, product_id, option_values);
create index variants_product on catalog.variants (tenant_id, product_id, position);

create table catalog.barcodes (
  tenant_id uuid not null,
  -- gtin:<GTIN-14> for UPC-A/EAN-13/EAN-8 (so a UPC-A and its EAN-13 form are one code), int:<code> otherwise
  lookup_key text not null,
  code text not null,
  type text not null check (type in ('upca', 'ean13', 'ean8', 'internal')),
  variant_id uuid not null,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  primary key (tenant_id, lookup_key),
  foreign key (tenant_id, variant_id) references catalog.variants (tenant_id, id) on delete cascade
);
create index barcodes_variant on catalog.barcodes (tenant_id, variant_id);

-- Every price a variant ever had, base (store_id null) or per store, each valid in
-- [valid_from, valid_to). A change closes the open version and opens the next under the
-- variant's row lock, so any (variant, store, instant) has exactly one price.
create table catalog.price_versions (
  tenant_id uuid not null,
  id uuid not null,
  variant_id uuid not null,
  store_id uuid,
  amount bigint not null check (amount >= 0),
  currency char(3) not null,
  valid_from timestamptz not null,
  valid_to timestamptz,
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, variant_id) references catalog.variants (tenant_id, id) on delete cascade,
  check (valid_to is null or valid_to > valid_from)
);
create unique index price_versions_open on catalog.price_versions (tenant_id, variant_id, store_id) nulls not distinct where valid_to is null;
create index price_versions_at on catalog.price_versions (tenant_id, variant_id, store_id, valid_from);

-- Search index: the words of each product's name and option values (an inverted index). Lookups
-- are equality and range comparisons on plain columns, which row-level security lets the planner
-- use with an index; a trigram index on the name could not be (its operators are not leakproof).
create table catalog.search_terms (
  tenant_id uuid not null,
  product_id uuid not null,
  term text not null,
  -- lower(product name), so one term's products come out of the index in name order
  sort_name text not null,
  primary key (tenant_id, product_id, term),
  foreign key (tenant_id, product_id) references catalog.products (tenant_id, id) on delete cascade
);
create index search_terms_term on catalog.search_terms (tenant_id, term text_pattern_ops, sort_name, product_id);

-- The vocabulary of search_terms, for fuzzy matching of misspelt words by trigram distance.
create table catalog.search_words (
  tenant_id uuid not null,
  word text not null,
  primary key (tenant_id, word)
);
create index search_words_prefix on catalog.search_words (tenant_id, word text_pattern_ops);
do $$
begin
  -- With btree_gist (PostgreSQL server) the trigram index leads with the tenant; PGlite has no
  -- btree_gist, and there the distance scan filters by tenant instead.
  if exists (select 1 from pg_available_extensions where name = 'btree_gist') then
    create extension if not exists btree_gist with schema public;
    create index search_words_trgm on catalog.search_words using gist (tenant_id, word public.gist_trgm_ops);
  else
    create index search_words_trgm on catalog.search_words using gist (word public.gist_trgm_ops);
  end if;
end $$;

-- The change feed for tills (GET /catalog/changes). Readers page by (kx, seq), where kx is the
-- writing transaction's id, raised to the kx of the entity's previous change, and return only
-- rows with kx below the oldest running transaction: see catalog.changes.ts for why this never
-- skips a change that commits late.
create table catalog.changes (
  tenant_id uuid not null,
  kx bigint not null,
  seq bigserial not null,
  entity text not null check (entity in ('product', 'variant', 'category', 'tax_code', 'settings')),
  entity_id uuid not null,
  action text not null,
  op text not null check (op in ('upsert', 'delete')),
  data jsonb,
  changed_at timestamptz not null default now(),
  primary key (tenant_id, kx, seq)
);
create index changes_entity on catalog.changes (tenant_id, entity_id, kx desc);

do $$
declare t text;
begin
  foreach t in array array['settings', 'categories', 'tax_codes', 'tax_rates', 'products', 'product_options', 'variants',
                           'barcodes', 'price_versions', 'search_terms', 'search_words', 'changes'] loop
    execute format('alter table catalog.%I enable row level security', t);
    execute format('alter table catalog.%I force row level security', t);
    execute format('create policy tenant_isolation on catalog.%I using (tenant_id = platform.current_tenant()) with check (tenant_id = platform.current_tenant())', t);
  end loop;
end $$;
