import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';

// bigint (int8) and numeric come back as strings by default; counts and sequence numbers we read
// are small enough for a JS number, money never goes through numeric.
pg.types.setTypeParser(20, (v: string) => Number(v));

/** The group role every request runs as, so row-level security applies whatever the login role. */
export const APP_ROLE = 'novapos_app';

// Kysely needs a table map type; modules narrow it with their own `tables.ts` interfaces.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDB = any;
export type Db = Kysely<AnyDB>;
export type Trx = Transaction<AnyDB>;

export interface Database {
  kind: 'pglite' | 'postgres';
  /** Application pool. Statements outside tenantTx/systemTx see nothing of RLS-protected tables. */
  db: Db;
  /** Owner connection for migrations (same pool in PGlite mode). */
  admin: Db;
  /** The login role of `db` (for grants). */
  loginRole(): Promise<string>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; unset means PGlite. */
  url?: string | undefined;
  adminUrl?: string | undefined;
  /** PGlite data dir; 'memory://' or undefined for in-memory. */
  pgliteDir?: string | undefined;
  poolSize?: number;
}

function adminPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', (err) => console.error(`database admin connection lost: ${err.message}`));
  return pool;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    const appPool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 20 });
    // an idle connection killed by the server (failover, timeout) must not crash the process
    appPool.on('error', (err) => console.error(`database connection lost: ${err.message}`));
    const db = new Kysely<AnyDB>({ dialect: new PostgresDialect({ pool: appPool }) });
    const sameAdmin = !opts.adminUrl || opts.adminUrl === opts.url;
    const admin = sameAdmin
      ? db
      : new Kysely<AnyDB>({ dialect: new PostgresDialect({ pool: adminPool(opts.adminUrl!) }) });
    return {
      kind: 'postgres',
      db,
      admin,
      loginRole: async () => (await sql<{ r: string }>`select session_user as r`.execute(db)).rows[0]!.r,
      close: async () => {
        await db.destroy();
        if (!sameAdmin) await admin.destroy();
      },
    };
  }
  const dir = opts.pgliteDir && opts.pgliteDir !== 'memory://' ? opts.pgliteDir : undefined;
  if (dir) mkdirSync(dir, { recursive: true });
  // pg_trgm: fuzzy product search; Debian's PostgreSQL ships it in the server package
  const lite = await PGlite.create({ ...(dir ? { dataDir: dir } : {}), extensions: { pg_trgm } });
  // PGlite has one session: a pool of one makes transactions run one after another, never
  // interleaved (kysely-pglite interleaves them; see stack notes).
  const pool = new pg.Pool({ ...createPgConfig(lite), max: 1 } as pg.PoolConfig);
  const db = new Kysely<AnyDB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'pglite',
    db,
    admin: db,
    loginRole: async () => 'postgres',
    close: async () => {
      await db.destroy();
      await lite.close();
    },
  };
}

/**
 * Runs `fn` in a transaction scoped to one tenant: `app.tenant_id` and the role are set with
 * set_config(..., true), i.e. for this transaction only, so a pooled connection never carries
 * a tenant into the next request (safe under PgBouncer transaction pooling too).
 */
export async function tenantTx<T>(db: Db, tenantId: string, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await scopeToTenant(trx, tenantId);
    return fn(trx);
  });
}

export async function scopeToTenant(trx: Trx, tenantId: string): Promise<void> {
  // clears app.system too, so a system transaction that narrows to a tenant sees only that tenant
  await sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('app.system', '', true), set_config('role', ${APP_ROLE}, true)`.execute(trx);
}

/** Cross-tenant work of the platform itself (outbox relay, login lookup): policies allow it explicitly. */
export async function systemTx<T>(db: Db, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await scopeToSystem(trx);
    return fn(trx);
  });
}

export async function scopeToSystem(trx: Trx): Promise<void> {
  await sql`select set_config('app.system', 'on', true), set_config('role', ${APP_ROLE}, true)`.execute(trx);
}

/** Postgres error helpers. */
export function pgCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
export const isUniqueViolation = (err: unknown, constraint?: string): boolean =>
  pgCode(err) === '23505' && (!constraint || (err as { constraint?: string }).constraint === constraint);
