import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPostgres } from '@novapos/testkit';
import { idem, startTestApp, type DbKind, type TestApp, type TestTenant } from '../src/testing.ts';

const kinds: DbKind[] = hasPostgres() ? ['pglite', 'postgres'] : ['pglite'];

describe.each(kinds)('identity on %s', (kind) => {
  let t: TestApp;
  let shop: TestTenant;
  beforeAll(async () => {
    t = await startTestApp(kind);
    shop = await t.signup({ business_name: 'Corner Books' });
  });
  afterAll(async () => t?.close());

  it('signs a business up with an owner, a first store and a register, and /me shows them', async () => {
    const me = await t.request('GET', '/api/v1/me', { token: shop.token });
    expect(me.status).toBe(200);
    expect(me.body.tenant.name).toBe('Corner Books');
    expect(me.body.user.role).toBe('owner');
    expect(me.body.stores).toHaveLength(1);
    expect(me.body.permissions).toContain('stores.manage');
    const regs = await t.request('GET', `/api/v1/stores/${shop.storeId}/registers`, { token: shop.token });
    expect(regs.body.data.map((r: { id: string }) => r.id)).toEqual([shop.registerId]);
  });

  it('refuses a signup with bad fields, naming each field, and creates nothing', async () => {
    const email = `bad-${randomUUID()}@example.com`;
    const r = await t.request('POST', '/api/v1/signup', { body: { business_name: '', email, password: 'short', currency: 'usd', timezone: 'Mars/Base' }, headers: idem() });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body.code).toBe('validation_failed');
    const paths = r.body.errors.map((e: { path: string }) => e.path).toSorted();
    expect(paths).toEqual(['business_name', 'currency', 'password', 'timezone']);
    const login = await t.request('POST', '/api/v1/auth/login', { body: { email, password: 'short' } });
    expect(login.status).toBe(401);
  });

  it('refuses a second signup with the same e-mail', async () => {
    const r = await t.request('POST', '/api/v1/signup', { body: { business_name: 'Copy', email: shop.email.toUpperCase(), password: 'another long password', currency: 'EUR', timezone: 'Europe/Paris' }, headers: idem() });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('email_taken');
    expect(r.body.errors[0].path).toBe('email');
  });

  it('logs in with the right password only', async () => {
    const ok = await t.request('POST', '/api/v1/auth/login', { body: { email: shop.email, password: shop.password } });
    expect(ok.status).toBe(200);
    expect(ok.body.expires_in).toBeLessThanOrEqual(900);
    const bad = await t.request('POST', '/api/v1/auth/login', { body: { email: shop.email, password: 'wrong password!!' } });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('invalid_credentials');
  });

  it('rotates refresh tokens and revokes the family when an old one is replayed', async () => {
    const login = await t.request('POST', '/api/v1/auth/login', { body: { email: shop.email, password: shop.password } });
    const first = login.body.refresh_token;
    const r1 = await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: first } });
    expect(r1.status).toBe(200);
    const second = r1.body.refresh_token;
    expect(second).not.toBe(first);
    const reuse = await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: first } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('refresh_token_reused');
    const afterTheft = await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: second } });
    expect(afterTheft.status).toBe(401);
  });

  it('rejects forged, expired-looking and malformed access tokens', async () => {
    const [h, p] = shop.token.split('.');
    const forged = `${h}.${p}.${'A'.repeat(43)}`;
    expect((await t.request('GET', '/api/v1/me', { token: forged })).status).toBe(401);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect((await t.request('GET', '/api/v1/me', { token: none })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/me')).status).toBe(401);
  });

  it('manages stores, registers and staff within role limits', async () => {
    const store = await t.request('POST', '/api/v1/stores', { token: shop.token, headers: idem(), body: { name: 'Harbour', timezone: 'America/Halifax', address: { line1: '1 Pier', city: 'Halifax', country: 'CA' } } });
    expect(store.status).toBe(201);
    expect(store.body.number).toBe(2);
    const reg = await t.request('POST', `/api/v1/stores/${store.body.id}/registers`, { token: shop.token, headers: idem(), body: { name: 'Till A' } });
    expect(reg.status).toBe(201);
    const dupReg = await t.request('POST', `/api/v1/stores/${store.body.id}/registers`, { token: shop.token, headers: idem(), body: { name: 'Till A' } });
    expect(dupReg.status).toBe(409);

    const manager = await t.request('POST', '/api/v1/users', { token: shop.token, headers: idem(), body: { email: `m-${randomUUID()}@example.com`, name: 'Mo', role: 'manager', password: 'manager password 1', store_ids: [store.body.id] } });
    expect(manager.status).toBe(201);
    const mLogin = await t.request('POST', '/api/v1/auth/login', { body: { email: manager.body.email, password: 'manager password 1' } });
    const mToken = mLogin.body.access_token;
    // a manager adds cashiers to their store, but not admins, and cannot create stores
    const cashier = await t.request('POST', '/api/v1/users', { token: mToken, headers: idem(), body: { email: `c-${randomUUID()}@example.com`, name: 'Cy', role: 'cashier', pin: '4321', store_ids: [store.body.id] } });
    expect(cashier.status).toBe(201);
    const admin = await t.request('POST', '/api/v1/users', { token: mToken, headers: idem(), body: { email: `a-${randomUUID()}@example.com`, name: 'Al', role: 'admin', password: 'admin password 12' } });
    expect(admin.status).toBe(403);
    expect((await t.request('POST', '/api/v1/stores', { token: mToken, headers: idem(), body: { name: 'Nope', timezone: 'UTC' } })).status).toBe(403);
    // a manager sees only their store
    const stores = await t.request('GET', '/api/v1/stores', { token: mToken });
    expect(stores.body.data.map((s: { id: string }) => s.id)).toEqual([store.body.id]);
    expect((await t.request('GET', `/api/v1/stores/${shop.storeId}`, { token: mToken })).status).toBe(404);

    // role change takes effect on the next request; deactivation signs the user out at once
    const promote = await t.request('PATCH', `/api/v1/users/${manager.body.id}`, { token: shop.token, body: { role: 'cashier' } });
    expect(promote.status).toBe(200);
    expect((await t.request('GET', '/api/v1/users', { token: mToken })).status).toBe(403);
    const off = await t.request('POST', `/api/v1/users/${manager.body.id}/deactivate`, { token: shop.token });
    expect(off.body.status).toBe('deactivated');
    expect((await t.request('GET', '/api/v1/me', { token: mToken })).status).toBe(401);
    expect((await t.request('POST', '/api/v1/auth/login', { body: { email: manager.body.email, password: 'manager password 1' } })).status).toBe(401);
  });

  it('keeps the last owner from being demoted or deactivated', async () => {
    const self = await t.request('POST', `/api/v1/users/${shop.userId}/deactivate`, { token: shop.token });
    expect(self.status).toBe(403);
    const me = await t.request('PATCH', `/api/v1/users/${shop.userId}`, { token: shop.token, body: { role: 'cashier' } });
    expect(me.status).toBe(403);
  });

  it('switches a cashier in with a PIN, locks after five wrong tries, and a manager unlocks', async () => {
    const email = `pin-${randomUUID()}@example.com`;
    const c = await t.request('POST', '/api/v1/users', { token: shop.token, headers: idem(), body: { email, name: 'Pat', role: 'cashier', pin: '2468', store_ids: [shop.storeId] } });
    expect(c.status).toBe(201);
    expect(c.body.pin_set).toBe(true);
    const clash = await t.request('POST', '/api/v1/users', { token: shop.token, headers: idem(), body: { email: `x-${randomUUID()}@example.com`, name: 'Dup', role: 'cashier', pin: '2468', store_ids: [shop.storeId] } });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('pin_taken');

    const pin = (p: string, user?: string) => t.request('POST', '/api/v1/auth/pin', { token: shop.token, body: { store_id: shop.storeId, register_id: shop.registerId, pin: p, ...(user ? { user_id: user } : {}) } });
    const ok = await pin('2468');
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(c.body.id);
    const cashierMe = await t.request('GET', '/api/v1/me', { token: ok.body.access_token });
    expect(cashierMe.body.register_id).toBe(shop.registerId);
    expect(cashierMe.body.user.role).toBe('cashier');

    for (let i = 0; i < 5; i++) expect((await pin('0000', c.body.id)).status).toBe(401);
    const locked = await pin('2468', c.body.id);
    expect(locked.status).toBe(423);
    expect(locked.body.code).toBe('pin_locked');
    const list = await t.request('GET', `/api/v1/users/${c.body.id}`, { token: shop.token });
    expect(list.body.pin_locked).toBe(true);
    expect((await t.request('POST', `/api/v1/users/${c.body.id}/pin/unlock`, { token: shop.token })).status).toBe(204);
    expect((await pin('2468', c.body.id)).status).toBe(200);
    const cashiers = await t.request('GET', `/api/v1/stores/${shop.storeId}/cashiers`, { token: shop.token });
    expect(cashiers.body.data.map((x: { name: string }) => x.name)).toContain('Pat');
  });
});

