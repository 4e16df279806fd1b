-- Identity: tenants, stores, registers, users, sessions. Every tenant-owned table leads its keys
-- with tenant_id and is guarded by row-level security on platform.current_tenant().
create schema if not exists identity;

create table identity.tenants (
  id uuid primary key,
  name text not null,
  currency char(3) not null,
  timezone text not null,
  settings jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create table identity.stores (
  tenant_id uuid not null references identity.tenants (id),
  id uuid not null,
  name text not null,
  -- S<number> in order numbers such as S1-R2-000042
  number integer not null,
  timezone text not null,
  address jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, name),
  unique (tenant_id, number)
);

create table identity.registers (
  tenant_id uuid not null,
  id uuid not null,
  store_id uuid not null,
  name text not null,
  number integer not null,
  pin_failed_attempts integer not null default 0,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, store_id, name),
  unique (tenant_id, store_id, number),
  foreign key (tenant_id, store_id) references identity.stores (tenant_id, id)
);

create table identity.users (
  tenant_id uuid not null references identity.tenants (id),
  id uuid not null,
  email text not null,
  name text not null,
  role text not null check (role in ('owner', 'admin', 'manager', 'cashier')),
  status text not null default 'active' check (status in ('active', 'deactivated')),
  password_hash text,
  -- HMAC-SHA256 of the PIN under a server-side pepper: deterministic so it can be unique per store.
  pin_hmac text,
  pin_failed_attempts integer not null default 0,
  pin_locked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, email)
);

create table identity.user_stores (
  tenant_id uuid not null,
  user_id uuid not null,
  store_id uuid not null,
  -- copy of users.pin_hmac so "one PIN per store" is a unique constraint, not a race
  pin_hmac text,
  primary key (tenant_id, user_id, store_id),
  foreign key (tenant_id, user_id) references identity.users (tenant_id, id) on delete cascade,
  foreign key (tenant_id, store_id) references identity.stores (tenant_id, id)
);
create unique index user_stores_pin on identity.user_stores (tenant_id, store_id, pin_hmac) where pin_hmac is not null;

-- Login is by e-mail before the tenant is known: this directory maps a login to its tenant.
create table identity.login_emails (
  email text primary key,
  tenant_id uuid not null,
  user_id uuid not null
);

create table identity.refresh_tokens (
  tenant_id uuid not null,
  id uuid not null,
  family_id uuid not null,
  user_id uuid not null,
  token_hash text not null,
  register_id uuid,
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references identity.users (tenant_id, id)
);
create index refresh_tokens_family on identity.refresh_tokens (tenant_id, family_id);

-- Failed logins per account and per IP, for throttling; not tenant data.
create table identity.login_failures (
  id bigserial primary key,
  subject text not null,
  at timestamptz not null default now()
);
create index login_failures_subject on identity.login_failures (subject, at);

do $$
declare t text;
begin
  foreach t in array array['stores', 'registers', 'users', 'user_stores', 'refresh_tokens'] loop
    execute format('alter table identity.%I enable row level security', t);
    execute format('alter table identity.%I force row level security', t);
    execute format('create policy tenant_isolation on identity.%I using (tenant_id = platform.current_tenant()) with check (tenant_id = platform.current_tenant())', t);
  end loop;
end $$;

alter table identity.tenants enable row level security;
alter table identity.tenants force row level security;
create policy tenant_isolation on identity.tenants
  using (id = platform.current_tenant()) with check (id = platform.current_tenant());

alter table identity.login_emails enable row level security;
alter table identity.login_emails force row level security;
create policy directory on identity.login_emails
  using (tenant_id = platform.current_tenant() or platform.is_system())
  with check (tenant_id = platform.current_tenant());

alter table identity.login_failures enable row level security;
alter table identity.login_failures force row level security;
create policy system_only on identity.login_failures using (platform.is_system()) with check (platform.is_system());
