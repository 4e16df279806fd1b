// The server is killed with SIGKILL in the middle of 500 concurrent card checkouts, then started
// again. What a retailer must find afterwards: every sale that got a 2xx is complete, no order is
// half-written, no card was charged twice, and stock moved once per completed order.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@novapos/sandbox';
import { sandboxClient } from '@novapos/sandbox/testing';
import { freePort, freshPgDatabase, hasPostgres } from '@novapos/testkit';
import { childServerEnv, spawnServer } from '../src/testing.ts';

const CHECKOUTS = 500;
const KILL_AFTER = 120; // answers seen before the kill

interface Call {
  key: string;
  body: unknown;
  status: number | 'network';
  order?: { id: string; status: string; total: { amount: number } };
}

if (hasPostgres()) describe('checkout survives SIGKILL (PostgreSQL server)', () => {
  let sandbox: Sandbox;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let port: number;
  let base: string;
  let server: ChildProcess | null = null;

  const startServer = () => spawnServer(env, base, 30_000);

  const api = async (method: string, path: string, token: string, body?: unknown, key?: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key) headers['idempotency-key'] = key;
    const r = await fetch(`${base}/api/v1${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ processingDelayMs: 5 });
    const urls = await freshPgDatabase('crash');
    dataDir = mkdtempSync(join(tmpdir(), 'novapos-crash-'));
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = { ...childServerEnv({ urls, port, processorUrl: sandbox.url, dataDir }), PAYMENTS_PROCESSOR_TIMEOUT_MS: '3000' };
    sandbox.setWebhookUrl(`${base}/api/v1/webhooks/sandbox`);
    server = await startServer();
  }, 120_000);

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await sandbox?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('every 2xx sale is complete, none is half-written, no card is charged twice, stock moves once', async () => {
    const signup = await fetch(`${base}/api/v1/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ business_name: 'Crash Shop', email: `crash-${randomUUID()}@example.com`, password: 'crash test password 1', currency: 'USD', timezone: 'UTC' }),
    }).then((r) => r.json() as Promise<{ access_token: string; store: { id: string }; register: { id: string } }>);
    const token = signup.access_token;
    const storeId = signup.store.id;
    const registerId = signup.register.id;
    const product = await api('POST', '/products', token, {
      name: 'Crash tee',
      options: [{ name: 'Size', values: ['S', 'M', 'L'] }],
      variants: ['S', 'M', 'L'].map((s, i) => ({ sku: `CRASH-${s}`, price: { amount: 1000 + i * 250, currency: 'USD' }, option_values: [s] })),
    }, randomUUID());
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    const variants: string[] = product.body.variants.map((v: { id: string }) => v.id);
    for (const v of variants) {
      const adj = await api('POST', '/inventory/adjustments', token, { store_id: storeId, variant_id: v, delta: 5000, reason: 'found' }, randomUUID());
      expect(adj.status, JSON.stringify(adj.body)).toBe(201);
    }

    const client = sandboxClient(sandbox.url, { secretKey: sandbox.secretKey, publishableKey: sandbox.publishableKey });
    const calls: Call[] = [];
    for (let i = 0; i < CHECKOUTS; i++) {
      const card = await client.tokenize();
      // the new business has no tax codes: the total is the sum of the lines
      const total = variants.reduce((sum, _v, j) => sum + (1000 + j * 250) * (1 + ((i + j) % 2)), 0);
      calls.push({
        key: randomUUID(),
        status: 'network',
        body: {
          order: { store_id: storeId, register_id: registerId, lines: variants.map((v, j) => ({ variant_id: v, quantity: 1 + ((i + j) % 2) })) },
          payments: [{ tender: 'card', token: card.id, amount: { amount: total, currency: 'USD' } }],
        },
      });
    }

    // fire them all; kill the server once KILL_AFTER have answered
    let answered = 0;
    const victim = server!;
    let killed = false;
    const send = async (c: Call) => {
      try {
        const r = await api('POST', '/checkout', token, c.body, c.key);
        c.status = r.status;
        if (r.status === 201) c.order = r.body;
      } catch {
        c.status = 'network';
      }
      if (++answered === KILL_AFTER && !killed) {
        killed = true;
        victim.kill('SIGKILL');
      }
    };
    await Promise.all(calls.map(send));
    expect(killed).toBe(true);
    const okBeforeCrash = calls.filter((c) => c.status === 201);
    expect(okBeforeCrash.length).toBeGreaterThan(0);
    expect(calls.some((c) => c.status === 'network')).toBe(true);
    await new Promise<void>((r) => (victim.exitCode !== null || victim.signalCode !== null ? r() : victim.once('exit', () => r())));

    const lost = calls.filter((c) => c.status === 'network').length;
    server = await startServer();

    // every sale that got a 2xx before the crash is complete, as the server reads it now
    for (const c of okBeforeCrash) {
      expect(c.order!.status).toBe('completed');
      const now = await api('GET', `/orders/${c.order!.id}`, token);
      expect(now.body.status).toBe('completed');
    }

    // the tills retry what had no answer, with the same key, until each has a final answer
    const pending = () => calls.filter((c) => c.status !== 201 && c.status !== 402);
    for (let round = 0; round < 60 && pending().length; round++) {
      await Promise.all(pending().map(send));
      if (pending().length) await new Promise((r) => setTimeout(r, 1000));
    }
    expect(pending().map((c) => c.status)).toEqual([]);
    console.log(`crash test: ${okBeforeCrash.length} sales answered 2xx before the SIGKILL, ${lost} lost their answer; all ${CHECKOUTS} complete after retries`);

    // no card charged twice: one succeeded charge per processor idempotency key, one per completed order
    const state = sandbox.state();
    for (const [k, n] of Object.entries(state.charges.by_idempotency_key)) expect(n, k).toBe(1);
    const completed = calls.filter((c) => c.status === 201 && c.order?.status === 'completed');
    expect(completed.length).toBe(CHECKOUTS);
    expect(state.charges.by_status.succeeded ?? 0).toBe(completed.length);

    // no order half-written: every order the server has is whole (3 lines, totals add up) and complete
    const orders: { id: string; status: string; lines: { total: { amount: number } }[]; total: { amount: number }; tax_total: { amount: number } }[] = [];
    let cursor: string | null = null;
    do {
      const page = await api('GET', `/orders?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
      orders.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(orders.length).toBe(CHECKOUTS);
    for (const o of orders) {
      const full = (await api('GET', `/orders/${o.id}`, token)).body;
      expect(full.status).toBe('completed');
      expect(full.lines).toHaveLength(3);
      expect(full.lines.reduce((s: number, l: { total: { amount: number } }) => s + l.total.amount, 0)).toBe(full.total.amount);
    }

    // stock moved exactly once per completed order
    const sold = new Map<string, number>();
    for (const c of calls) {
      for (const l of (c.body as { order: { lines: { variant_id: string; quantity: number }[] } }).order.lines) sold.set(l.variant_id, (sold.get(l.variant_id) ?? 0) + l.quantity);
    }
    for (let i = 0; i < 100; i++) {
      const levels = await api('GET', `/inventory?store_id=${storeId}`, token);
      const rows: { variant_id: string; on_hand: number }[] = levels.body.data ?? levels.body;
      const done = variants.every((v) => rows.find((r) => r.variant_id === v)?.on_hand === 5000 - sold.get(v)!);
      if (done) break;
      if (i === 99) expect(rows.map((r) => [r.variant_id, 5000 - r.on_hand])).toEqual(variants.map((v) => [v, sold.get(v)]));
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 600_000);
});
