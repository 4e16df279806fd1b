import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCard, detectBrand, luhnValid } from './cards.ts';
import { TEST_CARDS } from './contract.ts';
import { startSandbox, type Sandbox } from './index.ts';
import { sandboxClient, type SandboxClient } from './testing.ts';

const future = new Date().getUTCFullYear() + 3;

describe('card checks', () => {
  it('accepts Luhn-valid numbers and refuses the rest', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('42424242a4242424')).toBe(false);
  });

  it('detects the four supported brands', () => {
    expect(detectBrand('4242424242424242')).toBe('visa');
    expect(detectBrand('5555555555554444')).toBe('mastercard');
    expect(detectBrand('2223003122003222')).toBe('mastercard');
    expect(detectBrand('378282246310005')).toBe('amex');
    expect(detectBrand('6011111111111117')).toBe('discover');
    expect(detectBrand('3056930009020004')).toBeNull();
  });

  it('treats a card as valid through the last day of its expiry month', () => {
    const now = new Date(Date.UTC(2027, 4, 31, 23, 59));
    const card = { number: TEST_CARDS.approve, cvc: '123' };
    expect(checkCard({ ...card, exp_month: 5, exp_year: 2027 }, now).ok).toBe(true);
    expect(checkCard({ ...card, exp_month: 5, exp_year: 27 }, now).ok).toBe(true);
    expect(checkCard({ ...card, exp_month: 4, exp_year: 2027 }, now)).toMatchObject({ ok: false, code: 'expired_card' });
  });
});

describe('tokenization', () => {
  let sandbox: Sandbox;
  let api: SandboxClient;
  const logs: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    });
    sandbox = await startSandbox({ logger: pino({ level: 'trace' }, sink) });
    api = sandboxClient(sandbox.url, sandbox);
  });
  afterAll(() => sandbox.close());

  const tokenize = (body: unknown, key: string | null = 'pk_test_novapos') => api.request('POST', '/v1/tokens', { key, body });

  it('returns a one-use token with brand, last 4 and expiry, and nothing else of the card', async () => {
    const res = await tokenize({ number: '4242 4242 4242 4242', exp_month: 12, exp_year: future, cvc: '123' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^tok_[A-Za-z0-9]{24}$/),
      object: 'token',
      card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: future },
      used: false,
      created: expect.any(Number),
    });
  });

  it.each([
    ['5555555555554444', 'mastercard', '123'],
    ['378282246310005', 'amex', '1234'],
    ['6011111111111117', 'discover', '123'],
  ])('tokenizes %s as %s', async (number, brand, cvc) => {
    const res = await tokenize({ number, exp_month: 1, exp_year: future, cvc });
    expect(res.status).toBe(200);
    expect(res.body.card).toMatchObject({ brand, last4: number.slice(-4) });
  });

  it.each([
    [{ number: '4242424242424241', exp_month: 12, exp_year: future, cvc: '123' }, 'incorrect_number'],
    [{ number: '4242', exp_month: 12, exp_year: future, cvc: '123' }, 'incorrect_number'],
    [{ number: '3056930009020004', exp_month: 12, exp_year: future, cvc: '123' }, 'card_not_supported'],
    [{ number: TEST_CARDS.approve, exp_month: 13, exp_year: future, cvc: '123' }, 'invalid_expiry_month'],
    [{ number: TEST_CARDS.approve, exp_month: 1, exp_year: 2020, cvc: '123' }, 'expired_card'],
    [{ number: TEST_CARDS.approve, exp_month: 1, exp_year: future, cvc: '12' }, 'invalid_cvc'],
    [{ number: '378282246310005', exp_month: 1, exp_year: future, cvc: '123' }, 'invalid_cvc'],
  ])('refuses %j with 402 %s', async (body, code) => {
    const res = await tokenize(body);
    expect(res.status).toBe(402);
    expect(res.body.error).toMatchObject({ type: 'card_error', code });
  });

  it('refuses unknown parameters and wrong types with 400', async () => {
    const extra = await tokenize({ number: TEST_CARDS.approve, exp_month: 1, exp_year: future, cvc: '123', name: 'x' });
    expect(extra.status).toBe(400);
    expect(extra.body.error.code).toBe('parameter_invalid');
    const wrong = await tokenize({ number: 4242424242424242, exp_month: 1, exp_year: future, cvc: '123' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'parameter_invalid', param: 'number' });
  });

  it('takes the publishable or the secret key and refuses anything else with 401', async () => {
    const body = { number: TEST_CARDS.approve, exp_month: 1, exp_year: future, cvc: '123' };
    expect((await tokenize(body, 'sk_test_novapos')).status).toBe(200);
    const none = await tokenize(body, null);
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    expect((await tokenize(body, 'pk_live_other')).status).toBe(401);
  });

  it('answers browsers from any origin, preflight included', async () => {
    const preflight = await fetch(`${sandbox.url}/v1/tokens`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const res = await tokenize({ number: TEST_CARDS.approve, exp_month: 1, exp_year: future, cvc: '123' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const denied = await tokenize({}, null);
    expect(denied.headers.get('access-control-allow-origin')).toBe('*');
    // the server-only routes are not open to browsers
    const charges = await api.request('GET', '/v1/charges');
    expect(charges.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a token be charged once', async () => {
    const token = await api.tokenize();
    const first = await api.request('POST', '/v1/charges', { idempotencyKey: 'one-use-1', body: { amount: 500, currency: 'usd', token: token.id } });
    expect(first.status).toBe(200);
    const second = await api.request('POST', '/v1/charges', { idempotencyKey: 'one-use-2', body: { amount: 500, currency: 'usd', token: token.id } });
    expect(second.status).toBe(400);
    expect(second.body.error).toMatchObject({ code: 'token_already_used', param: 'token' });
    expect((await api.request('GET', `/v1/tokens/${token.id}`)).body.used).toBe(true);
  });

  it('never repeats the card number or CVC in a response or a log line', async () => {
    const pan = '4000056655665556';
    const spaced = '4000 0566 5566 5556';
    const responses: string[] = [];
    const record = async (res: Promise<{ body: unknown }>) => responses.push(JSON.stringify((await res).body));
    await record(tokenize({ number: spaced, exp_month: 12, exp_year: future, cvc: '777' }));
    await record(tokenize({ number: pan, exp_month: 1, exp_year: 2020, cvc: '777' }));
    await record(tokenize({ number: pan, exp_month: 1, exp_year: future, cvc: '77' }));
    await record(tokenize({ number: pan.slice(0, -1) + '7', exp_month: 1, exp_year: future, cvc: '777' }));
    await record(tokenize({ number: pan, exp_month: 1, exp_year: future, cvc: '777', pan }));
    await record(tokenize(`{"number":"${pan}","exp_month":1,,"cvc":"777"}`));
    await record(tokenize({ number: Number(pan), exp_month: 1, exp_year: future, cvc: '777' }));
    const token = await api.tokenize(pan);
    await record(api.request('POST', '/v1/charges', { idempotencyKey: 'pan-scan', body: { amount: 100, currency: 'usd', token: token.id } }));
    await record(api.request('GET', '/__state'));
    const everything = [...responses, ...logs].join('\n');
    expect(logs.length).toBeGreaterThan(10);
    // digits alone would match timestamps by chance; these forms would not
    for (const secret of [pan, spaced, pan.slice(0, -1) + '7', pan.slice(0, 12)]) {
      expect(everything).not.toContain(secret);
    }
    // `"param":"cvc"` names the field; a CVC value would be a `"cvc":` key
    expect(everything).not.toMatch(/"cvc"\s*:|cvc=/);
  });
});
