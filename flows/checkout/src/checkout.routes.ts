import { z } from 'zod';
import { AppError, can, defineRoute, forbidden, sendProblem, type AnyRouteDef, type ProblemDetails } from '@novapos/platform';
import { runPayments, voidSale, type Result, type VoidDeps } from './checkout.flow.ts';

export interface CheckoutSchemas {
  /** sales' order create body */
  orderCreate: z.ZodType;
  /** payments' payment create body (each may carry a client `id`) */
  paymentCreate: z.ZodType;
  order: z.ZodType;
  payment: z.ZodType;
}

const IdParams = z.object({ id: z.uuid('must be a UUID') });
const VoidBody = z.object({ reason: z.string().trim().min(1, 'say why the sale is voided').max(200, 'must be at most 200 characters') });

function reply(res: Result, r: { header(k: string, v: string): unknown; code(n: number): unknown }, rawReply: Parameters<typeof sendProblem>[0]): unknown {
  if (res.replayed) r.header('idempotent-replayed', 'true');
  if (res.status >= 400) {
    sendProblem(rawReply, res.body as ProblemDetails);
    return undefined;
  }
  r.code(res.status);
  return res.body;
}

export function checkoutRoutes(deps: VoidDeps, schemas: CheckoutSchemas): AnyRouteDef[] {
  const Checkout = z
    .object({
      order: schemas.orderCreate,
      payments: z.array(schemas.paymentCreate).max(20, 'at most 20 payments per checkout').default([]),
    })
    .meta({ id: 'CheckoutCreate' });
  const PaymentWithOrder = z.intersection(schemas.payment, z.object({ order: schemas.order }));

  return [
    // Payments are taken in the order given. The answer is the order: `completed` when paid in
    // full, `open` when something is still due (or a crypto payment awaits the customer). A
    // declined or failed payment answers 402 with the open order; a processor that does not
    // answer in time answers 503: repeat with the same Idempotency-Key to get the outcome.
    defineRoute({
      method: 'POST',
      url: '/api/v1/checkout',
      summary: 'Create an order and pay it in one call (what the till sends, online or when syncing)',
      tags: ['checkout'],
      permission: 'sales.sell',
      body: Checkout,
      response: schemas.order,
      transaction: 'none',
      handler: async (ctx, { body, reply: r, idempotency }) => {
        const b = body as { order: unknown; payments: Record<string, unknown>[] };
        if (b.payments.length && !can(ctx.actor, 'payments.take')) throw forbidden('payments.take');
        const res = await runPayments(ctx, deps, { kind: 'create', order: b.order }, b.payments, idempotency, {
          done: async (order) => order,
        });
        return reply(res, r, r) as never;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/orders/:id/payments',
      summary: 'Take a payment on an open order (split tender: one call per tender)',
      tags: ['checkout'],
      permission: 'payments.take',
      params: IdParams,
      body: schemas.paymentCreate,
      response: PaymentWithOrder,
      transaction: 'none',
      handler: async (ctx, { body, params, reply: r, idempotency }) => {
        const res = await runPayments(ctx, deps, { kind: 'existing', orderId: params.id }, [body as Record<string, unknown>], idempotency, {
          done: async (order, last) => {
            if (!last) throw new AppError(409, 'nothing_due', `Nothing is due on order ${order.number} (${order.status})`, { extra: { order_status: order.status } });
            return { ...last, order };
          },
        });
        return reply(res, r, r) as never;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/orders/:id/void',
      summary: 'Void an open sale: money already taken goes back to its tender first (needs sales.void_paid)',
      tags: ['checkout'],
      permission: 'sales.void',
      params: IdParams,
      body: VoidBody,
      response: schemas.order,
      status: 200,
      transaction: 'none',
      handler: async (ctx, { body, params, reply: r, idempotency }) => {
        const res = await voidSale(ctx, deps, params.id, body.reason, idempotency, can(ctx.actor, 'sales.void_paid'));
        return reply(res, r, r) as never;
      },
    }),
  ];
}
