import type { ConsumerDef } from '@novapos/platform';
import { serviceCtx, systemActor, type AnyRouteDef, type Clock } from '@novapos/platform';
import type { Logger } from 'pino';
import type { VoidDeps } from './checkout.flow.ts';
import { checkoutRoutes, type CheckoutSchemas } from './checkout.routes.ts';

export { runPayments, voidSale, type CheckoutDeps, type VoidDeps } from './checkout.flow.ts';
export * from './ports.ts';

/** Consumer name: its inbox rows are keyed by it, so it must never change. */
export const PAYMENT_EVENTS_CONSUMER = 'checkout.apply_payment';

export interface CheckoutFlow {
  routes(): AnyRouteDef[];
  consumers(): ConsumerDef[];
}

export function createCheckoutFlow(deps: VoidDeps & { schemas: CheckoutSchemas; clock: Clock; log: Logger }): CheckoutFlow {
  // A payment settled outside a request (crypto webhook, the reconciler after a timeout or a
  // crash) reaches its order through its event; recordPayment is an idempotent upsert, so the
  // request path applying it too is harmless.
  const applyPayment: ConsumerDef = {
    name: PAYMENT_EVENTS_CONSUMER,
    types: ['payment.captured', 'payment.authorized', 'payment.declined', 'payment.failed', 'payment.voided', 'payment.unknown', 'payment.refunded'],
    async handle(trx, event) {
      const p = event.payload as { order_id?: string; payment?: unknown };
      if (typeof p.order_id !== 'string' || !p.payment) throw new Error(`${event.type} ${event.id} has no order_id or payment`);
      const ctx = serviceCtx({ trx, tenantId: event.tenant_id, actor: systemActor, clock: deps.clock, log: deps.log, requestId: `event:${event.id}` });
      // recordPayment locks the order itself
      await deps.sales.recordPayment(ctx, p.order_id, p.payment as never);
    },
  };
  return {
    routes: () => checkoutRoutes(deps, deps.schemas),
    consumers: () => [applyPayment],
  };
}
