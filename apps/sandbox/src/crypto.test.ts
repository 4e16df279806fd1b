import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from './contract.ts';
import { startSandbox, type Sandbox } from './index.ts';
import { verifySignature } from './signature.ts';
import { sandboxClient, startWebhookReceiver, type ReceivedWebhook, type SandboxClient, type WebhookReceiver } from './testing.ts';

let sandbox: Sandbox;
let api: SandboxClient;
let receiver: WebhookReceiver;
// the sandbox's clock runs with real time, and tests can jump it ahead
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
let n = 0;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  sandbox = await startSandbox({
    webhookUrl: receiver.url,
    webhookSecret: 'whsec_crypto_test',
    clock: now,
    webhookRetryDelaysMs: [20, 40, 80],
  });
  api = sandboxClient(sandbox.url, sandbox);
});
afterEach(async () => {
  await sandbox.webhooksIdle();
  receiver.received.length = 0;
  sandbox.faults.reset();
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

async function createCharge(body: Record<string, unknown> = {}, idempotencyKey = `crypto-${++n}`) {
  return api.request('POST', '/v1/crypto/charges', { idempotencyKey, body: { amount: 2599, currency: 'usd', metadata: { order_id: 'o_1' }, ...body } });
}

const verify = (w: ReceivedWebhook, secret = 'whsec_crypto_test') => verifySignature(secret, w.headers['x-sandbox-signature'], w.raw, 300, now());

describe('crypto checkout', () => {
  it('creates a pending charge with a hosted URL that expires in 15 minutes by default', async () => {
    const res = await createCharge();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^cc_/),
      object: 'crypto_charge',
      amount: 2599,
      currency: 'usd',
      status: 'pending',
      hosted_url: `${sandbox.url}/pay/${res.body.id}`,
      address: expect.stringMatching(/^tb1q[a-z0-9]{38}$/),
      metadata: { order_id: 'o_1' },
      paid_at: null,
    });
    expect(res.body.expires_at - res.body.created).toBe(900);
  });

  it('replays a creation sent again with the same key and refuses the key for another body', async () => {
    const first = await createCharge({}, 'crypto-same');
    const again = await createCharge({}, 'crypto-same');
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await createCharge({ amount: 1 }, 'crypto-same')).status).toBe(422);
    expect((await api.request('POST', '/v1/crypto/charges', { body: { amount: 1, currency: 'usd' } })).body.error.code).toBe('idempotency_key_missing');
    const byKey = await api.request('GET', '/v1/crypto/charges?idempotency_key=crypto-same');
    expect(byKey.body.data.map((c: { id: string }) => c.id)).toEqual([first.body.id]);
  });

  it('serves a hosted page with the amount, an address and a Pay button that calls the pay endpoint', async () => {
    const { body: charge } = await createCharge();
    const page = await fetch(charge.hosted_url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('25.99 USD');
    expect(html).toContain(charge.address);
    expect(html).toContain('data-testid="pay"');
    expect(html).toContain(`v1/crypto/charges/${charge.id}/pay`);
    expect((await fetch(`${sandbox.url}/pay/cc_missing`)).status).toBe(404);
  });

  it('marks a paid charge paid and sends a signed crypto_charge.paid webhook', async () => {
    const { body: charge } = await createCharge();
    const paid = await api.request('POST', `/v1/crypto/charges/${charge.id}/pay`, { key: null });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', paid_at: expect.any(Number) });

    const [hook] = await receiver.waitFor(1);
    expect(verify(hook!)).toMatchObject({ ok: true });
    expect(hook!.headers['content-type']).toBe('application/json');
    const event = JSON.parse(hook!.raw) as WebhookEvent;
    expect(event).toMatchObject({ id: expect.stringMatching(/^evt_/), object: 'event', type: 'crypto_charge.paid', data: { charge: { id: charge.id, status: 'paid', amount: 2599 } } });

    // what the server must refuse
    expect(verify(hook!, 'whsec_wrong').ok).toBe(false);
    expect(verifySignature('whsec_crypto_test', hook!.headers['x-sandbox-signature'], hook!.raw.replace('2599', '1'), 300, now()).ok).toBe(false);
    expect(verifySignature('whsec_crypto_test', hook!.headers['x-sandbox-signature'], hook!.raw, 300, new Date(now().getTime() + 301_000))).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });

    // paying again changes nothing and sends nothing
    const again = await api.request('POST', `/v1/crypto/charges/${charge.id}/pay`, { key: null });
    expect(again.body.paid_at).toBe(paid.body.paid_at);
    await sandbox.webhooksIdle();
    expect(receiver.received).toHaveLength(1);
    expect((await api.request('GET', `/v1/crypto/charges/${charge.id}`)).body.status).toBe('paid');
    const events = await api.request('GET', `/v1/events?charge=${charge.id}`);
    expect(events.body.data.map((e: WebhookEvent) => e.id)).toEqual([event.id]);
  });

  it('sends the webhook to the URL a charge names in its metadata', async () => {
    const other = await startWebhookReceiver();
    try {
      const { body: charge } = await createCharge({ metadata: { webhook_url: other.url } });
      await api.request('POST', `/v1/crypto/charges/${charge.id}/pay`, { key: null });
      const [hook] = await other.waitFor(1);
      expect(JSON.parse(hook!.raw).data.charge.id).toBe(charge.id);
      await sandbox.webhooksIdle();
      expect(receiver.received).toHaveLength(0);
    } finally {
      await other.close();
    }
    expect((await createCharge({ metadata: { webhook_url: 'ftp://x' } })).status).toBe(400);
  });

  it('expires an unpaid charge at expires_at and sends crypto_charge.expired', async () => {
    const { body: charge } = await createCharge({ expires_in_seconds: 60 });
    offsetMs += 59_000;
    sandbox.sweep();
    expect((await api.request('GET', `/v1/crypto/charges/${charge.id}`)).body.status).toBe('pending');
    offsetMs += 2_000;
    sandbox.sweep();
    const [hook] = await receiver.waitFor(1);
    expect(verify(hook!).ok).toBe(true);
    expect(JSON.parse(hook!.raw)).toMatchObject({ type: 'crypto_charge.expired', data: { charge: { id: charge.id, status: 'expired' } } });
    const pay = await api.request('POST', `/v1/crypto/charges/${charge.id}/pay`, { key: null });
    expect(pay.status).toBe(409);
    expect(pay.body.error.code).toBe('crypto_charge_expired');
    await sandbox.webhooksIdle();
    expect(receiver.received).toHaveLength(1);
  });

  it('expires on its own timer without anyone asking', async () => {
    const { body: charge } = await createCharge({ expires_in_seconds: 1 });
    const [hook] = await receiver.waitFor(1, 3000);
    expect(JSON.parse(hook!.raw)).toMatchObject({ type: 'crypto_charge.expired', data: { charge: { id: charge.id } } });
  });

  it('retries a refused webhook with backoff, the same event id and body, freshly signed', async () => {
    receiver.respondWith(500, 503);
    const { body: charge } = await createCharge();
    await api.request('POST', `/v1/crypto/charges/${charge.id}/pay`, { key: null });
    const hooks = await receiver.waitFor(3);
    expect(new Set(hooks.map((h) => h.raw)).size).toBe(1);
    for (const h of hooks) expect(verify(h).ok).toBe(true);
    expect(hooks[2]!.receivedAt - hooks[0]!.receivedAt).toBeGreaterThanOrEqual(55);
    await sandbox.webhooksIdle();
    const record = sandbox.events().find((e) => e.event.data.charge.id === charge.id)!;
    expect(record.state).toBe('delivered');
    expect(record.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
  });

  it('gives up after the last retry and records the event as failed', async () => {
    receiver.respondWith(500, 500, 500, 500);
    const { body: charge } = await createCharge();
    await api.request('POST', `/v1/crypto/charges/${charge.id}/pay`, { key: null });
    await sandbox.webhooksIdle();
    expect(receiver.received).toHaveLength(4);
    const record = sandbox.events().find((e) => e.event.data.charge.id === charge.id)!;
    expect(record.state).toBe('failed');
  });
});
