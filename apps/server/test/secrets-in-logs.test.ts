import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@novapos/platform';
import { idem, startTestApp, type TestApp } from '../src/testing.ts';

describe('logs', () => {
  const lines: string[] = [];
  let t: TestApp;
  beforeAll(async () => {
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    t = await startTestApp('pglite', { logLevel: 'trace' }, { logger: createLogger('trace', sink) });
  });
  afterAll(async () => t?.close());

  it('never contain passwords, tokens or PINs, even for failed attempts', async () => {
    const password = `pw-${randomUUID()}`;
    const shop = await t.signup({ password });
    const pin = '7391';
    const user = await t.request('POST', '/api/v1/users', { token: shop.token, headers: idem(), body: { email: `l-${randomUUID()}@example.com`, name: 'Lee', role: 'cashier', pin, store_ids: [shop.storeId] } });
    expect(user.status).toBe(201);
    const login = await t.request('POST', '/api/v1/auth/login', { body: { email: shop.email, password } });
    await t.request('POST', '/api/v1/auth/login', { body: { email: shop.email, password: `${password}-wrong` } });
    const refreshed = await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: login.body.refresh_token } });
    await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: login.body.refresh_token } });
    const switched = await t.request('POST', '/api/v1/auth/pin', { token: shop.token, body: { store_id: shop.storeId, register_id: shop.registerId, pin } });
    await t.request('POST', '/api/v1/auth/pin', { token: shop.token, body: { store_id: shop.storeId, register_id: shop.registerId, pin: '0000' } });
    await t.request('GET', '/api/v1/me', { token: `${shop.token}x` });
    const secrets = [password, shop.token, shop.refresh, login.body.access_token, login.body.refresh_token, refreshed.body.refresh_token, switched.body.access_token, `"${pin}"`];
    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    for (const s of secrets) expect(all.includes(s), `log contains a secret (${s.slice(0, 6)}…)`).toBe(false);
    expect(all).not.toMatch(/refresh_token|authorization/i);
  });
});
