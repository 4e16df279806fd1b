import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidGiftCardCode } from '../src/index.ts';
import { generateGiftCardCode, luhnCheckDigit } from '../src/gift-card-code.ts';
import { idem, issueCard, paymentEvents, startPaymentsApp, till, usd, type CheckoutTestApp, type TestTenant, type Till } from './harness.ts';

describe('gift card codes', () => {
  it('carry a Luhn check digit that catches a mistyped digit and swapped neighbours', () => {
    for (let n = 0; n < 200; n++) {
      const code = generateGiftCardCode();
      expect(isValidGiftCardCode(code)).toBe(true);
      const i = n % 15;
      const typo = `${code.slice(0, i)}${(Number(code[i]) + 1 + (n % 8)) % 10}${code.slice(i + 1)}`;
      expect(isValidGiftCardCode(typo)).toBe(false);
      if (code[i] !== code[i + 1] && !['09', '90'].includes(`${code[i]}${code[i + 1]}`)) {
        const swapped = `${code.slice(0, i)}${code[i + 1]}${code[i]}${code.slice(i + 2)}`;
        expect(isValidGiftCardCode(swapped)).toBe(false);
      }
    }
    expect(luhnCheckDigit('799273987130000'.slice(0, 15))).toBeTypeOf('number');
    expect(isValidGiftCardCode('4242424242424242')).toBe(true);
  });
});

