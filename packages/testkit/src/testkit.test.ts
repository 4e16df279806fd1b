import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PG_ROLES,
  freePort,
  freshPgDatabase,
  hasChromium,
  hasNats,
  hasPostgres,
  launchChromium,
  requireInfra,
  startNats,
  testPostgres,
  type NatsServer,
} from './index.ts';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

describe('requireInfra / freePort', () => {
  it('returns availability, throws only when required', () => {
    const prev = process.env.NOVAPOS_REQUIRE_INFRA;
    try {
      delete process.env.NOVAPOS_REQUIRE_INFRA;
      expect(requireInfra('nats', false)).toBe(false);
      expect(requireInfra('nats', true)).toBe(true);
      process.env.NOVAPOS_REQUIRE_INFRA = '1';
      expect(() => requireInfra('chromium', false)).toThrow(/chromium/);
      expect(requireInfra('chromium', true)).toBe(true);
    } finally {
      if (prev === undefined) delete process.env.NOVAPOS_REQUIRE_INFRA;
      else process.env.NOVAPOS_REQUIRE_INFRA = prev;
    }
  });

  it('freePort gives a bindable port', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    await new Promise<void>((resolve, reject) => {
      const s = net.createServer().once('error', reject);
      s.listen(port, '127.0.0.1', () => s.close(() => resolve()));
    });
  });
});

describe.skipIf(!hasPostgres())('postgres (global test cluster)', () => {
  it('is provided by the global setup', () => {
    const info = testPostgres();
    expect(info).not.toBeNull();
    expect(info?.port).toBeGreaterThan(0);
  });

  it('app login role is not superuser, not bypassrls, owns nothing', async () => {
    const info = testPostgres()!;
    const rows = await query<{ rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean }>(
      info.appUrl,
      'SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = current_user',
    );
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcreaterole: false }]);
    const owned = await query<{ n: string }>(
      info.adminUrl,
      `SELECT count(*)::text AS n FROM pg_database WHERE datdba = (SELECT oid FROM pg_roles WHERE rolname = $1)`,
      [PG_ROLES.app],
    );
    expect(owned[0]?.n).toBe('0');
    const member = await query<{ m: boolean }>(info.appUrl, `SELECT pg_has_role(current_user, $1, 'MEMBER') AS m`, [
      PG_ROLES.appGroup,
    ]);
    expect(member[0]?.m).toBe(true);
  });

  it('owner role owns novapos, can create roles and tables; app is subject to RLS', async () => {
    const info = testPostgres()!;
    const [me] = await query<{ u: string; db: string; owner: string; rolcreaterole: boolean; rolsuper: boolean }>(
      info.ownerUrl,
      `SELECT current_user AS u, current_database() AS db, pg_get_userbyid(d.datdba) AS owner, r.rolcreaterole, r.rolsuper
         FROM pg_database d, pg_roles r WHERE d.datname = current_database() AND r.rolname = current_user`,
    );
    expect(me).toEqual({ u: PG_ROLES.owner, db: 'novapos', owner: PG_ROLES.owner, rolcreaterole: true, rolsuper: false });

    const db = await freshPgDatabase('testkit');
    const owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
    try {
      await owner.query(`CREATE TABLE t (tenant text NOT NULL, v int)`);
      await owner.query(`ALTER TABLE t ENABLE ROW LEVEL SECURITY`);
      await owner.query(`CREATE POLICY p ON t USING (tenant = current_setting('app.tenant', true))`);
      await owner.query(`GRANT SELECT, INSERT ON t TO ${PG_ROLES.appGroup}`);
      await owner.query(`INSERT INTO t VALUES ('a', 1), ('b', 2)`);
    } finally {
      await owner.end();
    }
    const app = new pg.Client({ connectionString: db.appUrl });
    await app.connect();
    try {
      await app.query(`SELECT set_config('app.tenant', 'a', false)`);
      const r = await app.query<{ v: number }>('SELECT v FROM t');
      expect(r.rows).toEqual([{ v: 1 }]);
    } finally {
      await app.end();
    }
  });

  it('freshPgDatabase gives distinct databases', async () => {
    const [a, b] = await Promise.all([freshPgDatabase(), freshPgDatabase()]);
    expect(a!.database).not.toBe(b!.database);
    const rows = await query<{ db: string }>(b!.appUrl, 'SELECT current_database() AS db');
    expect(rows[0]?.db).toBe(b!.database);
  });

  it('rejects a wrong password (scram auth over TCP)', async () => {
    const url = new URL(testPostgres()!.appUrl);
    url.password = 'wrong';
    await expect(query(url.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
  });
});

describe.skipIf(!hasNats())('nats', () => {
  let nats: NatsServer;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('accepts a TCP connection and speaks NATS with JetStream', async () => {
    expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
    const info = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(nats.port, '127.0.0.1');
      let buf = '';
      sock.on('data', (d) => {
        buf += d.toString();
        if (buf.includes('\r\n')) {
          sock.destroy();
          resolve(buf);
        }
      });
      sock.on('error', reject);
    });
    expect(info.startsWith('INFO ')).toBe(true);
    expect(JSON.parse(info.slice(5)).jetstream).toBe(true);
  });

  it('stop() frees the port', async () => {
    const other = await startNats();
    await other.stop();
    await expect(
      new Promise((resolve, reject) => {
        const s = net.connect(other.port, '127.0.0.1');
        s.on('connect', () => {
          s.destroy();
          resolve('connected');
        });
        s.on('error', reject);
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe.skipIf(!hasChromium())('chromium', () => {
  it('launches and renders a page', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto('data:text/html,<h1>hi</h1>');
      expect(await page.textContent('h1')).toBe('hi');
      expect(await page.evaluate('navigator.onLine')).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
