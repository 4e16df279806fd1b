// Model-based test: random sequences of order and payment commands against the real server and
// sandbox, checked against a small model and these invariants after every step:
// - what counts toward the order (amount_paid) never exceeds the total; only cash hands change back
// - completed ⇔ the captured payments cover the total
// - no transition out of a final state (completed, voided): later commands are refused and change nothing
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TEST_CARDS } from '@novapos/sandbox';
import { openShop, usd, type Shop } from './checkout.suite.ts';

let shop: Shop;
beforeAll(async () => {
  shop = await openShop('pglite');
}, 120_000);
afterAll(() => shop?.t.close());

interface Model {
  status: 'open' | 'completed' | 'voided';
  total: number;
  paid: number;
}

interface Real {
  orderId: string;
}

interface OrderBody {
  status: string;
  total: { amount: number };
  amount_paid: { amount: number };
  amount_due: { amount: number };
  change_due: { amount: number };
  payments: { tender: string; status: string; applied: { amount: number }; change_due: { amount: number } }[];
}

const post = (url: string, body: unknown) => shop.t.request('POST', url, { token: shop.owner.token, headers: { 'idempotency-key': randomUUID() }, body });
const read = async (id: string): Promise<OrderBody> => (await shop.t.request('GET', `/api/v1/orders/${id}`, { token: shop.owner.token })).body;

async function checkInvariants(m: Model, r: Real): Promise<OrderBody> {
  const o = await read(r.orderId);
  expect(o.status).toBe(m.status);
  expect(o.total.amount).toBe(m.total);
  expect(o.amount_paid.amount).toBe(m.paid);
  expect(o.amount_paid.amount).toBeLessThanOrEqual(o.total.amount);
  const captured = o.payments.filter((p) => p.status === 'captured').reduce((s, p) => s + p.applied.amount, 0);
  if (o.status !== 'voided') expect(captured).toBe(o.amount_paid.amount);
  expect(o.status === 'completed').toBe(o.status !== 'voided' && captured >= o.total.amount);
  for (const p of o.payments) if (p.tender !== 'cash') expect(p.change_due.amount).toBe(0);
  return o;
}

const final = (m: Model) => m.status !== 'open';

class Cash implements fc.AsyncCommand<Model, Real> {
  constructor(readonly handed: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const res = await post(`/api/v1/orders/${r.orderId}/payments`, { tender: 'cash', amount: usd(this.handed) });
    if (final(m)) {
      expect(res.status).toBe(409);
    } else {
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const applied = Math.min(this.handed, m.total - m.paid);
      expect(res.body.change_due.amount).toBe(this.handed - applied);
      m.paid += applied;
      if (m.paid >= m.total) m.status = 'completed';
    }
    await checkInvariants(m, r);
  }
  toString = () => `cash(${this.handed})`;
}

class Card implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly outcome: 'approve' | 'decline' | 'error',
    readonly amount: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const token = await shop.t.cardToken(this.outcome === 'approve' ? TEST_CARDS.approve : this.outcome === 'decline' ? TEST_CARDS.decline : TEST_CARDS.processingError);
    const res = await post(`/api/v1/orders/${r.orderId}/payments`, { tender: 'card', token, amount: usd(this.amount) });
    if (final(m)) expect(res.status).toBe(409);
    else if (this.amount > m.total - m.paid) expect(res.status).toBe(422);
    else if (this.outcome !== 'approve') expect(res.status).toBe(402);
    else {
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      m.paid += this.amount;
      if (m.paid >= m.total) m.status = 'completed';
    }
    await checkInvariants(m, r);
  }
  toString = () => `card(${this.outcome}, ${this.amount})`;
}

class Gift implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly balance: number,
    readonly amount: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const gc = await post('/api/v1/gift-cards', { initial_amount: usd(this.balance) });
    const res = await post(`/api/v1/orders/${r.orderId}/payments`, { tender: 'gift_card', code: gc.body.code, amount: usd(this.amount) });
    if (final(m)) expect(res.status).toBe(409);
    else if (this.amount > m.total - m.paid) expect(res.status).toBe(422);
    else {
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      // partial authorization: the balance when it is short
      const applied = Math.min(this.amount, this.balance);
      expect(res.body.applied.amount).toBe(applied);
      m.paid += applied;
      if (m.paid >= m.total) m.status = 'completed';
    }
    await checkInvariants(m, r);
  }
  toString = () => `gift(balance ${this.balance}, ${this.amount})`;
}

class Void implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    const res = await post(`/api/v1/orders/${r.orderId}/void`, { reason: 'model test' });
    if (final(m)) {
      expect(res.status).toBe(409);
      expect(res.body.current_status).toBe(m.status);
    } else {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      m.status = 'voided';
      // money taken goes back: nothing counts toward a voided order
      m.paid = 0;
      expect(res.body.payments.every((p: { status: string }) => p.status !== 'captured')).toBe(true);
    }
    const o = await read(r.orderId);
    expect(o.status).toBe(m.status);
  }
  toString = () => 'void';
}

it('random order and payment commands keep the checkout invariants', async () => {
  const amount = fc.integer({ min: 1, max: 6000 });
  const commands = fc.commands(
    [
      amount.map((a) => new Cash(a)),
      fc.tuple(fc.constantFrom('approve', 'approve', 'decline', 'error') as fc.Arbitrary<'approve' | 'decline' | 'error'>, amount).map(([o, a]) => new Card(o, a)),
      fc.tuple(amount, amount).map(([b, a]) => new Gift(b, a)),
      fc.constant(new Void()),
    ],
    { maxCommands: 8 },
  );
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }), commands, async (qs, qm, cmds) => {
      const lines = [{ variant_id: shop.variants.s, quantity: qs }, ...(qm ? [{ variant_id: shop.variants.m, quantity: qm }] : [])];
      const created = await post('/api/v1/orders', { store_id: shop.owner.storeId, register_id: shop.owner.registerId, lines });
      expect(created.status).toBe(201);
      const model: Model = { status: 'open', total: qs * 1000 + qm * 2550, paid: 0 };
      // the void command models "money goes back": a voided order keeps its payments, all voided
      const real: Real = { orderId: created.body.id };
      await fc.asyncModelRun(() => ({ model, real }), cmds);
    }),
    { numRuns: 40, verbose: 1 },
  );
}, 300_000);