describe('gift cards on pglite', () => {
  let t: CheckoutTestApp;
  let shop: TestTenant;
  let pos: Till;

  beforeAll(async () => {
    t = await startPaymentsApp('pglite');
    shop = await t.signup({ business_name: 'Gift Shop' });
    pos = till(t, shop);
  });
  afterAll(async () => t?.close());

  const get = (url: string, token = shop.token) => t.request('GET', `/api/v1${url}`, { token });
  const post = (url: string, body: unknown, headers: Record<string, string> = idem()) => t.request('POST', `/api/v1${url}`, { token: shop.token, headers, body });

  it('issues a card with a generated code answered once in full, then shows only the last 4', async () => {
    const r = await post('/gift-cards', { initial_amount: usd(5000) });
    expect(r.status).toBe(201);
    expect(r.body.code).toMatch(/^\d{16}$/);
    expect(isValidGiftCardCode(r.body.code)).toBe(true);
    expect(r.body).toMatchObject({ last4: r.body.code.slice(-4), balance: usd(5000), status: 'active' });
    const b = await get(`/gift-cards/${r.body.code}`);
    expect(b.status).toBe(200);
    expect(b.body).toMatchObject({ id: r.body.id, balance: usd(5000) });
    expect(b.body.code).toBeUndefined();
    // printed with spaces or dashes, it is the same card
    const spaced = r.body.code.replace(/(\d{4})(?=\d)/g, '$1-');
    expect((await get(`/gift-cards/${spaced}`)).body.id).toBe(r.body.id);
    // the database holds neither the code nor anything it can be read back from
    const stored = await pos.read(async (ctx) => JSON.stringify((await sql`select * from payments.gift_cards`.execute(ctx.trx)).rows));
    expect(stored).not.toContain(r.body.code);
    expect(stored).not.toContain(r.body.code.slice(0, 12));
  });

  it('answers a retried issue (same Idempotency-Key) with the same card and code, not a second card', async () => {
    const headers = idem();
    const a = await post('/gift-cards', { initial_amount: usd(2500) }, headers);
    const b = await post('/gift-cards', { initial_amount: usd(2500) }, headers);
    expect(b.status).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.body).toMatchObject({ id: a.body.id, code: a.body.code });
    expect((await get(`/gift-cards/${a.body.code}/activities`)).body.data).toHaveLength(1);
    // no idempotency row keeps the code
    const keys = await t.app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.system', 'on', true), set_config('role', 'novapos_app', true)`.execute(trx);
      return JSON.stringify((await sql`select response_body from platform.idempotency_keys`.execute(trx)).rows);
    });
    expect(keys).not.toContain(a.body.code);
  });

  it('issues a pre-printed card by its code, once', async () => {
    const code = generateGiftCardCode();
    const a = await post('/gift-cards', { initial_amount: usd(1000), code });
    expect(a.status).toBe(201);
    expect(a.body.code).toBe(code);
    const again = await post('/gift-cards', { initial_amount: usd(1000), code });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('gift_card_exists');
  });

  it('refuses a mistyped code with 400 and an unknown one with 404, each with a clear message', async () => {
    const { code } = await issueCard(t, shop, 100);
    const typo = `${code.slice(0, 15)}${(Number(code[15]) + 1) % 10}`;
    const bad = await get(`/gift-cards/${typo}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_gift_card_code' });
    expect(bad.body.detail).toMatch(/check digit/);
    const short = await get('/gift-cards/12345');
    expect(short.status).toBe(400);
    const unknown = await get(`/gift-cards/${generateGiftCardCode()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'gift_card_not_found' });
    // another tenant's card does not exist for this one
    const other = await t.signup({ business_name: `Other ${randomUUID().slice(0, 6)}` });
    expect((await get(`/gift-cards/${code}`, other.token)).status).toBe(404);
  });

  it('loads, redeems in full and in part, declines an empty card, and keeps a ledger', async () => {
    const { code } = await issueCard(t, shop, 3000);
    const loaded = await post(`/gift-cards/${code}/load`, { amount: usd(2000), note: 'birthday top-up' });
    expect(loaded.status).toBe(200);
    expect(loaded.body.balance).toEqual(usd(5000));

    const full = await pos.begin({ tender: 'gift_card', amount: usd(1500), code }, { amount_due: 4000 });
    expect(full).toMatchObject({ status: 'captured', amount: usd(1500), applied: usd(1500), partial: false, gift_card: { last4: code.slice(-4), balance: usd(3500) } });
    expect((await paymentEvents(pos.db, full.id)).map((e) => e.type)).toEqual(['payment.captured']);

    // more than the balance: the balance is authorized, the rest goes on another tender
    const partial = await pos.begin({ tender: 'gift_card', amount: usd(5000), code }, { amount_due: 9000 });
    expect(partial).toMatchObject({ status: 'captured', amount: usd(3500), applied: usd(3500), requested: usd(5000), partial: true, gift_card: { balance: usd(0) } });
    expect(partial.message).toMatch(/another tender/);

    const empty = await pos.begin({ tender: 'gift_card', amount: usd(100), code }, { amount_due: 100 });
    expect(empty).toMatchObject({ status: 'declined', decline_code: 'insufficient_funds', applied: usd(0) });
    expect((await paymentEvents(pos.db, empty.id)).map((e) => e.type)).toEqual(['payment.declined']);

    const acts = await get(`/gift-cards/${code}/activities`);
    expect(acts.body.data.map((a: any) => [a.kind, a.amount.amount, a.balance_after.amount])).toEqual([
      ['redeem', -3500, 0],
      ['redeem', -1500, 3500],
      ['load', 2000, 5000],
      ['issue', 3000, 3000],
    ]);
    expect((await get(`/gift-cards/${code}`)).body.balance).toEqual(usd(0));
  });

  it('re-credits a voided gift card payment once, with a ledger entry', async () => {
    const { code } = await issueCard(t, shop, 1000);
    const p = await pos.begin({ tender: 'gift_card', amount: usd(600), code }, { amount_due: 600 });
    await pos.api.void(pos.db, shop.tenantId, p.id, { reason: 'wrong card' });
    await pos.api.void(pos.db, shop.tenantId, p.id, { reason: 'wrong card' });
    const card = await get(`/gift-cards/${code}`);
    expect(card.body.balance).toEqual(usd(1000));
    expect((await get(`/gift-cards/${code}/activities`)).body.data.map((a: any) => a.kind)).toEqual(['void', 'redeem', 'issue']);
  });

  it('freezes a card: redemption declined, loads refused, until a manager unfreezes it', async () => {
    const { code } = await issueCard(t, shop, 1000);
    const f = await post(`/gift-cards/${code}/freeze`, { reason: 'reported stolen' });
    expect(f.status).toBe(200);
    expect(f.body).toMatchObject({ status: 'frozen', freeze_reason: 'reported stolen' });
    const p = await pos.begin({ tender: 'gift_card', amount: usd(100), code }, { amount_due: 100 });
    expect(p).toMatchObject({ status: 'declined', decline_code: 'gift_card_frozen' });
    const load = await post(`/gift-cards/${code}/load`, { amount: usd(100) });
    expect(load.status).toBe(409);
    expect(load.body.code).toBe('gift_card_frozen');
    expect((await post(`/gift-cards/${code}/unfreeze`, {})).body.status).toBe('active');
    expect((await pos.begin({ tender: 'gift_card', amount: usd(100), code }, { amount_due: 100 })).status).toBe('captured');
  });

  it('asks for the right permissions: cashiers may issue and read but not freeze', async () => {
    const email = `cashier-${randomUUID()}@example.com`;
    const u = await t.request('POST', '/api/v1/users', { token: shop.token, headers: idem(), body: { email, name: 'Cass', role: 'cashier', password: 'correct horse battery staple', store_ids: [shop.storeId] } });
    expect(u.status).toBe(201);
    const login = await t.request('POST', '/api/v1/auth/login', { body: { email, password: 'correct horse battery staple' } });
    const token = login.body.access_token as string;
    const issued = await t.request('POST', '/api/v1/gift-cards', { token, headers: idem(), body: { initial_amount: usd(500) } });
    expect(issued.status).toBe(201);
    expect((await get(`/gift-cards/${issued.body.code}`, token)).status).toBe(200);
    const freeze = await t.request('POST', `/api/v1/gift-cards/${issued.body.code}/freeze`, { token, headers: idem(), body: {} });
    expect(freeze.status).toBe(403);
    expect((await t.request('GET', '/api/v1/payments/settings', { token })).status).toBe(403);
  });

  it('refuses a gift card payment with a mistyped code (400) and above what is due (422)', async () => {
    const { code } = await issueCard(t, shop, 1000);
    const typo = `${code.slice(0, 15)}${(Number(code[15]) + 3) % 10}`;
    await expect(pos.begin({ tender: 'gift_card', amount: usd(100), code: typo })).rejects.toMatchObject({ status: 400, code: 'invalid_gift_card_code' });
    await expect(pos.begin({ tender: 'gift_card', amount: usd(200), code }, { amount_due: 100 })).rejects.toMatchObject({ status: 422, code: 'overpayment' });
    const unknown = await pos.begin({ tender: 'gift_card', amount: usd(100), code: generateGiftCardCode() });
    expect(unknown).toMatchObject({ status: 'declined', decline_code: 'gift_card_not_found' });
  });
});
