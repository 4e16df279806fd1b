import { createHash } from 'node:crypto';
import { AppError, can, forbidden, emit, newId, requestHash, scopeToTenant, type Ctx, type Database, type ProblemDetails, type StagedKey, type Trx } from '@novapos/platform';
import { runPayments, type CheckoutDeps, type OrderView } from '@novapos/flow-checkout';

type Result = Awaited<ReturnType<typeof runPayments>>;
import { DeviceErrors, type DevicesApi, type Mutation, type PushBody, type StoredResult } from '@novapos/devices';
import { ReviewReasons, type RegistersPort, type SyncPaymentsPort, type SyncSalesPort } from './ports.ts';

export interface OfflineSyncDeps {
  database: Database;
  devices: DevicesApi;
  sales: SyncSalesPort;
  payments: SyncPaymentsPort;
  registers: RegistersPort;
  /** How long a mutation may hold its idempotency key and the device (outlasts a processor call). */
  leaseSeconds: number;
  /** How long a second push of the same device waits for the first before 409 push_in_progress. */
  waitMs?: number;
}

export interface MutationResult {
  seq: number;
  id: string;
  status: 'applied' | 'duplicate' | 'rejected';
  order?: unknown;
  problem?: Record<string, unknown> | null;
}

export interface PushAnswer {
  last_applied_seq: number;
  results: MutationResult[];
  /** the push stopped before this seq (an outage, a payment still with the processor): send it again later */
  stopped?: { seq: number; problem: ProblemDetails };
}

/** Checkout answers that mean "not now" rather than "not this sale". */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['idempotency_request_in_progress', 'payment_in_progress', 'push_in_progress']);
const isTransient = (status: number, code: string) => status >= 500 || status === 429 || TRANSIENT_CODES.has(code);

/** A mutation could not be judged now: the push stops there, nothing is recorded for it. */
class Stop extends Error {
  constructor(readonly problem: ProblemDetails, readonly headers?: Record<string, string>) {
    super(problem.detail);
  }
}

const inTx = (ctx: Ctx, trx: Trx): Ctx => ({ ...ctx, trx, emit: (type, payload) => emit(trx, { tenantId: ctx.tenantId, type, payload }) });

/**
 * A payment id for a payment the till sent without one, derived from the mutation: the same
 * mutation pushed again (or continued after a decline) names the same payments.
 */
