import type { Ctx, Database } from '@novapos/platform';

/**
 * What the checkout flow needs from sales and payments. The composition root passes the modules'
 * service APIs, which satisfy these shapes; the flow never reads their tables.
 */
export interface Money {
  amount: number;
  currency: string;
}

export type PaymentStatus = 'pending' | 'authorized' | 'captured' | 'declined' | 'failed' | 'voided' | 'unknown' | 'refunded';
export type OrderStatus = 'open' | 'completed' | 'voided' | 'partially_refunded' | 'refunded';

export interface OrderView {
  id: string;
  number: string;
  status: OrderStatus;
  store_id: string;
  register_id: string | null;
  total: Money;
  amount_due: Money;
  amount_paid: Money;
  payments: { payment_id: string; tender: string; status: PaymentStatus }[];
}

export interface PaymentView {
  id: string;
  order_id: string;
  tender: string;
  status: PaymentStatus;
  amount: Money;
  tip?: Money;
  decline_code?: string | null;
  message?: string | null;
  crypto?: { charge_id: string | null } | null;
}

export interface SalesPort {
  createOrder(ctx: Ctx, input: never): Promise<OrderView>;
  getOrder(ctx: Ctx, id: string): Promise<OrderView | null>;
  lockOrder(ctx: Ctx, id: string): Promise<OrderView>;
  recordPayment(ctx: Ctx, orderId: string, summary: never): Promise<OrderView>;
  settle(ctx: Ctx, id: string): Promise<OrderView>;
  voidOrder(ctx: Ctx, id: string, reason: string): Promise<OrderView>;
}

export interface PaymentsPort {
  begin(ctx: Ctx, input: { id: string; order_id: string; store_id: string; register_id: string | null; currency: string; amount_due: number; body: never }): Promise<PaymentView>;
  /** Outside any transaction: asks the processor, records the outcome in its own transaction. */
  execute(database: Database, tenantId: string, paymentId: string): Promise<PaymentView>;
  summary(p: PaymentView): unknown;
  get(ctx: Ctx, id: string): Promise<PaymentView | null>;
  listForOrder(ctx: Ctx, orderId: string): Promise<PaymentView[]>;
}

/** Tenders whose outcome comes from a processor call made between transactions. */
export const PROCESSOR_TENDERS: ReadonlySet<string> = new Set(['card', 'crypto']);
export const FINAL_FAILURES: ReadonlySet<PaymentStatus> = new Set(['declined', 'failed']);
