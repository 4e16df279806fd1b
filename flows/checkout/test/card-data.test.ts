// A card number or CVV never reaches NovaPOS: the terminal screen tokenizes at the processor. This
// test sells with every test card and then scans the database (every table of every schema), the
// server's logs at debug level and every response for them.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '@novapos/platform';
import { TEST_CARDS } from '@novapos/sandbox';
import { startCheckoutTestApp, type CheckoutTestApp } from '@novapos/server/testing';

const CVC = '731';
let t: CheckoutTestApp;
const logs: string[] = [];
beforeAll(async () => {
  const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
  t = await startCheckoutTestApp('pglite', { logLevel: 'debug' }, {}, { logger: createLogger('debug', sink) });
}, 120_000);
afterAll(() => t?.close());

it('no card number or CVV in the database, the logs or any response', async () => {
  const owner = await t.signup();
  const responses: string[] = [];
  const call = async (method: string, url: string, body?: unknown) => {
    const r = await t.request(method, url, { token: owner.token, headers: { 'idempotency-key': randomUUID() }, ...(body ? { body } : {}) });
    responses.push(JSON.stringify(r.body), JSON.stringify(r.headers));
    return r;
  };
  const p = await call('POST', '/api/v1/products', { name: 'Mug', variants: [{ sku: 'MUG', price: { amount: 1200, currency: 'USD' } }] });
  const client = await import('@novapos/sandbox/testing').then((m) => m.sandboxClient(t.sandbox.url, { secretKey: t.sandbox.secretKey, publishableKey: t.sandbox.publishableKey }));
  for (const number of Object.values(TEST_CARDS)) {
    const token = (await client.tokenize(number, { cvc: CVC })).id;
    await call('POST', '/api/v1/checkout', {
      order: { store_id: owner.storeId, register_id: owner.registerId, lines: [{ variant_id: p.body.variants[0].id, quantity: 1 }] },
      payments: [{ tender: 'card', token, amount: { amount: 1200, currency: 'USD' } }],
    });
  }
  await t.app.modules.payments.service.reconcile(t.app.database);
  await t.app.bus.drain(20_000);
  const orders = await call('GET', '/api/v1/orders?limit=50');
  for (const o of orders.body.data) {
    await call('GET', `/api/v1/orders/${o.id}`);
    for (const accept of ['application/json', 'text/html', 'text/plain']) {
      const r = await t.request('GET', `/api/v1/orders/${o.id}/receipt`, { token: owner.token, headers: { accept } });
      responses.push(String(typeof r.body === 'string' ? r.body : JSON.stringify(r.body)));
    }
  }

  // every row of every table, as text (PGlite's session is the database owner)
  const tables = await sql<{ s: string; t: string }>`select table_schema as s, table_name as t from information_schema.tables
    where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'`.execute(t.app.database.db);
  expect(tables.rows.length).toBeGreaterThan(20);
  let dump = '';
  for (const { s, t: name } of tables.rows) {
    const rows = await sql<{ j: string }>`select row_to_json(x)::text as j from ${sql.table(`${s}.${name}`)} x`.execute(t.app.database.db);
    dump += rows.rows.map((r) => r.j).join('\n');
  }
  const text = { database: dump, logs: logs.join(''), responses: responses.join('\n') };
  expect(text.logs.length).toBeGreaterThan(1000);
  expect(text.database).toContain('4242'); // the last 4 are kept, as on a receipt
  for (const [where, content] of Object.entries(text)) {
    for (const number of Object.values(TEST_CARDS)) {
      expect(content.includes(number), `${where} holds card number ${number}`).toBe(false);
      // also grouped as printed on the card
      expect(content.includes(number.replace(/(\d{4})(?=\d)/g, '$1 ')), `${where} holds card number ${number}`).toBe(false);
    }
    expect(/"cvc"|"cvv"/i.test(content), `${where} holds a CVC field`).toBe(false);
  }
});