export function derivedPaymentId(tenantId: string, mutationId: string, index: number): string {
  const h = createHash('sha256').update(`${tenantId}:${mutationId}:payment:${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The idempotency key a mutation's checkout runs under (stage > 0: payments continued after a decline). */
export function mutationKey(tenantId: string, deviceId: string, m: Pick<Mutation, 'id' | 'args'>, stage = 0): StagedKey {
  const path = `/api/v1/devices/${deviceId}/push#checkout`;
  return { scope: tenantId, key: `mutation:${m.id}${stage ? `#${stage}` : ''}`, method: 'POST', path, hash: requestHash('POST', `${path}#${stage}`, m.args) };
}

function offlineCardAmount(payments: readonly Record<string, unknown>[]): number {
  let sum = 0;
  for (const p of payments) {
    if (p.tender !== 'card' || p.offline !== true) continue;
    const amount = Number((p.amount as { amount?: unknown } | undefined)?.amount ?? 0);
    const tip = p.tip as { amount?: number; percent?: number } | undefined;
    sum += amount + (tip?.amount ?? (tip?.percent ? Math.round((amount * Math.round(tip.percent * 100)) / 10_000) : 0));
  }
  return sum;
}

/**
 * A till's push (style.md habit 9, Replicache's push): mutations in seq order, each applied once.
 * - seq ≤ last processed: `duplicate`, with what was answered the first time;
 * - a batch starting after last + 1: 409 `sequence_gap` with `last_applied_seq`;
 * - a business refusal (a 4xx from checkout): `rejected`, recorded, and the queue moves on;
 * - an outage or a payment still with the processor: the push stops there, nothing recorded.
 * Each checkout runs through flows/checkout's staged runPayments under a key derived from the
 * mutation id, in its own transactions, so a crash at any point resumes into the same order and
 * never charges twice. A lease on the device makes a second push of the same device wait.
 */
export async function push(ctx: Ctx, deps: OfflineSyncDeps, deviceId: string, body: PushBody): Promise<PushAnswer> {
  const { database, devices } = deps;
  const tx = <T>(fn: (c: Ctx) => Promise<T>): Promise<T> =>
    database.db.transaction().execute(async (trx) => {
      await scopeToTenant(trx, ctx.tenantId);
      return fn(inTx(ctx, trx));
    });

  if (body.mutations.some((m) => m.args.payments.length > 0) && !can(ctx.actor, 'payments.take')) throw forbidden('payments.take');
  // a PIN session is bound to its register: it pushes that register's sales only
  if (ctx.actor.registerId && ctx.actor.registerId !== body.register_id) {
    throw new AppError(403, DeviceErrors.registerMismatch, 'This session is signed in on another register', { errors: [{ path: 'register_id', message: "is not the register this session is signed in on" }] });
  }
  const device = await tx(async (c) => {
    const reg = await deps.registers.registerInfo(c, body.register_id);
    const reachable = reg && (c.actor.storeIds === null || c.actor.storeIds.includes(reg.store_id));
    if (!reg || !reachable) throw new AppError(404, 'unknown_register', 'Unknown register', { errors: [{ path: 'register_id', message: 'is not a register of yours' }] });
    return devices.ensure(c, { deviceId, storeId: reg.store_id, registerId: reg.id });
  });

  // one push of a device at a time: a second (another tab, a retry) waits, then finds duplicates
  const owner = newId();
  const waitUntil = Date.now() + (deps.waitMs ?? 10_000);
  while (!(await tx((c) => devices.takeLease(c, deviceId, owner, deps.leaseSeconds)))) {
    if (Date.now() >= waitUntil) {
      throw new AppError(409, DeviceErrors.pushInProgress, 'Another push of this device is still being processed; retry shortly', {
        headers: { 'retry-after': '1' },
        extra: { last_applied_seq: device.last_applied_seq },
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const results: MutationResult[] = [];
  let last = device.last_applied_seq;
  try {
    for (const m of body.mutations) {
      const state = await tx(async (c) => {
        if (!(await devices.takeLease(c, deviceId, owner, deps.leaseSeconds))) return null;
        return devices.lock(c, deviceId);
      });
      if (!state) throw new Stop(new AppError(409, DeviceErrors.pushInProgress, 'Another push took this device over; retry shortly').toProblem(), { 'retry-after': '1' });
      last = state.last_applied_seq;
      if (m.seq <= last) {
        results.push(await duplicate(m));
        continue;
      }
      if (m.seq > last + 1) {
        throw new AppError(409, DeviceErrors.sequenceGap, `This device's mutations were processed up to seq ${last}; send again from ${last + 1}`, {
          errors: [{ path: `mutations.${body.mutations.indexOf(m)}.seq`, message: `must be ${last + 1}` }],
          extra: { last_applied_seq: last },
        });
      }
      const r = await apply(m);
      if (r.status !== 'duplicate') last = m.seq;
      results.push(r);
    }
  } catch (err) {
    if (err instanceof Stop) {
      const stoppedAt = body.mutations[results.length]!.seq;
      if (results.length === 0) throw new AppError(err.problem.status, err.problem.code, err.problem.detail, { extra: { ...extrasOf(err.problem), last_applied_seq: last }, ...(err.headers ? { headers: err.headers } : {}) });
      return { last_applied_seq: last, results, stopped: { seq: stoppedAt, problem: { ...err.problem, last_applied_seq: last } } };
    }
    throw err;
  } finally {
    await tx((c) => devices.dropLease(c, deviceId, owner)).catch(() => undefined);
  }
  return { last_applied_seq: last, results };

  async function duplicate(m: Mutation): Promise<MutationResult> {
    const stored = (await tx((c) => devices.storedResults(c, deviceId, m.seq, m.seq))).get(m.seq);
    if (stored && stored.id === m.id) return asResult(stored, 'duplicate');
    // the till reused a seq for another sale: that sale is not applied; it needs a new seq
    const problem = new AppError(409, DeviceErrors.sequenceReused, `Seq ${m.seq} of this device was already used for mutation ${stored?.id ?? 'another'}; push this one with a new seq`, {
      extra: { mutation_id: stored?.id ?? null },
    }).toProblem();
    return { seq: m.seq, id: m.id, status: 'rejected', problem };
  }

  async function apply(m: Mutation): Promise<MutationResult> {
    const order: Record<string, unknown> = { ...m.args.order };
    if (order.register_id === undefined || order.register_id === null) order.register_id = body.register_id;
    const payments = m.args.payments.map((p, i) => (typeof p.id === 'string' ? p : { ...p, id: derivedPaymentId(ctx.tenantId, m.id, i) }));
    const capturedOffline = typeof order.captured_offline_at === 'string';
    const offlineCard = offlineCardAmount(payments);
    const entry = { device_id: deviceId, seq: m.seq, mutation_id: m.id, name: m.name, captured_offline: capturedOffline, cashier_id: m.cashier_id ?? null };

    const reject = (problem: ProblemDetails) => record({ ...entry, status: 'rejected', order_id: null, order: null, problem, offline_card_amount: 0 }, []);

    if (order.register_id !== body.register_id) {
      return reject(new AppError(400, DeviceErrors.registerMismatch, "The sale names another register than the push's", { errors: [{ path: 'args.order.register_id', message: `must be ${body.register_id} (the register of this push) or left out` }] }).toProblem());
    }
    if (offlineCard > 0) {
      // what the device may hold on offline cards is counted over its run of offline sales
      const { s, held } = await tx(async (c) => ({ s: await deps.payments.settings(c), held: await devices.offlineCardHeld(c, deviceId, m.seq) }));
      const cap = s.offline_card_device_cap;
      // offline cards turned off, or one above the per-payment cap: payments refuses it, more precisely
      const paymentsRefuse = !s.offline_card_enabled || payments.some((p) => p.tender === 'card' && p.offline === true && offlineCardAmount([p]) > s.offline_card_payment_cap);
      if (!paymentsRefuse && held + offlineCard > cap) {
        return reject(
          new AppError(422, 'offline_card_device_cap_exceeded', `This device already held ${held} on offline cards; this sale's ${offlineCard} would pass the per-device cap of ${cap}`, {
            errors: [{ path: 'args.payments', message: `offline card payments must stay within ${cap} per device until it syncs` }],
            extra: { per_device_cap: cap, held },
          }).toProblem(),
        );
      }
    }

    const cashierId = m.cashier_id ?? null;
    const checkout: CheckoutDeps = {
      database,
      leaseSeconds: deps.leaseSeconds,
      payments: deps.payments,
      sales: { ...deps.sales, createOrder: (c, input) => deps.sales.createOrder(c, input, { renumberIfTaken: true, ...(cashierId ? { cashierId } : {}) }) },
    };
    const respond = { done: async (o: OrderView) => o };

    let res: Result;
    try {
      res = await runPayments(ctx, checkout, { kind: 'create', order }, payments, mutationKey(ctx.tenantId, deviceId, m), respond);
    } catch (err) {
      if (!(err instanceof AppError) || isTransient(err.status, err.code)) throw stopFor(ctx, err);
      // refused in the first stage, nothing of it kept: rejected. Refused after a card was
      // charged (a later stage): the order stands, with the refusal, for a manager
      const existing = typeof order.id === 'string' && err.code !== 'order_id_conflict' ? await tx((c) => deps.sales.getOrder(c, order.id as string)) : null;
      if (!existing) return reject(err.toProblem());
      res = { status: err.status, body: { ...err.toProblem(), order_id: existing.id }, replayed: false };
    }
    if (res.status >= 400 && res.status !== 402) {
      const p = res.body as ProblemDetails;
      if (isTransient(res.status, p.code)) throw new Stop(p);
      return reject(p);
    }

    // 402: the order exists and one payment failed. Every tender of an offline sale was really
    // handed over, so the ones after it are still taken (each stage under its own key).
    let firstProblem: ProblemDetails | null = null;
    let orderId: string;
    let stage = 0;
    let current = res;
    for (;;) {
      if (current.status < 300) {
        orderId = (current.body as OrderView).id;
        break;
      }
      const p = current.body as ProblemDetails & { order_id?: string; payment_id?: string };
      if (current.status !== 402 || !p.order_id) {
        // a later stage refused (nothing due any more, …): the order stands as it is
        firstProblem ??= p;
        orderId = p.order_id ?? (firstProblem as { order_id?: string }).order_id!;
        break;
      }
      firstProblem ??= p;
      orderId = p.order_id;
      const failedAt = payments.findIndex((x) => x.id === p.payment_id);
      if (failedAt < 0 || failedAt >= payments.length - 1) break;
      stage = failedAt + 1;
      try {
        current = await runPayments(ctx, checkout, { kind: 'existing', orderId }, payments.slice(stage), mutationKey(ctx.tenantId, deviceId, m, stage), respond);
      } catch (err) {
        if (!(err instanceof AppError) || isTransient(err.status, err.code)) throw stopFor(ctx, err);
        current = { status: err.status, body: { ...err.toProblem(), order_id: orderId }, replayed: false };
      }
    }

    // what the server found that the till could not know: flagged for a manager
    const reasons = await tx(async (c) => {
      const byId = new Map((await deps.payments.listForOrder(c, orderId)).map((p) => [p.id, p]));
      const out = new Set<string>();
      for (const b of payments) {
        const p = byId.get(b.id as string);
        if (!p) continue;
        const failed = p.status === 'declined' || p.status === 'failed';
        if (p.tender === 'card' && p.offline && failed) out.add(ReviewReasons.offlineCardDeclined);
        else if (p.tender === 'gift_card' && p.offline && (failed || p.partial)) out.add(ReviewReasons.offlineGiftCardShort);
        else if (failed) out.add(ReviewReasons.paymentDeclinedAtSync);
      }
      if (firstProblem && firstProblem.status !== 402) out.add(ReviewReasons.paymentRefusedAtSync);
      return [...out];
    });
    return record({ ...entry, status: 'applied', order_id: orderId, order: null, problem: firstProblem, offline_card_amount: offlineCard }, reasons);
  }

  /** Flags, then logs the mutation and moves the sequence, in one transaction. */
  async function record(e: Parameters<DevicesApi['record']>[1], reasons: string[]): Promise<MutationResult> {
    const outcome = await tx(async (c) => {
      let order: OrderView | null = null;
      if (e.order_id) {
        for (const reason of reasons) order = await deps.sales.flagForReview(c, e.order_id, reason);
        order ??= await deps.sales.getOrder(c, e.order_id);
      }
      const problem = e.problem ? stripOrder(e.problem) : null;
      const ok = await devices.record(c, { ...e, order, problem });
      if (!ok) throw new Raced();
      return { order, problem };
    }).catch(async (err) => {
      if (!(err instanceof Raced)) throw err;
      return null;
    });
    if (!outcome) {
      // another push recorded this seq first (its lease had run out on us): answer what it did
      const stored = (await tx((c) => devices.storedResults(c, deviceId, e.seq, e.seq))).get(e.seq);
      if (stored) return asResult(stored, 'duplicate');
      throw new Stop(new AppError(409, DeviceErrors.pushInProgress, 'Another push is processing this device; retry shortly').toProblem());
    }
    return { seq: e.seq, id: e.mutation_id, status: e.status, ...(outcome.order ? { order: outcome.order } : {}), ...(outcome.problem ? { problem: outcome.problem } : {}) };
  }
}

class Raced extends Error {}

function asResult(s: StoredResult, status: 'duplicate'): MutationResult {
  return { seq: s.seq, id: s.id, status, ...(s.order ? { order: s.order } : {}), ...(s.problem ? { problem: s.problem } : {}) };
}

/** A 402 problem carries the whole order; the result carries it once, beside the problem. */
function stripOrder(p: Record<string, unknown>): Record<string, unknown> {
  const { order: _order, ...rest } = p;
  return rest;
}

function extrasOf(p: ProblemDetails): Record<string, unknown> {
  const { type: _t, title: _ti, status: _s, detail: _d, code: _c, ...rest } = p;
  return rest;
}

function stopFor(ctx: Ctx, err: unknown): Stop {
  if (err instanceof AppError) return new Stop(err.toProblem(), err.headers);
  // an outage (the database, a bug): logged, and reported without details as the HTTP kernel would
  ctx.log.error({ err }, 'push: a mutation failed; the push stops there');
  return new Stop(new AppError(503, 'sync_unavailable', 'The sale could not be processed now; the push stopped here. Send it again shortly.').toProblem(), { 'retry-after': '2' });
}
