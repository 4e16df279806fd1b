import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { killQuietly, onProcessExit } from './cleanup.ts';
import { freePort } from './free-port.ts';
import {
  findOnPath,
  isRoot,
  killFromPidFile,
  makeOwnedTempDir,
  readPidFile,
  run,
  sweepStaleDirs,
  tail,
  userIds,
  type RunResult,
} from './proc.ts';

/** Role names and passwords created in every test cluster. */
export const PG_ROLES = {
  /** Owns the databases; CREATEROLE so migrations can manage roles. */
  owner: 'novapos_owner',
  ownerPassword: 'owner',
  /** What the application logs in as: not superuser, not BYPASSRLS, owns nothing. */
  app: 'novapos_app_login',
  appPassword: 'app',
  /** NOLOGIN group role; pre-created (roles are cluster-wide), app login is a member. */
  appGroup: 'novapos_app',
  superuser: 'postgres',
  superuserPassword: 'postgres',
} as const;

export const PG_DEFAULT_DATABASE = 'novapos';

export interface PgDatabaseUrls {
  /** Database name. */
  database: string;
  /** Connects as novapos_owner (runs migrations). */
  ownerUrl: string;
  /** Connects as novapos_app_login (subject to row-level security). */
  appUrl: string;
}

/** Plain, serializable connection info (what the vitest global setup provides). */
export interface PgServerInfo {
  /** Superuser URL (database `postgres`). */
  adminUrl: string;
  /** novapos_owner on database `novapos`. */
  ownerUrl: string;
  /** novapos_app_login on database `novapos`. */
  appUrl: string;
  port: number;
  dataDir: string;
}

