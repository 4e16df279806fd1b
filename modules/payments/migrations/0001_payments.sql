-- Payments: one persisted state machine per payment with a transition log, in-house gift cards
-- with a ledger kept by atomic deltas, processed webhook events, and per-tenant settings. Every
-- tenant-owned key leads with tenant_id; orders, stores and registers belong to other modules, so
-- they carry no foreign key across schemas.
create schema if not exists payments;

-- Tenant-wide settings; a missing row means the defaults in settings.service.ts.
create table payments.settings (
  tenant_id uuid primary key,
  cash_rounding_increment integer not null default 0 check (cash_rounding_increment >= 0),
  offline_card_enabled boolean not null default false,
  offline_card_payment_cap bigint not null default 10000 check (offline_card_payment_cap >= 0),
  offline_card_device_cap bigint not null default 50000 check (offline_card_device_cap >= 0),
  gift_card_offline_limit bigint not null default 0 check (gift_card_offline_limit >= 0),
  updated_at timestamptz not null default now()
);

create table payments.payments (
  tenant_id uuid not null,
  id uuid not null,
  order_id uuid not null,
  store_id uuid not null,
  register_id uuid,
  tender text not null check (tender in ('cash', 'card', 'gift_card', 'crypto')),
  status text not null check (status in ('pending', 'authorized', 'captured', 'declined', 'failed', 'voided', 'unknown', 'refunded')),
  currency char(3) not null,
  -- cash: handed over; others: charged, tip included
  amount bigint not null check (amount >= 0),
  -- what the cashier asked for (a gift card may authorize less)
  requested bigint not null check (requested >= 0),
  tip bigint not null default 0 check (tip >= 0),
  -- what counts toward the order once captured
  applied bigint not null default 0 check (applied >= 0),
  change_due bigint not null default 0 check (change_due >= 0),
  -- signed minor units this cash payment added to the order
  cash_rounding integer not null default 0,
  amount_due bigint not null,
  -- sent to the processor with every call for this payment: a retry can never charge twice
  idempotency_key text not null,
  -- card: the processor's one-use token until the charge is settled (never a card number)
  card_token text,
  processor_reference text,
  processor_void_reference text,
  card_brand text,
  card_last4 char(4),
  approval_code text,
  gift_card_id uuid,
  gift_card_last4 char(4),
  crypto_hosted_url text,
  crypto_expires_at timestamptz,
  decline_code text,
  message text,
  created_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, id),
  unique (tenant_id, idempotency_key)
);
create index payments_order on payments.payments (tenant_id, order_id, id);
-- what the reconciler looks at
create index payments_open on payments.payments (status, updated_at) where status in ('pending', 'unknown', 'authorized');

-- Every change of status with who, when and why (from is null for the first one).
create table payments.transitions (
  tenant_id uuid not null,
  id uuid not null,
  payment_id uuid not null,
  from_status text,
  to_status text not null,
  reason text not null,
  actor_kind text not null,
  actor_id uuid,
  at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, payment_id) references payments.payments (tenant_id, id)
);
create index transitions_payment on payments.transitions (tenant_id, payment_id, id);

-- Webhooks carry no tenant: this directory maps a processor charge to its tenant and payment
-- (as identity.login_emails maps a login). Written in the tenant's transaction, read by system.
create table payments.charge_refs (
  processor_reference text primary key,
  tenant_id uuid not null,
  payment_id uuid not null
);

-- Processed webhook event ids: a redelivered event is acknowledged and not applied again. The
-- row is written in the same transaction as the state change it caused.
create table payments.webhook_events (
  event_id text primary key,
  tenant_id uuid not null,
  type text not null,
  processor_reference text not null,
  received_at timestamptz not null default now()
);

create table payments.gift_cards (
  tenant_id uuid not null,
  id uuid not null,
  -- HMAC-SHA256 of the code under a key derived from the master key: a dump of this table gives
  -- no usable codes; last4 is for people
  code_hmac text not null,
  last4 char(4) not null,
  currency char(3) not null,
  -- only ever changed by `balance = balance + delta` in the statement that appends the activity
  balance bigint not null check (balance >= 0),
  status text not null default 'active' check (status in ('active', 'frozen')),
  -- SHA-256 of the Idempotency-Key it was issued under (a replay answers the same card)
  issue_key_hash text,
  frozen_at timestamptz,
  frozen_by uuid,
  freeze_reason text,
  created_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, id),
  unique (tenant_id, code_hmac)
);

create table payments.gift_card_activities (
  tenant_id uuid not null,
  id uuid not null,
  gift_card_id uuid not null,
  kind text not null check (kind in ('issue', 'load', 'redeem', 'void', 'adjust')),
  -- signed
  amount bigint not null check (amount <> 0),
  balance_after bigint not null check (balance_after >= 0),
  payment_id uuid,
  note text,
  actor_kind text not null,
  actor_id uuid,
  created_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, gift_card_id) references payments.gift_cards (tenant_id, id)
);
create index gift_card_activities_card on payments.gift_card_activities (tenant_id, gift_card_id, id);
-- a payment redeems once and is re-credited once, whatever retries happen above
create unique index gift_card_activities_payment on payments.gift_card_activities (tenant_id, payment_id, kind) where payment_id is not null;

do $$
declare t text;
begin
  foreach t in array array['settings', 'payments', 'transitions', 'gift_cards', 'gift_card_activities'] loop
    execute format('alter table payments.%I enable row level security', t);
    execute format('alter table payments.%I force row level security', t);
    execute format('create policy tenant_isolation on payments.%I using (tenant_id = platform.current_tenant()) with check (tenant_id = platform.current_tenant())', t);
  end loop;
end $$;

-- The reconciler finds unsettled payments of every tenant, then settles each in its tenant's transaction.
create policy system_read on payments.payments for select using (platform.is_system());

alter table payments.charge_refs enable row level security;
alter table payments.charge_refs force row level security;
create policy directory on payments.charge_refs
  using (tenant_id = platform.current_tenant() or platform.is_system())
  with check (tenant_id = platform.current_tenant());

alter table payments.webhook_events enable row level security;
alter table payments.webhook_events force row level security;
create policy tenant_isolation on payments.webhook_events
  using (tenant_id = platform.current_tenant() or platform.is_system())
  with check (tenant_id = platform.current_tenant());
