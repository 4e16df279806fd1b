import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { scopeToTenant, type Trx } from '../db/database.ts';
import { AppError } from '../errors.ts';

export const IDEMPOTENCY_TTL_HOURS = 24;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

export function validateKey(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || key.length < 1 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new AppError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters', {
      errors: [{ path: 'headers.idempotency-key', message: 'must be 1 to 255 visible ASCII characters' }],
    });
  }
  return key;
}

/**
 * Claims an idempotency key inside the request's own transaction. The transaction-scoped advisory
 * lock makes a concurrent request with the same key answer 409 instead of running twice, and the
 * stored response is written in the same transaction as the state change, so a crash can never
 * leave a change without its key (or a key without its change).
 *
 * Returns the stored response to replay, or null when this request should run.
 */
export async function claimKey(trx: Trx, scope: string, key: string, method: string, path: string, hash: string): Promise<StoredResponse | null> {
  await scopeToTenant(trx, scope);
  const lock = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${`${scope}:${key}`}, 7243)) as ok`.execute(trx);
  if (!lock.rows[0]!.ok) {
    throw new AppError(409, 'idempotency_request_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly', {
      headers: { 'retry-after': '1' },
    });
  }
  const prior = await readKey(trx, scope, key);
  if (!prior) return null;
  if (!prior.live) {
    await sql`delete from platform.idempotency_keys where tenant_id = ${scope} and key = ${key}`.execute(trx);
    return null;
  }
  checkSameRequest(prior, method, path, hash);
  if (prior.state === 'running') throw inProgress();
  return { status: prior.response_status!, body: prior.response_body };
}

interface KeyRow {
  method: string;
  path: string;
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
  live: boolean;
  state: 'running' | 'done';
  leased: boolean;
  recovery: unknown;
}

async function readKey(trx: Trx, scope: string, key: string): Promise<KeyRow | undefined> {
  const rows = await sql<KeyRow>`
    select method, path, request_hash, response_status, response_body, expires_at > now() as live,
           state, coalesce(locked_until > now(), false) as leased, recovery
      from platform.idempotency_keys where tenant_id = ${scope} and key = ${key}`.execute(trx);
  return rows.rows[0];
}

function checkSameRequest(prior: KeyRow, method: string, path: string, hash: string): void {
  if (prior.request_hash !== hash || prior.method !== method || prior.path !== path) {
    throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request; use a new key for a new request', {
      errors: [{ path: 'headers.idempotency-key', message: 'already used with a different request' }],
    });
  }
}

function inProgress(): AppError {
  return new AppError(409, 'idempotency_request_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly', {
    headers: { 'retry-after': '1' },
  });
}

/** What a staged request should do after claiming its key. */
export type StagedClaim =
  | { kind: 'replay'; response: StoredResponse }
  /** Run (recovery null) or resume from the recovery point an earlier attempt saved before it stopped. */
  | { kind: 'run'; recovery: unknown };

export interface StagedKey {
  scope: string;
  key: string;
  method: string;
  path: string;
  hash: string;
}

/**
 * Claims a key for a request that runs in several transactions (it calls a processor between
 * them). Call it inside the request's first transaction: the key row is written 'running' with a
 * lease, so a concurrent repeat gets 409 until the lease ends, and a repeat after the owner died
 * (the lease ran out) resumes from the recovery point instead of starting again.
 */
export async function claimStagedKey(trx: Trx, k: StagedKey, leaseSeconds: number): Promise<StagedClaim> {
  const lock = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${`${k.scope}:${k.key}`}, 7243)) as ok`.execute(trx);
  if (!lock.rows[0]!.ok) throw inProgress();
  let prior = await readKey(trx, k.scope, k.key);
  if (prior && !prior.live && prior.state === 'done') {
    await sql`delete from platform.idempotency_keys where tenant_id = ${k.scope} and key = ${k.key}`.execute(trx);
    prior = undefined;
  }
  if (!prior) {
    await sql`insert into platform.idempotency_keys (tenant_id, key, method, path, request_hash, response_status, response_body, expires_at, state, locked_until)
      values (${k.scope}, ${k.key}, ${k.method}, ${k.path}, ${k.hash}, null, null, now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS}), 'running',
              now() + make_interval(secs => ${leaseSeconds}))`.execute(trx);
    return { kind: 'run', recovery: null };
  }
  checkSameRequest(prior, k.method, k.path, k.hash);
  if (prior.state === 'done') return { kind: 'replay', response: { status: prior.response_status!, body: prior.response_body } };
  if (prior.leased) throw inProgress();
  await sql`update platform.idempotency_keys set locked_until = now() + make_interval(secs => ${leaseSeconds})
    where tenant_id = ${k.scope} and key = ${k.key}`.execute(trx);
  return { kind: 'run', recovery: prior.recovery ?? null };
}

// The staged functions run in a transaction the caller already scoped to `k.scope`; the plain
// ones above re-scope because a handler (signup) may have moved its transaction to a new tenant.

/** Saves what a resumed attempt needs (the ids the first stage created), in that stage's transaction. */
export async function saveRecoveryPoint(trx: Trx, k: Pick<StagedKey, 'scope' | 'key'>, recovery: unknown): Promise<void> {
  await sql`update platform.idempotency_keys set recovery = ${JSON.stringify(recovery)}::jsonb
    where tenant_id = ${k.scope} and key = ${k.key} and state = 'running'`.execute(trx);
}

/** Ends a staged request with its response, in the transaction of its last state change. */
export async function finishStagedKey(trx: Trx, k: Pick<StagedKey, 'scope' | 'key'>, res: StoredResponse): Promise<void> {
  await sql`update platform.idempotency_keys
       set state = 'done', response_status = ${res.status}, response_body = ${JSON.stringify(res.body ?? null)}::jsonb, locked_until = null
     where tenant_id = ${k.scope} and key = ${k.key}`.execute(trx);
}

/**
 * Lets the next repeat resume at once (the attempt stopped on an outage or an unknown outcome and
 * answered an error that is not final). When nothing durable was done yet, the row is dropped.
 */
export async function releaseStagedKey(trx: Trx, k: Pick<StagedKey, 'scope' | 'key'>): Promise<void> {
  await sql`delete from platform.idempotency_keys where tenant_id = ${k.scope} and key = ${k.key} and state = 'running' and recovery is null`.execute(trx);
  await sql`update platform.idempotency_keys set locked_until = null where tenant_id = ${k.scope} and key = ${k.key} and state = 'running'`.execute(trx);
}

export async function storeResponse(trx: Trx, scope: string, key: string, method: string, path: string, hash: string, res: StoredResponse): Promise<void> {
  await scopeToTenant(trx, scope);
  await sql`insert into platform.idempotency_keys (tenant_id, key, method, path, request_hash, response_status, response_body, expires_at)
    values (${scope}, ${key}, ${method}, ${path}, ${hash}, ${res.status}, ${JSON.stringify(res.body ?? null)}::jsonb, now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS}))`.execute(trx);
}

/** Drops keys past their 24 hours; run by the worker's timer. */
export async function purgeExpiredKeys(trx: Trx): Promise<number> {
  const r = await sql`delete from platform.idempotency_keys where expires_at < now()`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}
