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
  const rows = await sql<{ method: string; path: string; request_hash: string; response_status: number; response_body: unknown; live: boolean }>`
    select method, path, request_hash, response_status, response_body, expires_at > now() as live
      from platform.idempotency_keys where tenant_id = ${scope} and key = ${key}`.execute(trx);
  const prior = rows.rows[0];
  if (!prior) return null;
  if (!prior.live) {
    await sql`delete from platform.idempotency_keys where tenant_id = ${scope} and key = ${key}`.execute(trx);
    return null;
  }
  if (prior.request_hash !== hash || prior.method !== method || prior.path !== path) {
    throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request; use a new key for a new request', {
      errors: [{ path: 'headers.idempotency-key', message: 'already used with a different request' }],
    });
  }
  return { status: prior.response_status, body: prior.response_body };
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
