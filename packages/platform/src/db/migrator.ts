import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { APP_ROLE, type Database, type Db } from './database.ts';

/** A module's migrations: numbered `.sql` files in `dir`, creating objects in `schema`. */
export interface MigrationSource {
  module: string;
  schema: string;
  dir: string;
}

export interface MigrationFile {
  module: string;
  version: number;
  name: string;
  checksum: string;
  sql: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILE_RE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function readMigrations(source: MigrationSource): MigrationFile[] {
  if (!existsSync(source.dir)) return [];
  const files = readdirSync(source.dir).filter((f) => f.endsWith('.sql')).toSorted();
  const out: MigrationFile[] = [];
  for (const f of files) {
    const m = FILE_RE.exec(f);
    if (!m) throw new MigrationError(`${source.module}: migration file '${f}' must be named NNNN_name.sql`);
    const text = readFileSync(join(source.dir, f), 'utf8').replace(/\r\n/g, '\n');
    const version = Number(m[1]);
    if (out.some((o) => o.version === version)) throw new MigrationError(`${source.module}: two migrations numbered ${m[1]}`);
    out.push({ module: source.module, version, name: f, checksum: createHash('sha256').update(text).digest('hex'), sql: text });
  }
  return out;
}

async function ensureLedger(admin: Db): Promise<void> {
  await sql.raw(`
    create schema if not exists platform;
    create table if not exists platform.schema_migrations (
      module text not null,
      version integer not null,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now(),
      primary key (module, version)
    );`).execute(admin);
}

async function ensureAppRole(admin: Db): Promise<void> {
  const exists = await sql<{ n: number }>`select count(*)::int as n from pg_roles where rolname = ${APP_ROLE}`.execute(admin);
  if (exists.rows[0]!.n > 0) return;
  try {
    await sql.raw(`create role ${APP_ROLE} nologin`).execute(admin);
  } catch (err) {
    throw new MigrationError(
      `The role '${APP_ROLE}' does not exist and the migration login cannot create it (${(err as Error).message}). ` +
        `Create it once as a superuser: CREATE ROLE ${APP_ROLE} NOLOGIN;`,
    );
  }
}

export interface MigrateResult {
  applied: string[];
}

/**
 * Applies every pending migration in source order, each in its own transaction under an advisory
 * lock so replicas starting together apply each file once. An applied file whose text changed is
 * refused: fix forward with a new file instead.
 */
export async function migrate(database: Database, sources: MigrationSource[], log: (msg: string) => void = () => {}): Promise<MigrateResult> {
  const admin = database.admin;
  await ensureLedger(admin);
  await ensureAppRole(admin);
  const applied: string[] = [];
  for (const source of sources) {
    const files = readMigrations(source);
    for (const file of files) {
      const done = await admin.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(7243002)`.execute(trx);
        const row = await sql<{ checksum: string; name: string }>`
          select checksum, name from platform.schema_migrations where module = ${file.module} and version = ${file.version}`.execute(trx);
        const prior = row.rows[0];
        if (prior) {
          if (prior.checksum !== file.checksum) {
            throw new MigrationError(
              `Migration ${file.module}/${file.name} was changed after it was applied ` +
                `(recorded checksum ${prior.checksum.slice(0, 12)}…, file now ${file.checksum.slice(0, 12)}…). ` +
                `Applied migrations are immutable: restore the file and add a new migration for the change.`,
            );
          }
          return false;
        }
        try {
          await sql.raw(file.sql).execute(trx);
        } catch (err) {
          throw new MigrationError(`Migration ${file.module}/${file.name} failed: ${(err as Error).message}`);
        }
        await sql`insert into platform.schema_migrations (module, version, name, checksum) values (${file.module}, ${file.version}, ${file.name}, ${file.checksum})`.execute(trx);
        return true;
      });
      if (done) {
        applied.push(`${file.module}/${file.name}`);
        log(`applied ${file.module}/${file.name}`);
      }
    }
    if (files.length > 0) await grantSchema(admin, source.schema);
  }
  const login = await database.loginRole();
  const owner = (await sql<{ r: string }>`select current_user as r`.execute(admin)).rows[0]!.r;
  if (login !== owner && login !== APP_ROLE) {
    await sql.raw(`grant ${APP_ROLE} to "${login.replaceAll('"', '""')}"`).execute(admin);
  }
  return { applied };
}

async function grantSchema(admin: Db, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new MigrationError(`bad schema name '${schema}'`);
  await sql.raw(`
    grant usage on schema ${schema} to ${APP_ROLE};
    grant select, insert, update, delete on all tables in schema ${schema} to ${APP_ROLE};
    grant usage, select on all sequences in schema ${schema} to ${APP_ROLE};
    grant execute on all functions in schema ${schema} to ${APP_ROLE};`).execute(admin);
}

/** Migrations recorded vs. files present: what /readyz checks. */
export async function pendingMigrations(db: Db, sources: MigrationSource[]): Promise<string[]> {
  let rows: { module: string; version: number; checksum: string }[];
  try {
    rows = (await sql<{ module: string; version: number; checksum: string }>`select module, version, checksum from platform.schema_migrations`.execute(db)).rows;
  } catch {
    return ['platform/schema_migrations'];
  }
  const have = new Map(rows.map((r) => [`${r.module}/${r.version}`, r.checksum]));
  const pending: string[] = [];
  for (const s of sources) for (const f of readMigrations(s)) if (have.get(`${f.module}/${f.version}`) !== f.checksum) pending.push(`${f.module}/${f.name}`);
  return pending;
}
