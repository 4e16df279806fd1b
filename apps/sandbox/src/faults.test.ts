import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS } from './contract.ts';
import { startSandbox, type Sandbox } from './index.ts';
import { sandboxClient, startWebhookReceiver, type SandboxClient, type WebhookReceiver } from './testing.ts';

let sandbox: Sandbox;
let api: SandboxClient;
let receiver: WebhookReceiver;
let n = 0;
const key = (label: string) => `${label}-${++n}`;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  sandbox = await startSandbox({ webhookUrl: receiver.url, webhookRetryDelaysMs: [20, 40], timeoutMs: 60_000 });
  api = sandboxClient(sandbox.url, sandbox);
});
afterEach(async () => {
  sandbox.faults.reset();
  await sandbox.webhooksIdle();
  receiver.received.length = 0;
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

async function chargeBody(number: string = TEST_CARDS.approve) {
  const token = await api.tokenize(number);
  return { amount: 1500, currency: 'usd', token: token.id };
}

async function payNewCryptoCharge() {
  const created = await api.request('POST', '/v1/crypto/charges', { idempotencyKey: key('cc'), body: { amount: 100, currency: 'usd' } });
  await api.request('POST', `/v1/crypto/charges/${created.body.id}/pay`, { key: null });
  return created.body.id as string;
}

describe('fault controls', () => {
  it('answers the next N requests 500 without processing them, so a retry with the same key charges once', async () => {
    const body = await chargeBody();
    const idempotencyKey = key('fail');
    const before = sandbox.state().charges.count;
    sandbox.faults.failNext(2);
    for (let i = 0; i < 2; i++) {
      const res = await api.request('POST', '/v1/charges', { idempotencyKey, body });
      expect(res.status).toBe(500);
      expect(res.body.error).toMatchObject({ type: 'api_error', code: 'sandbox_fault' });
    }
    expect(sandbox.state().charges.count).toBe(before);
    const ok = await api.request('POST', '/v1/charges', { idempotencyKey, body });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('idempotent-replayed')).toBeNull();
    expect(sandbox.state().charges.count).toBe(before + 1);
    expect(sandbox.state().requests.faulted).toBeGreaterThanOrEqual(2);
  });

  it('limits injected failures to one route when asked', async () => {
    sandbox.faults.failNext(1, { route: 'GET /v1/charges/:id', status: 503 });
    expect((await api.request('GET', '/v1/charges')).status).toBe(200);
    expect((await api.request('GET', '/v1/charges/ch_x')).status).toBe(503);
    expect((await api.request('GET', '/v1/charges/ch_x')).status).toBe(404);
  });

  it('adds latency to one route or to all', async () => {
    sandbox.faults.latency(200, 'POST /v1/charges');
    const body = await chargeBody();
    let started = Date.now();
    await api.request('GET', '/v1/charges');
    expect(Date.now() - started).toBeLessThan(150);
    started = Date.now();
    expect((await api.request('POST', '/v1/charges', { idempotencyKey: key('slow'), body })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);

    sandbox.faults.latency(150);
    started = Date.now();
    await api.request('GET', '/v1/charges');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    sandbox.faults.latency(0);
    expect(sandbox.faults.snapshot().latency_ms).toEqual({ 'POST /v1/charges': 200 });
  });

  it('times out the next charge after making it, so only a retrieve by key or a replay tells the outcome', async () => {
    sandbox.faults.timeoutNext(1);
    const body = await chargeBody(TEST_CARDS.decline);
    const idempotencyKey = key('timeout');
    await expect(api.request('POST', '/v1/charges', { idempotencyKey, body, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    const found = await api.request('GET', `/v1/charges?idempotency_key=${idempotencyKey}`);
    expect(found.body.data).toMatchObject([{ status: 'failed', failure_code: 'card_declined' }]);
    const retry = await api.request('POST', '/v1/charges', { idempotencyKey, body });
    expect(retry.status).toBe(402);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('can lose a charge request before the processor sees it', async () => {
    sandbox.faults.timeoutNext(1, { processed: false });
    const body = await chargeBody();
    const idempotencyKey = key('lost');
    await expect(api.request('POST', '/v1/charges', { idempotencyKey, body, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect((await api.request('GET', `/v1/charges?idempotency_key=${idempotencyKey}`)).body.data).toEqual([]);
    const retry = await api.request('POST', '/v1/charges', { idempotencyKey, body });
    expect(retry.status).toBe(200);
    expect(sandbox.state().charges.by_idempotency_key[idempotencyKey]).toBe(1);
  });

  it('drops the next webhook entirely, then sends the one after', async () => {
    sandbox.faults.dropWebhooks(1);
    const dropped = await payNewCryptoCharge();
    await sandbox.webhooksIdle();
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received).toHaveLength(0);
    const sent = await payNewCryptoCharge();
    const [hook] = await receiver.waitFor(1);
    expect(JSON.parse(hook!.raw).data.charge.id).toBe(sent);
    expect(sandbox.events().find((e) => e.event.data.charge.id === dropped)!.state).toBe('dropped');
    expect(sandbox.state().webhooks.dropped).toBeGreaterThanOrEqual(1);
  });

  it('duplicates the next webhook: the same event id and body arrive twice', async () => {
    sandbox.faults.duplicateWebhooks();
    await payNewCryptoCharge();
    const hooks = await receiver.waitFor(2);
    expect(hooks[0]!.raw).toBe(hooks[1]!.raw);
    await payNewCryptoCharge();
    await sandbox.webhooksIdle();
    expect(receiver.received).toHaveLength(3);
  });

  it('takes the same switches over HTTP and resets them', async () => {
    const set = await api.request('POST', '/__faults', { key: null, body: { fail_next: 1, latency_ms: 50, drop_webhooks: 2, duplicate_webhooks: 1, timeout_next: 3 } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ fail_next: { remaining: 1, status: 500, route: '*' }, latency_ms: { '*': 50 }, drop_webhooks: 2, duplicate_webhooks: 1, timeout_next: { remaining: 3, processed: true } });
    expect((await api.request('GET', '/v1/charges')).status).toBe(500);
    expect((await api.request('POST', '/__faults', { key: null, body: { nonsense: 1 } })).status).toBe(400);
    const reset = await api.request('POST', '/__faults', { key: null, body: { reset: true } });
    expect(reset.body).toEqual({ latency_ms: {}, fail_next: { remaining: 0, status: 500, route: '*' }, timeout_next: { remaining: 0, processed: true }, drop_webhooks: 0, duplicate_webhooks: 0 });
    expect((await api.request('DELETE', '/__faults', { key: null })).status).toBe(200);
  });

  it('reports counts for assertions at GET /__state', async () => {
    const body = await chargeBody();
    const idempotencyKey = key('state');
    await Promise.all([1, 2, 3].map(() => api.request('POST', '/v1/charges', { idempotencyKey, body })));
    const state = await api.request('GET', '/__state', { key: null });
    expect(state.body.charges.by_idempotency_key[idempotencyKey]).toBe(1);
    expect(state.body).toMatchObject({ tokens: expect.any(Object), refunds: expect.any(Object), crypto_charges: expect.any(Object), webhooks: { sent: expect.any(Number), delivered: expect.any(Number) } });
  });
});

describe('close', () => {
  it('stops held requests, webhook retries and timers at once', async () => {
    const dead = await startWebhookReceiver();
    dead.respondWith(500, 500, 500);
    const box = await startSandbox({ webhookUrl: dead.url, webhookRetryDelaysMs: [60_000, 60_000], timeoutMs: 60_000 });
    const client = sandboxClient(box.url, box);
    const token = await client.tokenize(TEST_CARDS.timeout);
    const held = client.request('POST', '/v1/charges', { idempotencyKey: 'held', body: { amount: 1, currency: 'usd', token: token.id } });
    const cc = await client.request('POST', '/v1/crypto/charges', { idempotencyKey: 'cc', body: { amount: 1, currency: 'usd' } });
    await client.request('POST', `/v1/crypto/charges/${cc.body.id}/pay`, { key: null });
    await dead.waitFor(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(box.state().requests.timed_out).toBe(1);

    const started = Date.now();
    await box.close();
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(held).rejects.toThrow();
    expect(box.state().webhooks.in_flight).toBe(0);
    await box.close();
    await dead.close();
  });
});