describe('login throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite');
  });
  afterAll(async () => t?.close());

  it('refuses an account after 10 failures in 15 minutes, even with the right password', async () => {
    const shop = await t.signup();
    for (let i = 0; i < 10; i++) {
      const r = await t.request('POST', '/api/v1/auth/login', { body: { email: shop.email, password: `guess number ${i}` }, ip: `10.1.0.${i}` });
      expect(r.status).toBe(401);
    }
    const right = await t.request('POST', '/api/v1/auth/login', { body: { email: shop.email, password: shop.password }, ip: '10.1.1.1' });
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('too_many_attempts');
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('refuses the 101st failure from one IP within an hour, across accounts', async () => {
    const ip = '192.0.2.77';
    for (let i = 0; i < 100; i++) {
      const r = await t.request('POST', '/api/v1/auth/login', { body: { email: `nobody-${i}@example.com`, password: 'wrong password' }, ip });
      expect(r.status).toBe(401);
    }
    const r = await t.request('POST', '/api/v1/auth/login', { body: { email: 'nobody-x@example.com', password: 'wrong password' }, ip });
    expect(r.status).toBe(429);
    const elsewhere = await t.request('POST', '/api/v1/auth/login', { body: { email: 'nobody-x@example.com', password: 'wrong password' }, ip: '192.0.2.78' });
    expect(elsewhere.status).toBe(401);
  });
});