export interface PgServer extends PgServerInfo {
  /** Creates a fresh database owned by novapos_owner (for test isolation). */
  createDatabase(name: string): Promise<PgDatabaseUrls>;
  /** `pg_ctl stop -m immediate` and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const PG_PARENT = '/usr/lib/postgresql';
const DIR_PREFIX = 'novapos-pg-';
const NEEDED = ['initdb', 'pg_ctl', 'postgres'];

let binDirCache: string | null | undefined;

/**
 * Directory with initdb/pg_ctl/postgres: $NOVAPOS_PG_BIN, else the newest
 * /usr/lib/postgresql/<version>/bin, else whatever is on PATH. Null when none.
 */
export function pgBinDir(): string | null {
  if (binDirCache !== undefined) return binDirCache;
  const complete = (dir: string) => NEEDED.every((b) => fs.existsSync(path.join(dir, b)));
  const candidates: string[] = [];
  if (process.env.NOVAPOS_PG_BIN) candidates.push(process.env.NOVAPOS_PG_BIN);
  try {
    const versions = fs
      .readdirSync(PG_PARENT)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .toSorted((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join(PG_PARENT, v, 'bin'));
  } catch {
    // no Debian layout
  }
  const onPath = findOnPath('pg_ctl');
  if (onPath) candidates.push(path.dirname(onPath));
  binDirCache = candidates.find(complete) ?? null;
  return binDirCache;
}

/** True when a PostgreSQL server can be started here (binaries, and a `postgres` user if root). */
export function pgAvailable(): boolean {
  if (pgBinDir() === null) return false;
  if (isRoot() && userIds('postgres') === null) return false;
  return true;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

function urlFor(adminUrl: string, user: string, password: string, database: string): string {
  const u = new URL(adminUrl);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates database `name` owned by novapos_owner on the cluster behind `adminUrl` (a superuser
 * URL) and returns owner/app URLs for it. `name`: lowercase letters, digits, underscores.
 */
export async function createPgDatabase(adminUrl: string, name: string): Promise<PgDatabaseUrls> {
  if (!IDENT.test(name)) {
    throw new Error(`createDatabase: invalid database name ${JSON.stringify(name)} (want ${IDENT})`);
  }
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${name}" OWNER "${PG_ROLES.owner}"`));
  return {
    database: name,
    ownerUrl: urlFor(adminUrl, PG_ROLES.owner, PG_ROLES.ownerPassword, name),
    appUrl: urlFor(adminUrl, PG_ROLES.app, PG_ROLES.appPassword, name),
  };
}

function stopLeftover(dir: string): void {
  killFromPidFile(path.join(dir, 'data', 'postmaster.pid'), 'SIGQUIT');
}

/** Starts a throwaway PostgreSQL cluster in a temp dir (about 1-2 s). */
export async function startPostgres(): Promise<PgServer> {
  const binDir = pgBinDir();
  if (binDir === null) throw new Error('startPostgres: PostgreSQL binaries not found (apt-get install postgresql)');
  const root = isRoot();
  const ids = root ? userIds('postgres') : null;
  if (root && ids === null) throw new Error('startPostgres: running as root but there is no `postgres` user');

  sweepStaleDirs(DIR_PREFIX, stopLeftover);

  const base = makeOwnedTempDir(DIR_PREFIX);
  const dataDir = path.join(base, 'data');
  const logFile = path.join(base, 'postgres.log');
  const pwFile = path.join(base, 'pwfile');
  fs.writeFileSync(pwFile, `${PG_ROLES.superuserPassword}\n`, { mode: 0o600 });
  if (ids) {
    for (const p of [base, pwFile, path.join(base, 'novapos-owner.pid')]) fs.chownSync(p, ids.uid, ids.gid);
  }

  const exec = (bin: string, args: string[]): Promise<RunResult> =>
    root
      ? run('runuser', ['-u', 'postgres', '--', path.join(binDir, bin), ...args], { cwd: base })
      : run(path.join(binDir, bin), args, { cwd: base });

  let pid: number | undefined;
  let stopped = false;
  const killSync = () => {
    killQuietly(pid ?? readPidFile(path.join(dataDir, 'postmaster.pid')), 'SIGQUIT');
    try {
      fs.rmSync(base, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // swept by a later run
    }
  };
  const unregister = onProcessExit(killSync);

  try {
    const initdbArgs = [
      '-D', dataDir,
      '-U', PG_ROLES.superuser,
      `--pwfile=${pwFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E', 'UTF8',
      '--no-sync',
    ];
    try {
      await exec('initdb', [...initdbArgs, '--locale=C.UTF-8']);
    } catch {
      fs.rmSync(dataDir, { recursive: true, force: true });
      await exec('initdb', [...initdbArgs, '--no-locale']);
    }
    fs.appendFileSync(
      path.join(dataDir, 'postgresql.conf'),
      [
        '',
        '# @novapos/testkit: throwaway test cluster',
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${base}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'max_connections = 300',
        '',
      ].join('\n'),
    );

    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await exec('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-s', '-o', `-p ${port}`, 'start']);
        break;
      } catch (err) {
        const log = tail(logFile);
        if (attempt < 5 && /could not bind|address already in use/i.test(log)) continue;
        throw new Error(`${(err as Error).message}\n--- postgres.log ---\n${log}`, { cause: err });
      }
    }
    pid = readPidFile(path.join(dataDir, 'postmaster.pid'));

    const adminUrl = `postgres://${PG_ROLES.superuser}:${PG_ROLES.superuserPassword}@127.0.0.1:${port}/postgres`;
    await withClient(adminUrl, async (c) => {
      await c.query(
        `CREATE ROLE "${PG_ROLES.owner}" LOGIN PASSWORD '${PG_ROLES.ownerPassword}' CREATEROLE NOSUPERUSER NOBYPASSRLS NOCREATEDB`,
      );
      await c.query(
        `CREATE ROLE "${PG_ROLES.app}" LOGIN PASSWORD '${PG_ROLES.appPassword}' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION`,
      );
      await c.query(`CREATE ROLE "${PG_ROLES.appGroup}" NOLOGIN NOSUPERUSER NOBYPASSRLS`);
      await c.query(`GRANT "${PG_ROLES.appGroup}" TO "${PG_ROLES.app}"`);
      await c.query(`GRANT "${PG_ROLES.appGroup}" TO "${PG_ROLES.owner}" WITH ADMIN OPTION`);
    });
    const main = await createPgDatabase(adminUrl, PG_DEFAULT_DATABASE);

    const server: PgServer = {
      adminUrl,
      ownerUrl: main.ownerUrl,
      appUrl: main.appUrl,
      port,
      dataDir,
      createDatabase: (name) => createPgDatabase(adminUrl, name),
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await exec('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', '-t', '30', '-s', 'stop']);
        } catch {
          killQuietly(pid, 'SIGKILL');
        }
        await fs.promises.rm(base, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
        unregister();
      },
    };
    return server;
  } catch (err) {
    killSync();
    unregister();
    throw err;
  }
}
