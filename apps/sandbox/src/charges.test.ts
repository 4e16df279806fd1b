import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS } from './contract.ts';
import { startSandbox, type Sandbox } from './index.ts';
import { sandboxClient, type SandboxClient } from './testing.ts';

let sandbox: Sandbox;
let api: SandboxClient;
let n = 0;
const key = (label: string) => `${label}-${++n}`;

beforeAll(async () => {
  // a little authorization time, so concurrent requests really overlap inside the processor
  sandbox = await startSandbox({ processingDelayMs: 20, timeoutMs: 60_000 });
  api = sandboxClient(sandbox.url, sandbox);
});
afterAll(() => sandbox.close());

async function charge(number: string, opts: { amount?: number; capture?: boolean; idempotencyKey?: string } = {}) {
  const token = await api.tokenize(number);
  const idempotencyKey = opts.idempotencyKey ?? key('charge');
  const body = { amount: opts.amount ?? 1000, currency: 'usd', token: token.id, ...(opts.capture === undefined ? {} : { capture: opts.capture }) };
  return { ...(await api.request('POST', '/v1/charges', { idempotencyKey, body })), idempotencyKey, sent: body };
}

describe('test cards', () => {
  it('approves 4242 4242 4242 4242 with an approval code', async () => {
    const res = await charge(TEST_CARDS.approve, { amount: 1234 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'charge',
      amount: 1234,
      amount_captured: 1234,
      amount_refunded: 0,
      currency: 'usd',
      status: 'succeeded',
      captured: true,
      card: { brand: 'visa', last4: '4242' },
      approval_code: expect.stringMatching(/^[A-Z0-9]{6}$/),
      failure_code: null,
      failure_message: null,
      idempotency_key: res.idempotencyKey,
    });
    expect(res.body.id).toMatch(/^ch_/);
  });

  it.each([
    [TEST_CARDS.decline, 'card_declined'],
    [TEST_CARDS.insufficientFunds, 'insufficient_funds'],
    [TEST_CARDS.processingError, 'processing_error'],
  ])('fails %s with 402 %s and records the failed charge', async (number, code) => {
    const res = await charge(number);
    expect(res.status).toBe(402);
    expect(res.body.error).toMatchObject({ type: 'card_error', code, decline_code: code, message: expect.any(String) });
    expect(res.body.error.charge).toMatchObject({ status: 'failed', captured: false, approval_code: null, failure_code: code, card: { last4: number.slice(-4) } });
    const found = await api.request('GET', `/v1/charges/${res.body.error.charge.id}`);
    expect(found.body.status).toBe('failed');
  });

  it('approves any other valid card of a supported brand', async () => {
    const res = await charge('378282246310005');
    expect(res.status).toBe(200);
    expect(res.body.card).toEqual({ brand: 'amex', last4: '0005' });
  });

  it('holds the timeout card without answering, yet the charge is made and found by its key', async () => {
    const token = await api.tokenize(TEST_CARDS.timeout);
    const idempotencyKey = key('timeout');
    const body = { amount: 2500, currency: 'usd', token: token.id };
    const started = Date.now();
    await expect(api.request('POST', '/v1/charges', { idempotencyKey, body, signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    const byKey = await api.request('GET', `/v1/charges?idempotency_key=${idempotencyKey}`);
    expect(byKey.status).toBe(200);
    expect(byKey.body).toMatchObject({ object: 'list', has_more: false });
    expect(byKey.body.data).toHaveLength(1);
    expect(byKey.body.data[0]).toMatchObject({ status: 'succeeded', amount: 2500, idempotency_key: idempotencyKey });
    expect(sandbox.state().charges.by_idempotency_key[idempotencyKey]).toBe(1);

    // the server's retry with the same key gets the charge that was made, not a second one
    const retry = await api.request('POST', '/v1/charges', { idempotencyKey, body });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(byKey.body.data[0].id);
    expect(sandbox.state().charges.by_idempotency_key[idempotencyKey]).toBe(1);
  });

  it('drops the connection of a timed-out request after the configured delay', async () => {
    const quick = await startSandbox({ timeoutMs: 150 });
    try {
      const client = sandboxClient(quick.url, quick);
      const token = await client.tokenize(TEST_CARDS.timeout);
      await expect(client.request('POST', '/v1/charges', { idempotencyKey: 'k', body: { amount: 100, currency: 'usd', token: token.id } })).rejects.toThrow();
      expect(quick.state().charges.count).toBe(1);
      expect(quick.state().requests.timed_out).toBe(1);
    } finally {
      await quick.close();
    }
  });

  it('finds nothing for a key the processor never saw', async () => {
    const res = await api.request('GET', '/v1/charges?idempotency_key=never-sent');
    expect(res.body.data).toEqual([]);
  });
});

describe('idempotency', () => {
  it('requires an Idempotency-Key on charges', async () => {
    const token = await api.tokenize();
    const res = await api.request('POST', '/v1/charges', { body: { amount: 100, currency: 'usd', token: token.id } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('idempotency_key_missing');
    expect((await api.request('GET', `/v1/tokens/${token.id}`)).body.used).toBe(false);
  });

  it('replays the same response for the same key and body, marked Idempotent-Replayed', async () => {
    const first = await charge(TEST_CARDS.approve);
    const again = await api.request('POST', '/v1/charges', { idempotencyKey: first.idempotencyKey, body: first.sent });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
  });

  it('replays a decline as the same decline', async () => {
    const first = await charge(TEST_CARDS.decline);
    const again = await api.request('POST', '/v1/charges', { idempotencyKey: first.idempotencyKey, body: first.sent });
    expect(again.status).toBe(402);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('treats the same request with keys in another order or whitespace as the same request', async () => {
    const first = await charge(TEST_CARDS.approve);
    const reordered = `{ "token": "${first.sent.token}", "currency": "USD",  "amount": ${first.sent.amount}, "capture": true }`;
    const again = await api.request('POST', '/v1/charges', { idempotencyKey: first.idempotencyKey, body: reordered });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it('refuses the same key with a different body with 422', async () => {
    const first = await charge(TEST_CARDS.approve, { amount: 1000 });
    const other = await api.request('POST', '/v1/charges', { idempotencyKey: first.idempotencyKey, body: { ...first.sent, amount: 999 } });
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_reused' });
    const onRefunds = await api.request('POST', '/v1/refunds', { idempotencyKey: first.idempotencyKey, body: { charge: first.body.id } });
    expect(onRefunds.status).toBe(422);
  });

  it('makes one charge for 100 concurrent identical requests, and gives all of them its response', async () => {
    const token = await api.tokenize();
    const idempotencyKey = key('concurrent');
    const body = { amount: 4200, currency: 'usd', token: token.id };
    const before = sandbox.state().charges.count;
    const results = await Promise.all(Array.from({ length: 100 }, () => api.request('POST', '/v1/charges', { idempotencyKey, body })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(99);
    expect(sandbox.state().charges.count).toBe(before + 1);
    expect(sandbox.state().charges.by_idempotency_key[idempotencyKey]).toBe(1);
  });

  it('lets only one of several keys charge the same token at once', async () => {
    const token = await api.tokenize();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api.request('POST', '/v1/charges', { idempotencyKey: key(`race-${i}`), body: { amount: 100, currency: 'usd', token: token.id } })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400 && r.body.error.code === 'token_already_used')).toHaveLength(9);
  });

  it('does not save a request that failed validation, so the key stays usable', async () => {
    const token = await api.tokenize();
    const idempotencyKey = key('invalid');
    const bad = await api.request('POST', '/v1/charges', { idempotencyKey, body: { amount: 0, currency: 'usd', token: token.id } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'parameter_invalid', param: 'amount' });
    const good = await api.request('POST', '/v1/charges', { idempotencyKey, body: { amount: 100, currency: 'usd', token: token.id } });
    expect(good.status).toBe(200);
  });
});

describe('capture, void and refund', () => {
  it('authorizes without capturing, then captures part and releases the rest', async () => {
    const auth = await charge(TEST_CARDS.approve, { amount: 1000, capture: false });
    expect(auth.body).toMatchObject({ status: 'authorized', captured: false, amount_captured: 0, approval_code: expect.any(String) });
    const tooMuch = await api.request('POST', `/v1/charges/${auth.body.id}/capture`, { body: { amount: 1001 } });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.code).toBe('amount_too_large');
    const captured = await api.request('POST', `/v1/charges/${auth.body.id}/capture`, { body: { amount: 600 } });
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({ status: 'succeeded', captured: true, amount: 1000, amount_captured: 600 });
    const twice = await api.request('POST', `/v1/charges/${auth.body.id}/capture`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('charge_already_captured');
    // only what was captured can be refunded
    const refund = await api.request('POST', '/v1/refunds', { idempotencyKey: key('refund'), body: { charge: auth.body.id, amount: 700 } });
    expect(refund.status).toBe(400);
    expect(refund.body.error.code).toBe('amount_too_large');
  });

  it('captures the full amount when none is given, with no body at all', async () => {
    const auth = await charge(TEST_CARDS.approve, { amount: 800, capture: false });
    const captured = await api.request('POST', `/v1/charges/${auth.body.id}/capture`);
    expect(captured.body).toMatchObject({ status: 'succeeded', amount_captured: 800 });
  });

  it('voids only an uncaptured authorization', async () => {
    const auth = await charge(TEST_CARDS.approve, { capture: false });
    const voided = await api.request('POST', `/v1/charges/${auth.body.id}/void`);
    expect(voided.status).toBe(200);
    expect(voided.body.status).toBe('voided');
    const again = await api.request('POST', `/v1/charges/${auth.body.id}/void`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('charge_not_voidable');
    const capture = await api.request('POST', `/v1/charges/${auth.body.id}/capture`);
    expect(capture.status).toBe(409);
    expect(capture.body.error.code).toBe('charge_not_capturable');

    const captured = await charge(TEST_CARDS.approve);
    const voidCaptured = await api.request('POST', `/v1/charges/${captured.body.id}/void`);
    expect(voidCaptured.status).toBe(409);
    expect(voidCaptured.body.error.code).toBe('charge_already_captured');

    const failed = await charge(TEST_CARDS.decline);
    expect((await api.request('POST', `/v1/charges/${failed.body.error.charge.id}/void`)).status).toBe(409);
  });

  it('replays a capture or void sent again with its Idempotency-Key', async () => {
    const auth = await charge(TEST_CARDS.approve, { capture: false });
    const k = key('void');
    const first = await api.request('POST', `/v1/charges/${auth.body.id}/void`, { idempotencyKey: k });
    const again = await api.request('POST', `/v1/charges/${auth.body.id}/void`, { idempotencyKey: k });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refunds in parts up to what was captured, never beyond', async () => {
    const paid = await charge(TEST_CARDS.approve, { amount: 1000 });
    const id = paid.body.id as string;
    expect((await api.request('POST', '/v1/refunds', { body: { charge: id, amount: 100 } })).body.error.code).toBe('idempotency_key_missing');

    const k1 = key('refund');
    const part = await api.request('POST', '/v1/refunds', { idempotencyKey: k1, body: { charge: id, amount: 300, reason: 'requested_by_customer' } });
    expect(part.status).toBe(200);
    expect(part.body).toMatchObject({ object: 'refund', amount: 300, charge: id, currency: 'usd', status: 'succeeded', reason: 'requested_by_customer', idempotency_key: k1 });
    expect((await api.request('GET', `/v1/charges/${id}`)).body).toMatchObject({ status: 'partially_refunded', amount_refunded: 300 });

    // the same refund sent again is not a second refund
    const replay = await api.request('POST', '/v1/refunds', { idempotencyKey: k1, body: { charge: id, amount: 300, reason: 'requested_by_customer' } });
    expect(replay.body.id).toBe(part.body.id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await api.request('GET', `/v1/charges/${id}`)).body.amount_refunded).toBe(300);

    const beyond = await api.request('POST', '/v1/refunds', { idempotencyKey: key('refund'), body: { charge: id, amount: 701 } });
    expect(beyond.status).toBe(400);
    expect(beyond.body.error).toMatchObject({ code: 'amount_too_large', param: 'amount' });

    const rest = await api.request('POST', '/v1/refunds', { idempotencyKey: key('refund'), body: { charge: id } });
    expect(rest.body.amount).toBe(700);
    expect((await api.request('GET', `/v1/charges/${id}`)).body).toMatchObject({ status: 'refunded', amount_refunded: 1000 });

    const more = await api.request('POST', '/v1/refunds', { idempotencyKey: key('refund'), body: { charge: id, amount: 1 } });
    expect(more.status).toBe(409);
    expect(more.body.error.code).toBe('charge_not_refundable');

    const byKey = await api.request('GET', `/v1/refunds?idempotency_key=${k1}`);
    expect(byKey.body.data.map((r: { id: string }) => r.id)).toEqual([part.body.id]);
    expect((await api.request('GET', `/v1/refunds?charge=${id}`)).body.data).toHaveLength(2);
    const page = await api.request('GET', `/v1/refunds?charge=${id}&limit=1`);
    expect(page.body).toMatchObject({ data: [{ id: rest.body.id }], has_more: true });
  });

  it('refuses to refund an authorization or a failed charge', async () => {
    const auth = await charge(TEST_CARDS.approve, { capture: false });
    const res = await api.request('POST', '/v1/refunds', { idempotencyKey: key('refund'), body: { charge: auth.body.id } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('charge_not_refundable');
    const failed = await charge(TEST_CARDS.insufficientFunds);
    const onFailed = await api.request('POST', '/v1/refunds', { idempotencyKey: key('refund'), body: { charge: failed.body.error.charge.id } });
    expect(onFailed.status).toBe(409);
  });

  it('answers 404 for an unknown charge and 401 without the secret key', async () => {
    const missing = await api.request('GET', '/v1/charges/ch_nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('resource_missing');
    expect((await api.request('GET', '/v1/charges/ch_nope', { key: sandbox.publishableKey })).status).toBe(401);
    expect((await api.request('GET', '/v1/charges', { key: 'sk_test_wrong' })).status).toBe(401);
    expect((await api.request('GET', '/v1/nowhere')).status).toBe(404);
  });
});
