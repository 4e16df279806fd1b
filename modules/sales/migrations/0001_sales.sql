-- Sales: orders with their priced lines, the payment summaries kept on them, the transition log,
-- per-register order number counters, tenant settings, and cash drawer (register) sessions with
-- their cash movements. Every key leads with tenant_id; store, register, user, variant and payment
-- ids belong to other modules, so they carry no foreign key across schemas.
create schema if not exists sales;

-- Tenant-wide settings; a missing row means the defaults in sales.service.ts.
create table sales.settings (
  tenant_id uuid primary key,
  -- a discount above this share of what it applies to needs sales.discount_override
  cashier_max_discount_percent integer not null check (cashier_max_discount_percent between 0 and 100),
  -- cash is rounded to this many minor units (5 = 0.05); 0 = no rounding
  cash_rounding_increment integer not null check (cash_rounding_increment between 0 and 100000),
  updated_at timestamptz not null default now()
);

-- The last number given per prefix ("S1-R2", "S1-W"). Incremented in the transaction that creates
-- the order: the row lock serializes a register's orders and a rollback gives the number back, so
-- numbers are gapless.
create table sales.register_counters (
  tenant_id uuid not null,
  prefix text not null,
  store_id uuid not null,
  register_id uuid,
  last_value bigint not null check (last_value >= 0),
  primary key (tenant_id, prefix)
);

create table sales.drawer_sessions (
  tenant_id uuid not null,
  id uuid not null,
  store_id uuid not null,
  register_id uuid not null,
  status text not null default 'open' check (status in ('open', 'closed')),
  currency char(3) not null,
  opening_float bigint not null check (opening_float >= 0),
  -- opening float + every cash movement; only ever changed by `expected_cash = expected_cash + delta`
  expected_cash bigint not null,
  opened_by uuid,
  opened_at timestamptz not null,
  closed_by uuid,
  closed_at timestamptz,
  counted_cash bigint,
  counted_denominations jsonb,
  -- counted − expected, kept up to date when late (offline) cash sales reach a closed session
  variance bigint,
  unsynced_sales integer,
  close_warnings jsonb,
  primary key (tenant_id, id),
  check ((status = 'closed') = (closed_at is not null))
);
create unique index drawer_sessions_one_open on sales.drawer_sessions (tenant_id, register_id) where status = 'open';
create index drawer_sessions_register on sales.drawer_sessions (tenant_id, register_id, opened_at desc);

-- The drawer's ledger: cash in (sales, paid in) and out (paid out, change, voided cash sales).
create table sales.cash_movements (
  tenant_id uuid not null,
  id uuid not null,
  session_id uuid not null,
  kind text not null check (kind in ('sale', 'sale_reversal', 'paid_in', 'paid_out')),
  -- signed: positive into the drawer
  amount bigint not null,
  order_id uuid,
  payment_id uuid,
  reason text,
  actor_id uuid,
  occurred_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, session_id) references sales.drawer_sessions (tenant_id, id)
);
create index cash_movements_session on sales.cash_movements (tenant_id, session_id, id);
-- a payment moves the drawer once per kind, whatever is redelivered
create unique index cash_movements_payment on sales.cash_movements (tenant_id, payment_id, kind) where payment_id is not null;

create table sales.orders (
  tenant_id uuid not null,
  id uuid not null,
  number text not null,
  status text not null check (status in ('open', 'completed', 'voided', 'partially_refunded', 'refunded')),
  store_id uuid not null,
  register_id uuid,
  session_id uuid,
  cashier_id uuid,
  customer_id uuid,
  parked boolean not null default false,
  captured_offline_at timestamptz,
  needs_review boolean not null default false,
  review_reasons text[] not null default '{}',
  reviewed_by uuid,
  reviewed_at timestamptz,
  review_note text,
  currency char(3) not null,
  prices_include_tax boolean not null,
  order_discount jsonb,
  subtotal bigint not null,
  discount_total bigint not null,
  tax_total bigint not null,
  total bigint not null,
  tip_total bigint not null default 0,
  cash_rounding bigint not null default 0,
  amount_paid bigint not null default 0,
  change_due bigint not null default 0,
  tax_breakdown jsonb not null default '[]',
  note text,
  -- hash of the create body: a resend with the same id and content returns the order
  content_hash text not null,
  receipt_prints integer not null default 0,
  void_reason text,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  completed_at timestamptz,
  voided_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, number)
);
create index orders_store on sales.orders (tenant_id, store_id, id desc);
create index orders_register on sales.orders (tenant_id, register_id, id desc);
create index orders_session on sales.orders (tenant_id, session_id);
create index orders_open on sales.orders (tenant_id, register_id) where status = 'open';
create index orders_review on sales.orders (tenant_id, id desc) where needs_review;

create table sales.order_lines (
  tenant_id uuid not null,
  order_id uuid not null,
  id uuid not null,
  position integer not null,
  -- null for a custom-amount line
  variant_id uuid,
  sku text,
  name text not null,
  options jsonb not null default '{}',
  quantity integer not null check (quantity > 0),
  unit_price bigint not null check (unit_price >= 0),
  price_source text not null check (price_source in ('current', 'offline_valid', 'offline_unverified', 'custom')),
  -- the price version used: where it came from (store override or base) and since when
  price_version_source text,
  price_valid_from timestamptz,
  tax_code_id uuid,
  serial_numbers text[] not null default '{}',
  discount jsonb,
  line_discount bigint not null,
  order_discount_share bigint not null,
  discount_total bigint not null,
  net bigint not null,
  tax_lines jsonb not null default '[]',
  tax_total bigint not null,
  total bigint not null,
  primary key (tenant_id, id),
  unique (tenant_id, order_id, position),
  foreign key (tenant_id, order_id) references sales.orders (tenant_id, id) on delete cascade
);

-- What sales knows of each payment (the payments module owns the payment itself).
create table sales.order_payments (
  tenant_id uuid not null,
  payment_id uuid not null,
  order_id uuid not null,
  tender text not null,
  status text not null,
  amount bigint not null,
  applied bigint not null,
  tip bigint not null,
  change_due bigint not null,
  cash_rounding bigint not null,
  summary jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, payment_id),
  foreign key (tenant_id, order_id) references sales.orders (tenant_id, id) on delete cascade
);
create index order_payments_order on sales.order_payments (tenant_id, order_id, created_at);

-- Every change of state (and park, resume, review), with who and when.
create table sales.order_transitions (
  tenant_id uuid not null,
  id uuid not null,
  order_id uuid not null,
  action text not null check (action in ('create', 'update', 'park', 'resume', 'complete', 'void', 'review')),
  from_status text,
  to_status text not null,
  reason text,
  actor_kind text not null,
  actor_id uuid,
  at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, order_id) references sales.orders (tenant_id, id) on delete cascade
);
create index order_transitions_order on sales.order_transitions (tenant_id, order_id, id);

do $$
declare t text;
begin
  foreach t in array array['settings', 'register_counters', 'drawer_sessions', 'cash_movements', 'orders', 'order_lines',
                           'order_payments', 'order_transitions'] loop
    execute format('alter table sales.%I enable row level security', t);
    execute format('alter table sales.%I force row level security', t);
    execute format('create policy tenant_isolation on sales.%I using (tenant_id = platform.current_tenant()) with check (tenant_id = platform.current_tenant())', t);
  end loop;
end $$;
