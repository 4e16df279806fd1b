import type { Ctx } from '@novapos/platform';
import type { OrderView, PaymentView, PaymentsPort, SalesPort } from '@novapos/flow-checkout';

/** What offline sync needs from sales beyond checkout's port. */
export interface SyncSalesPort extends SalesPort {
  createOrder(ctx: Ctx, input: never, opts?: { cashierId?: string | null; renumberIfTaken?: boolean }): Promise<OrderView>;
  flagForReview(ctx: Ctx, id: string, reason: string): Promise<OrderView>;
}

export interface SyncPaymentView extends PaymentView {
  offline?: boolean;
  partial?: boolean;
}

export interface SyncPaymentsPort extends PaymentsPort {
  listForOrder(ctx: Ctx, orderId: string): Promise<SyncPaymentView[]>;
  settings(ctx: Ctx): Promise<{ offline_card_enabled: boolean; offline_card_payment_cap: number; offline_card_device_cap: number }>;
}

export interface RegistersPort {
  registerInfo(ctx: Ctx, registerId: string): Promise<{ id: string; store_id: string } | null>;
}

/** Why a synced sale is flagged for a manager (sales' review_reasons). */
export const ReviewReasons = {
  offlineCardDeclined: 'offline_card_declined',
  offlineGiftCardShort: 'offline_gift_card_short',
  /** a tender taken online whose charge the till could only send later was refused */
  paymentDeclinedAtSync: 'payment_declined_at_sync',
  /** a payment of the sale was refused outright when it synced (after another was taken) */
  paymentRefusedAtSync: 'payment_refused_at_sync',
} as const;
