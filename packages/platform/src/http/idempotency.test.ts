import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, tenantTx, type Database } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { claimKey, claimStagedKey, finishStagedKey, releaseStagedKey, saveRecoveryPoint, type StagedKey } from './idempotency.ts';

const platformMigrations = { module: 'platform', schema: 'platform', dir: fileURLToPath(new URL('../../migrations', import.meta.url)) };

let database: Database;
beforeAll(async () => {
  database = await openDatabase({});
  await migrate(database, [platformMigrations]);
}, 60_000);
afterAll(() => database.close());

const tenant = newId();
const key = (k: string, hash = 'h1'): StagedKey => ({ scope: tenant, key: k, method: 'POST', path: '/api/v1/checkout', hash });
const inTenant = <T>(fn: Parameters<typeof tenantTx<T>>[2]) => tenantTx(database.db, tenant, fn);
const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.code}` : String(err);
  }
};

describe('staged idempotency keys', () => {
  it('runs the first request, answers 409 to a repeat while it runs, then replays its answer', async () => {
    const k = key('staged-1');
    expect(await inTenant((trx) => claimStagedKey(trx, k, 30))).toEqual({ kind: 'run', recovery: null });
    expect(await code(inTenant((trx) => claimStagedKey(trx, k, 30)))).toBe('409 idempotency_request_in_progress');
    // a plain route that sees a running staged key also waits
    expect(await code(inTenant((trx) => claimKey(trx, tenant, k.key, k.method, k.path, k.hash)))).toBe('409 idempotency_request_in_progress');
    await inTenant((trx) => finishStagedKey(trx, k, { status: 201, body: { id: 'order-1' } }));
    expect(await inTenant((trx) => claimStagedKey(trx, k, 30))).toEqual({ kind: 'replay', response: { status: 201, body: { id: 'order-1' } } });
    expect(await code(inTenant((trx) => claimStagedKey(trx, key('staged-1', 'other body'), 30)))).toBe('422 idempotency_key_reused');
  });

  it('lets a repeat resume from the recovery point once the lease has run out', async () => {
    const k = key('staged-2');
    await inTenant(async (trx) => {
      await claimStagedKey(trx, k, 30);
      await saveRecoveryPoint(trx, k, { order_id: 'o-2', payment_ids: ['p-1'] });
    });
    expect(await code(inTenant((trx) => claimStagedKey(trx, k, 30)))).toBe('409 idempotency_request_in_progress');
    // the owner died: its lease ends
    await inTenant((trx) => sql`update platform.idempotency_keys set locked_until = now() - interval '1 second' where key = ${k.key}`.execute(trx));
    expect(await inTenant((trx) => claimStagedKey(trx, k, 30))).toEqual({ kind: 'run', recovery: { order_id: 'o-2', payment_ids: ['p-1'] } });
  });

  it('a released key resumes at once; a released key with nothing done is forgotten', async () => {
    const k = key('staged-3');
    await inTenant(async (trx) => {
      await claimStagedKey(trx, k, 30);
      await saveRecoveryPoint(trx, k, { order_id: 'o-3', payment_ids: [] });
    });
    await inTenant((trx) => releaseStagedKey(trx, k));
    expect(await inTenant((trx) => claimStagedKey(trx, k, 30))).toEqual({ kind: 'run', recovery: { order_id: 'o-3', payment_ids: [] } });

    const bare = key('staged-4');
    await inTenant((trx) => claimStagedKey(trx, bare, 30));
    await inTenant((trx) => releaseStagedKey(trx, bare));
    const rows = await inTenant((trx) => sql`select 1 from platform.idempotency_keys where key = ${bare.key}`.execute(trx));
    expect(rows.rows).toHaveLength(0);
  });

  it('a claim rolled back with its transaction leaves no key behind', async () => {
    const k = key('staged-5');
    await expect(
      inTenant(async (trx) => {
        await claimStagedKey(trx, k, 30);
        throw new AppError(400, 'validation_failed', 'bad input');
      }),
    ).rejects.toThrow('bad input');
    expect(await inTenant((trx) => claimStagedKey(trx, k, 30))).toEqual({ kind: 'run', recovery: null });
  });
});
