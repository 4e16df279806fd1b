-- Inventory: a per-store stock ledger (movements) with levels kept by atomic deltas, serial
-- numbers, transfers, supplier receipts and stock counts. Every key leads with tenant_id; store
-- and variant ids belong to identity and catalog, so they carry no foreign key across schemas.
create schema if not exists inventory;

-- Tenant-wide settings; a missing row means the defaults in inventory.service.ts.
create table inventory.settings (
  tenant_id uuid primary key,
  default_low_stock_threshold integer not null check (default_low_stock_threshold >= 0),
  updated_at timestamptz not null default now()
);

-- One row per (store, variant) that ever moved. on_hand only ever changes by
-- `on_hand = on_hand + delta` in the statement that appends the movement.
create table inventory.levels (
  tenant_id uuid not null,
  store_id uuid not null,
  variant_id uuid not null,
  on_hand integer not null default 0,
  reserved integer not null default 0 check (reserved >= 0),
  available integer generated always as (on_hand - reserved) stored,
  -- null: the tenant default
  low_stock_threshold integer check (low_stock_threshold >= 0),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, store_id, variant_id)
);
create index levels_variant on inventory.levels (tenant_id, variant_id);
create index levels_negative on inventory.levels (tenant_id, store_id, variant_id) where on_hand < 0;

-- The ledger: append-only, one row per stock change, with who, when, why and what for.
create table inventory.movements (
  tenant_id uuid not null,
  id uuid not null,
  store_id uuid not null,
  variant_id uuid not null,
  kind text not null check (kind in ('sale', 'return', 'receive', 'adjustment', 'transfer_out', 'transfer_in', 'count_correction')),
  quantity integer not null check (quantity <> 0),
  on_hand_after integer not null,
  reason text,
  note text,
  -- order, return, receipt, transfer or count the movement belongs to (null for adjustments)
  reference_type text,
  reference_id uuid,
  reference_line text,
  serial_numbers text[],
  unit_cost_amount bigint,
  unit_cost_currency char(3),
  actor_kind text not null,
  actor_id uuid,
  -- business time (a sale rung offline keeps its till time); recorded_at is when it reached us
  occurred_at timestamptz not null,
  recorded_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (kind <> 'adjustment' or reason is not null)
);
create index movements_store_variant on inventory.movements (tenant_id, store_id, variant_id, id);
create index movements_variant on inventory.movements (tenant_id, variant_id, id);
create index movements_store on inventory.movements (tenant_id, store_id, id);
-- A document line moves stock once per kind, whatever retries happen above (nulls never collide).
create unique index movements_reference on inventory.movements (tenant_id, reference_type, reference_id, reference_line, kind);

-- Orders and returns whose movements were recorded: the exactly-once guard of recordSale/recordReturn.
create table inventory.applied_references (
  tenant_id uuid not null,
  reference_type text not null,
  reference_id uuid not null,
  applied_at timestamptz not null default now(),
  primary key (tenant_id, reference_type, reference_id)
);

create table inventory.serials (
  tenant_id uuid not null,
  variant_id uuid not null,
  serial_number text not null,
  -- where the unit is (or was last, for sold and removed units)
  store_id uuid not null,
  state text not null check (state in ('in_stock', 'in_transit', 'sold', 'returned', 'removed')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, variant_id, serial_number)
);
create index serials_number on inventory.serials (tenant_id, serial_number);
create index serials_store on inventory.serials (tenant_id, store_id, variant_id, state);

create table inventory.transfers (
  tenant_id uuid not null,
  id uuid not null,
  from_store_id uuid not null,
  to_store_id uuid not null,
  status text not null default 'draft' check (status in ('draft', 'shipped', 'received', 'cancelled')),
  note text,
  created_by uuid,
  created_at timestamptz not null default now(),
  shipped_by uuid,
  shipped_at timestamptz,
  received_by uuid,
  received_at timestamptz,
  cancelled_by uuid,
  cancelled_at timestamptz,
  cancel_reason text,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (from_store_id <> to_store_id)
);
create index transfers_from on inventory.transfers (tenant_id, from_store_id, id);
create index transfers_to on inventory.transfers (tenant_id, to_store_id, id);

create table inventory.transfer_lines (
  tenant_id uuid not null,
  transfer_id uuid not null,
  id uuid not null,
  variant_id uuid not null,
  quantity integer not null check (quantity > 0),
  serial_numbers text[],
  received_quantity integer check (received_quantity >= 0 and received_quantity <= quantity),
  received_serial_numbers text[],
  difference_reason text,
  primary key (tenant_id, id),
  unique (tenant_id, transfer_id, variant_id),
  foreign key (tenant_id, transfer_id) references inventory.transfers (tenant_id, id) on delete cascade
);

create table inventory.receipts (
  tenant_id uuid not null,
  id uuid not null,
  store_id uuid not null,
  supplier text not null,
  supplier_reference text,
  note text,
  received_by uuid,
  received_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index receipts_store on inventory.receipts (tenant_id, store_id, id);

create table inventory.receipt_lines (
  tenant_id uuid not null,
  receipt_id uuid not null,
  line_no integer not null,
  variant_id uuid not null,
  quantity integer not null check (quantity > 0),
  unit_cost_amount bigint not null check (unit_cost_amount >= 0),
  unit_cost_currency char(3) not null,
  serial_numbers text[],
  primary key (tenant_id, receipt_id, line_no),
  foreign key (tenant_id, receipt_id) references inventory.receipts (tenant_id, id) on delete cascade
);

create table inventory.counts (
  tenant_id uuid not null,
  id uuid not null,
  store_id uuid not null,
  -- null: every variant
  category_id uuid,
  status text not null default 'open' check (status in ('open', 'submitted', 'cancelled')),
  note text,
  opened_by uuid,
  opened_at timestamptz not null,
  closed_by uuid,
  closed_at timestamptz,
  primary key (tenant_id, id)
);
-- Two open counts of one store would correct the same units twice.
create unique index counts_one_open on inventory.counts (tenant_id, store_id) where status = 'open';
create index counts_store on inventory.counts (tenant_id, store_id, id);

create table inventory.count_lines (
  tenant_id uuid not null,
  count_id uuid not null,
  variant_id uuid not null,
  sku text,
  name text,
  -- on_hand when the count was opened (for review)
  expected integer not null,
  counted integer check (counted >= 0),
  -- on_hand when the counted quantity was entered: the correction is counted minus this
  on_hand_at_count integer,
  counted_by uuid,
  counted_at timestamptz,
  -- what submit posted
  correction integer,
  primary key (tenant_id, count_id, variant_id),
  foreign key (tenant_id, count_id) references inventory.counts (tenant_id, id) on delete cascade
);

-- Barcodes and SKUs of the counted variants as they were at open, so a scan resolves locally.
create table inventory.count_codes (
  tenant_id uuid not null,
  count_id uuid not null,
  code text not null,
  variant_id uuid not null,
  primary key (tenant_id, count_id, code),
  foreign key (tenant_id, count_id) references inventory.counts (tenant_id, id) on delete cascade
);

do $$
declare t text;
begin
  foreach t in array array['settings', 'levels', 'movements', 'applied_references', 'serials', 'transfers', 'transfer_lines',
                           'receipts', 'receipt_lines', 'counts', 'count_lines', 'count_codes'] loop
    execute format('alter table inventory.%I enable row level security', t);
    execute format('alter table inventory.%I force row level security', t);
    execute format('create policy tenant_isolation on inventory.%I using (tenant_id = platform.current_tenant()) with check (tenant_id = platform.current_tenant())', t);
  end loop;
end $$;
