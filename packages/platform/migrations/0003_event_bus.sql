-- Event delivery: the relay marks outbox rows, fans them out into per-consumer delivery rows
-- (attempts, backoff, dead letters), and consumers record what they handled in the inbox.

-- Null until the relay has fanned the event out (or published it to NATS). A flag instead of a
-- "seq > last" cursor: a transaction that commits late with a lower seq is still picked up.
alter table platform.outbox add column relayed_at timestamptz;
create index outbox_unrelayed on platform.outbox (seq) where relayed_at is null;
create index outbox_relayed_at on platform.outbox (relayed_at) where relayed_at is not null;

-- One row per (event, consumer), so one failing consumer neither blocks nor re-runs the others.
create table platform.event_deliveries (
  tenant_id uuid not null,
  consumer text not null,
  event_id uuid not null,
  seq bigint not null,
  status text not null default 'pending' check (status in ('pending', 'done', 'dead')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, consumer, event_id)
);
-- What the claim scans (oldest due first) and its per-tenant ordering check.
create index event_deliveries_pending on platform.event_deliveries (seq) where status = 'pending';
create index event_deliveries_head on platform.event_deliveries (tenant_id, consumer, seq) where status = 'pending';
create index event_deliveries_event on platform.event_deliveries (event_id);
create index event_deliveries_done on platform.event_deliveries (updated_at) where status = 'done';

alter table platform.event_deliveries enable row level security;
alter table platform.event_deliveries force row level security;
-- Delivery bookkeeping is the platform's alone; handlers never see it.
create policy system_all on platform.event_deliveries
  using (platform.is_system()) with check (platform.is_system());

-- A consumer's record of the events it has applied, written in the same transaction as the
-- effect. Keyed by tenant first (Citus rule); event ids are globally unique anyway.
create table platform.inbox (
  tenant_id uuid not null,
  consumer text not null,
  event_id uuid not null,
  processed_at timestamptz not null default now(),
  primary key (tenant_id, consumer, event_id)
);
create index inbox_processed_at on platform.inbox (processed_at);

alter table platform.inbox enable row level security;
alter table platform.inbox force row level security;
create policy tenant_isolation on platform.inbox
  using (tenant_id = platform.current_tenant() or platform.is_system())
  with check (tenant_id = platform.current_tenant() or platform.is_system());

-- Parked deliveries with their event, for operators; security_invoker keeps RLS in force.
create view platform.dead_letters with (security_invoker = true) as
  select d.event_id, d.consumer, d.tenant_id, o.type, o.version, o.payload, o.occurred_at,
         d.attempts, d.last_error, d.updated_at as parked_at
  from platform.event_deliveries d
  join platform.outbox o on o.id = d.event_id
  where d.status = 'dead';

-- Wakes listening workers on commit (NOTIFY is delivered only if the transaction commits, and
-- repeated identical notifications in one transaction fold into one). Polling stays the safety net.
create function platform.notify_events() returns trigger
  language plpgsql
  as $$ begin perform pg_notify('novapos_outbox', ''); return null; end $$;
create trigger outbox_notify after insert on platform.outbox
  for each statement execute function platform.notify_events();
create trigger event_deliveries_notify after insert on platform.event_deliveries
  for each statement execute function platform.notify_events();
