-- Devices: the tills that push sales made offline, each with its sequence (style.md habit 9), and
-- the log of every mutation a device pushed with what came of it, so a replay answers the same.
-- Every key leads with tenant_id; stores, registers, orders and users belong to other modules, so
-- they carry no foreign key across schemas.
create schema if not exists devices;

create table devices.devices (
  tenant_id uuid not null,
  -- minted by the till when it is paired
  id uuid not null,
  store_id uuid not null,
  register_id uuid not null,
  -- every mutation up to this seq was processed (applied or rejected); only ever moved by one
  -- step, in the transaction that logs the mutation
  last_applied_seq bigint not null default 0 check (last_applied_seq >= 0),
  -- the push working through this device's mutations, and until when it may (a lease: a second
  -- push of the same device waits for it; a crashed one's lease runs out)
  push_owner uuid,
  push_lease_until timestamptz,
  created_by uuid,
  created_at timestamptz not null,
  last_push_at timestamptz,
  primary key (tenant_id, id)
);
create index devices_register on devices.devices (tenant_id, register_id);

create table devices.push_log (
  tenant_id uuid not null,
  device_id uuid not null,
  seq bigint not null check (seq >= 1),
  mutation_id uuid not null,
  name text not null,
  status text not null check (status in ('applied', 'rejected')),
  order_id uuid,
  -- what the push answered for it: { order?, problem? }, replayed for a duplicate
  result jsonb not null,
  -- the sale was rung while the till was offline, with this much on offline cards: the device's
  -- offline card exposure is the run of such mutations since its last online one
  captured_offline boolean not null,
  offline_card_amount bigint not null default 0 check (offline_card_amount >= 0),
  cashier_id uuid,
  pushed_by uuid,
  processed_at timestamptz not null,
  primary key (tenant_id, device_id, seq),
  foreign key (tenant_id, device_id) references devices.devices (tenant_id, id)
);
create index push_log_mutation on devices.push_log (tenant_id, mutation_id);
create index push_log_rejected on devices.push_log (tenant_id, device_id, seq) where status = 'rejected';

do $$
declare t text;
begin
  foreach t in array array['devices', 'push_log'] loop
    execute format('alter table devices.%I enable row level security', t);
    execute format('alter table devices.%I force row level security', t);
    execute format('create policy tenant_isolation on devices.%I using (tenant_id = platform.current_tenant()) with check (tenant_id = platform.current_tenant())', t);
  end loop;
end $$;
