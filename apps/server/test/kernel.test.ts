import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPostgres } from '@novapos/testkit';
import { scopeToTenant, tenantTx } from '@novapos/platform';
import { idem, startTestApp, type DbKind, type TestApp, type TestTenant } from '../src/testing.ts';

const kinds: DbKind[] = hasPostgres() ? ['pglite', 'postgres'] : ['pglite'];

describe.each(kinds)('kernel on %s', (kind) => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  beforeAll(async () => {
    t = await startTestApp(kind);
    a = await t.signup({ business_name: 'Alpha' });
    b = await t.signup({ business_name: 'Beta' });
  });
  afterAll(async () => t?.close());

  it("answers 404 with no data for every route that names another tenant's object", async () => {
    const user = await t.request('POST', '/api/v1/users', { token: a.token, headers: idem(), body: { email: `u-${randomUUID()}@example.com`, name: 'Ann', role: 'cashier', pin: '1357', store_ids: [a.storeId] } });
    const probes: [string, string, unknown?][] = [
      ['GET', `/api/v1/stores/${a.storeId}`],
      ['PATCH', `/api/v1/stores/${a.storeId}`, { name: 'Hijacked' }],
      ['GET', `/api/v1/stores/${a.storeId}/registers`],
      ['POST', `/api/v1/stores/${a.storeId}/registers`, { name: 'Evil till' }],
      ['GET', `/api/v1/stores/${a.storeId}/cashiers`],
      ['GET', `/api/v1/users/${user.body.id}`],
      ['PATCH', `/api/v1/users/${user.body.id}`, { name: 'Hijacked' }],
      ['POST', `/api/v1/users/${user.body.id}/deactivate`],
      ['POST', `/api/v1/users/${user.body.id}/pin`, { pin: '9999' }],
      ['POST', `/api/v1/users/${user.body.id}/pin/unlock`],
      ['POST', `/api/v1/registers/${a.registerId}/pin/unlock`],
      ['POST', '/api/v1/auth/pin', { store_id: a.storeId, register_id: a.registerId, pin: '1357' }],
    ];
    for (const [method, url, body] of probes) {
      const r = await t.request(method, url, { token: b.token, headers: idem(), ...(body ? { body } : {}) });
      expect(r.status, `${method} ${url}`).toBe(404);
      expect(JSON.stringify(r.body)).not.toContain('Alpha');
    }
    const lists = await Promise.all(['/api/v1/stores', '/api/v1/users'].map((u) => t.request('GET', u, { token: b.token })));
    for (const l of lists) expect(JSON.stringify(l.body)).not.toContain(a.storeId);
    const still = await t.request('GET', `/api/v1/users/${user.body.id}`, { token: a.token });
    expect(still.body).toMatchObject({ name: 'Ann', status: 'active' });
  });

  it('row-level security hides other tenants from a query that forgets its tenant filter', async () => {
    const db = t.app.database.db;
    const rows = await tenantTx(db, b.tenantId, (trx) => sql<{ tenant_id: string }>`select tenant_id from identity.stores`.execute(trx));
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(rows.rows.every((r) => r.tenant_id === b.tenantId)).toBe(true);
    const none = await db.transaction().execute(async (trx) => {
      await scopeToTenant(trx, '');
      return sql<{ n: number }>`select count(*)::int as n from identity.users`.execute(trx);
    });
    expect(none.rows[0]!.n).toBe(0);
    const write = tenantTx(db, b.tenantId, (trx) => sql`insert into identity.stores (tenant_id, id, name, number, timezone) values (${a.tenantId}, ${randomUUID()}, 'Sneaky', 99, 'UTC')`.execute(trx));
    await expect(write).rejects.toThrow(/row-level security/);
  });

  if (kind === 'postgres') it('connects as a role that is neither superuser, BYPASSRLS nor table owner', async () => {
    const r = await sql<{ rolsuper: boolean; rolbypassrls: boolean; owns: number }>`
      select r.rolsuper, r.rolbypassrls,
        (select count(*)::int from pg_tables where tableowner = session_user) as owns
      from pg_roles r where r.rolname = session_user`.execute(t.app.database.db);
    expect(r.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, owns: 0 });
    const plain = await sql<{ n: number }>`select count(*)::int as n from identity.users`.execute(t.app.database.db).catch((e: Error) => e);
    // outside a tenant transaction the login role cannot even read the table
    expect(plain instanceof Error || (plain as { rows: { n: number }[] }).rows[0]!.n === 0).toBe(true);
  });

  it('replays a repeated creating POST and refuses the key with another body', async () => {
    const key = randomUUID();
    const body = { name: `Idem ${key.slice(0, 8)}`, timezone: 'UTC' };
    const first = await t.request('POST', '/api/v1/stores', { token: a.token, headers: { 'idempotency-key': key }, body });
    const again = await t.request('POST', '/api/v1/stores', { token: a.token, headers: { 'idempotency-key': key }, body });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await t.request('POST', '/api/v1/stores', { token: a.token, headers: { 'idempotency-key': key }, body: { ...body, name: 'Else' } });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    // keys are per tenant: another tenant may use the same key
    const theirs = await t.request('POST', '/api/v1/stores', { token: b.token, headers: { 'idempotency-key': key }, body });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(first.body.id);
    const bad = await t.request('POST', '/api/v1/stores', { token: a.token, headers: { 'idempotency-key': 'x'.repeat(256) }, body });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('headers.idempotency-key');
  });

  it('creates exactly one row from 100 concurrent POSTs with one Idempotency-Key', async () => {
    const key = randomUUID();
    const body = { name: `Rush ${key.slice(0, 8)}`, timezone: 'UTC' };
    const results = await Promise.all(Array.from({ length: 100 }, () => t.request('POST', '/api/v1/stores', { token: a.token, headers: { 'idempotency-key': key }, body })));
    const created = results.filter((r) => r.status === 201);
    const busy = results.filter((r) => r.status === 409);
    expect(created.length + busy.length).toBe(100);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const r of busy) expect(r.body.code).toBe('idempotency_request_in_progress');
    const stores = await t.request('GET', '/api/v1/stores?limit=200', { token: a.token });
    expect(stores.body.data.filter((s: { name: string }) => s.name === body.name)).toHaveLength(1);
  });

  it('answers every kind of error as problem+json', async () => {
    const cases = [
      await t.request('GET', '/api/v1/nothing-here', { token: a.token }),
      await t.request('DELETE', '/api/v1/stores', { token: a.token }),
      await t.request('POST', '/api/v1/stores', { token: a.token, headers: { ...idem(), 'content-type': 'application/json' }, rawBody: '{"name": ' }),
      await t.request('POST', '/api/v1/stores', { token: a.token, headers: { ...idem(), 'content-type': 'application/json' }, rawBody: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) }),
      await t.request('POST', '/api/v1/stores', { token: a.token, headers: { ...idem(), 'content-type': 'text/plain' }, rawBody: 'hello' }),
      await t.request('GET', '/api/v1/stores?limit=0', { token: a.token }),
      await t.request('GET', '/api/v1/stores/not-a-uuid', { token: a.token }),
    ];
    expect(cases.map((c) => c.status)).toEqual([404, 405, 400, 413, 415, 400, 400]);
    for (const c of cases) {
      expect(c.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(c.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status: c.status, detail: expect.any(String), code: expect.any(String) });
    }
    expect(cases[1]!.headers.allow).toContain('POST');
    expect(cases[2]!.body.code).toBe('malformed_json');
    expect(cases[5]!.body.errors[0].path).toBe('query.limit');
    expect(cases[6]!.body.errors[0].path).toBe('params.id');
  });

  it('changes nothing when a request fails half way', async () => {
    const before = await t.request('GET', '/api/v1/users?limit=200', { token: a.token });
    // the PIN clash is found after the user row was inserted: the whole request must roll back
    const email = `half-${randomUUID()}@example.com`;
    await t.request('POST', '/api/v1/users', { token: a.token, headers: idem(), body: { email: `p-${randomUUID()}@example.com`, name: 'P1', role: 'cashier', pin: '8080', store_ids: [a.storeId] } });
    const clash = await t.request('POST', '/api/v1/users', { token: a.token, headers: idem(), body: { email, name: 'P2', role: 'cashier', pin: '8080', store_ids: [a.storeId] } });
    expect(clash.status).toBe(409);
    const after = await t.request('GET', '/api/v1/users?limit=200', { token: a.token });
    expect(after.body.data.length).toBe(before.body.data.length + 1);
    expect(JSON.stringify(after.body)).not.toContain(email);
    const retry = await t.request('POST', '/api/v1/users', { token: a.token, headers: idem(), body: { email, name: 'P2', role: 'cashier', pin: '8081', store_ids: [a.storeId] } });
    expect(retry.status).toBe(201);
  });

  it('pages lists with a cursor', async () => {
    for (let i = 0; i < 3; i++) await t.request('POST', '/api/v1/stores', { token: b.token, headers: idem(), body: { name: `Page ${i} ${randomUUID().slice(0, 4)}`, timezone: 'UTC' } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { data: { id: string }[]; next_cursor: string | null } } = await t.request('GET', `/api/v1/stores?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: b.token });
      seen.push(...r.body.data.map((s) => s.id));
      cursor = r.body.next_cursor;
    } while (cursor);
    const all = await t.request('GET', '/api/v1/stores?limit=200', { token: b.token });
    expect(seen).toEqual(all.body.data.map((s: { id: string }) => s.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect((await t.request('GET', '/api/v1/stores?cursor=garbage', { token: b.token })).status).toBe(400);
  });

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await t.request('GET', '/healthz')).status).toBe(200);
    const ready = await t.request('GET', '/readyz');
    expect(ready.body).toMatchObject({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
    const metrics = await t.request('GET', '/metrics');
    expect(metrics.body).toMatch(/novapos_http_request_duration_seconds_bucket\{.*route="\/api\/v1\/stores".*status="201"/);
    expect(metrics.body).toMatch(/novapos_outbox_backlog \d+/);
    const doc = await t.request('GET', '/api/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/signup', '/api/v1/stores', '/api/v1/users/{id}']));
    const docs = await t.request('GET', '/api/docs/');
    expect(docs.status).toBe(200);
  });
});
