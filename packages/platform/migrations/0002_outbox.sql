-- Transactional outbox: events are inserted in the transaction that changes state.
create table platform.outbox (
  seq bigserial primary key,
  id uuid not null unique,
  tenant_id uuid not null,
  type text not null,
  version integer not null default 1,
  payload jsonb not null,
  occurred_at timestamptz not null default now()
);
create index outbox_tenant on platform.outbox (tenant_id, seq);

alter table platform.outbox enable row level security;
alter table platform.outbox force row level security;
-- A tenant transaction may append its own events; only the platform (relay) reads across tenants.
create policy tenant_append on platform.outbox for insert
  with check (tenant_id = platform.current_tenant() or platform.is_system());
create policy system_all on platform.outbox
  using (platform.is_system()) with check (platform.is_system());
