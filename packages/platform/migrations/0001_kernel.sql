-- The platform kernel: tenancy helpers for row-level security, and idempotency keys.

-- The tenant of the current transaction, set with set_config('app.tenant_id', id, true).
-- Unset or empty means no tenant: every tenant policy then matches nothing.
create or replace function platform.current_tenant() returns uuid
  language sql stable parallel safe
  as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

-- Platform work that spans tenants (outbox relay, login lookup) opts in explicitly.
create or replace function platform.is_system() returns boolean
  language sql stable parallel safe
  as $$ select coalesce(current_setting('app.system', true), '') = 'on' $$;

create table platform.idempotency_keys (
  tenant_id uuid not null,
  key text not null,
  method text not null,
  path text not null,
  request_hash text not null,
  response_status integer not null,
  response_body jsonb,
  response_headers jsonb not null default '{}',
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (tenant_id, key)
);
create index idempotency_keys_expiry on platform.idempotency_keys (expires_at);

alter table platform.idempotency_keys enable row level security;
alter table platform.idempotency_keys force row level security;
create policy tenant_isolation on platform.idempotency_keys
  using (tenant_id = platform.current_tenant() or platform.is_system())
  with check (tenant_id = platform.current_tenant() or platform.is_system());
