-- Staged idempotency: a request that calls a processor between transactions (checkout with a
-- card) cannot hold one transaction open around the call. Its key row is written 'running' in
-- the first transaction, with a lease and a recovery point (the ids it created), and turned
-- 'done' with the response in the last one. A retry after a crash resumes from the recovery point.
alter table platform.idempotency_keys add column state text not null default 'done' check (state in ('running', 'done'));
alter table platform.idempotency_keys add column locked_until timestamptz;
alter table platform.idempotency_keys add column recovery jsonb;
alter table platform.idempotency_keys alter column response_status drop not null;
