import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureHeader } from '@novapos/sandbox';
import type { PaymentDto } from '../src/index.ts';
import { paymentEvents, paymentsVariant, startPaymentsApp, till, transitions, usd, type CheckoutTestApp, type TestTenant, type Till } from './harness.ts';

const PATH = '/api/v1/webhooks/sandbox';

describe('crypto and webhooks on pglite', () => {
  let t: CheckoutTestApp;
  let shop: TestTenant;
  let pos: Till;

  beforeAll(async () => {
    t = await startPaymentsApp('pglite');
    shop = await t.signup({ business_name: 'Crypto Shop' });
    pos = till(t, shop);
  });
  afterAll(async () => t?.close());

  const status = async (id: string) => (await pos.read((ctx) => pos.api.get(ctx, id)))!.status;
  async function until(id: string, want: string): Promise<void> {
    const deadline = Date.now() + 8000;
    while ((await status(id)) !== want) {
      if (Date.now() > deadline) throw new Error(`payment ${id} is ${await status(id)}, wanted ${want}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const payAtSandbox = (chargeId: string) => fetch(`${t.sandbox.url}/v1/crypto/charges/${chargeId}/pay`, { method: 'POST' });

  async function cryptoPayment(amount = 4200, api = pos.api): Promise<PaymentDto> {
    const begun = await pos.begin({ tender: 'crypto', amount: usd(amount) });
    expect(begun.status).toBe('pending');
    const p = await api.execute(pos.db, shop.tenantId, begun.id);
    expect(p.status).toBe('pending');
    return p;
  }

  /** A webhook as the sandbox would send it for this payment's charge. */
  function webhook(p: PaymentDto, o: { type?: string; eventId?: string; secret?: string; at?: number } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const event = {
      id: o.eventId ?? `evt_${Math.random().toString(36).slice(2)}`,
      object: 'event',
      type: o.type ?? 'crypto_charge.paid',
      created: now,
      data: { charge: { id: p.crypto!.charge_id, object: 'crypto_charge', amount: p.amount.amount, currency: 'usd', status: (o.type ?? 'crypto_charge.paid') === 'crypto_charge.paid' ? 'paid' : 'expired', hosted_url: p.crypto!.hosted_url, address: 'tb1q', metadata: {}, idempotency_key: `novapos-pay-${shop.tenantId}-${p.id}`, created: now, expires_at: now + 900, paid_at: now, expired_at: null } },
    };
    const raw = JSON.stringify(event);
    return { raw, event, header: signatureHeader(o.secret ?? t.sandbox.webhookSecret, raw, o.at ?? now) };
  }
  const send = (raw: string, header: string | null) =>
    t.request('POST', PATH, { rawBody: raw, headers: { 'content-type': 'application/json', ...(header ? { 'x-sandbox-signature': header } : {}) } });

  it('opens a hosted checkout, and the signed webhook of the payment captures it', async () => {
    const p = await cryptoPayment();
    expect(p.crypto!.hosted_url).toMatch(/\/pay\/cc_/);
    expect(p.applied).toEqual(usd(4200));
    const charge = await fetch(`${t.sandbox.url}/v1/crypto/charges/${p.crypto!.charge_id}`, { headers: { authorization: `Bearer ${t.sandbox.secretKey}` } }).then((r) => r.json() as Promise<{ metadata: Record<string, string> }>);
    expect(charge.metadata.webhook_url).toBe(`${t.url}${PATH}`);
    expect((await payAtSandbox(p.crypto!.charge_id!)).status).toBe(200);
    await until(p.id, 'captured');
    await t.sandbox.webhooksIdle();
    expect((await paymentEvents(pos.db, p.id)).map((e) => e.type)).toEqual(['payment.captured']);
    expect((await transitions(t, shop, p.id)).at(-1)).toMatchObject({ from: 'pending', to: 'captured', reason: 'webhook crypto_charge.paid: paid' });
  });

  it('fails the payment when the checkout expires unpaid', async () => {
    const quick = paymentsVariant(t, { cryptoExpiresInSeconds: 1 });
    const p = await cryptoPayment(1500, quick);
    await until(p.id, 'failed');
    const after = await pos.read((ctx) => pos.api.get(ctx, p.id));
    expect(after).toMatchObject({ decline_code: 'expired', applied: usd(0) });
    expect(after!.message).toMatch(/another tender/);
    expect((await paymentEvents(pos.db, p.id)).map((e) => e.type)).toEqual(['payment.failed']);
  });

  it('settles a paid checkout whose webhook was lost, by asking the processor', async () => {
    const p = await cryptoPayment(2000);
    t.sandbox.faults.dropWebhooks(1);
    await payAtSandbox(p.crypto!.charge_id!);
    await t.sandbox.webhooksIdle();
    expect(await status(p.id)).toBe('pending');
    await pos.api.reconcile(pos.db, shop.tenantId);
    expect(await status(p.id)).toBe('captured');
  });

  it('applies a redelivered event once (same event id)', async () => {
    const p = await cryptoPayment(900);
    const w = webhook(p);
    const first = await send(w.raw, w.header);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: true, duplicate: false, payment_id: p.id, status: 'captured' });
    const again = await send(w.raw, w.header);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, status: 'captured' });
    expect((await paymentEvents(pos.db, p.id)).map((e) => e.type)).toEqual(['payment.captured']);
    expect((await transitions(t, shop, p.id)).filter((x) => x.to === 'captured')).toHaveLength(1);
  });

  it('applies duplicated deliveries from the sandbox once', async () => {
    const p = await cryptoPayment(950);
    t.sandbox.faults.duplicateWebhooks(1);
    await payAtSandbox(p.crypto!.charge_id!);
    await t.sandbox.webhooksIdle();
    await until(p.id, 'captured');
    const rec = t.sandbox.events().find((e) => e.event.data.charge.id === p.crypto!.charge_id)!;
    expect(rec.attempts.filter((a) => a.status === 200).length).toBe(2);
    expect((await paymentEvents(pos.db, p.id)).map((e) => e.type)).toEqual(['payment.captured']);
  });

  it.each([
    ['tampered', (w: ReturnType<typeof webhook>) => ({ raw: w.raw.replace(/"amount":\d+/, '"amount":1'), header: w.header }), 'signature_mismatch'],
    ['re-serialized', (w: ReturnType<typeof webhook>) => ({ raw: JSON.stringify(JSON.parse(w.raw), null, 2), header: w.header }), 'signature_mismatch'],
    ['signed with the wrong secret', (w: ReturnType<typeof webhook>) => ({ raw: w.raw, header: signatureHeader('whsec_wrong', w.raw, Math.floor(Date.now() / 1000)) }), 'signature_mismatch'],
    ['older than 5 minutes', (w: ReturnType<typeof webhook>) => ({ raw: w.raw, header: signatureHeader(t.sandbox.webhookSecret, w.raw, Math.floor(Date.now() / 1000) - 301) }), 'timestamp_out_of_tolerance'],
    ['unsigned', (w: ReturnType<typeof webhook>) => ({ raw: w.raw, header: null }), 'missing_header'],
  ])('refuses a webhook %s (400) and changes nothing', async (_name, mutate, reason) => {
    const p = await cryptoPayment(1234);
    const bad = mutate(webhook(p));
    const r = await send(bad.raw, bad.header);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'invalid_signature', reason });
    expect(await status(p.id)).toBe('pending');
    expect(await paymentEvents(pos.db, p.id)).toEqual([]);
  });

  it('accepts a webhook signed 4 minutes ago, and answers 404 for a charge it does not know', async () => {
    const p = await cryptoPayment(1111);
    const w = webhook(p, { at: Math.floor(Date.now() / 1000) - 240 });
    expect((await send(w.raw, w.header)).status).toBe(200);
    const stranger = webhook({ ...p, crypto: { hosted_url: null, charge_id: 'cc_unknown', expires_at: null } });
    const r = await send(stranger.raw, stranger.header);
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('unknown_charge');
  });

  it('keeps JSON parsing of the other routes as it was', async () => {
    const r = await t.request('PATCH', '/api/v1/payments/settings', { token: shop.token, rawBody: '{"offline_card_enabled": tru', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('malformed_json');
    const ok = await t.request('PATCH', '/api/v1/payments/settings', { token: shop.token, body: { offline_card_enabled: true } });
    expect(ok.body.offline_card_enabled).toBe(true);
  });

  it('voids a pending checkout; a late payment of it does not reopen the payment', async () => {
    const p = await cryptoPayment(1313);
    expect((await pos.api.void(pos.db, shop.tenantId, p.id, { reason: 'customer left' })).status).toBe('voided');
    const w = webhook(p);
    const r = await send(w.raw, w.header);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('voided');
    expect((await paymentEvents(pos.db, p.id)).map((e) => e.type)).toEqual(['payment.voided']);
  });
});
