import type { Generated, Selectable, Transaction } from 'kysely';
import type { OrderStatus, PriceSource } from './contract.ts';

export interface StoredDiscount { type: 'amount' | 'percent'; value: number; reason: string }
export interface StoredTaxLine { rate_id: string; name: string; rate_ppm: number; amount: number }
export interface StoredBreakdown { rate_id: string; name: string; rate_ppm: number; taxable: number; tax: number }

export interface SettingsRow { tenant_id: string; cashier_max_discount_percent: number; cash_rounding_increment: number; updated_at: Generated<Date> }
export interface CounterRow { tenant_id: string; prefix: string; store_id: string; register_id: string | null; last_value: number }
export interface SessionRow {
  tenant_id: string;
  id: string;
  store_id: string;
  register_id: string;
  status: 'open' | 'closed';
  currency: string;
  opening_float: number;
  expected_cash: number;
  opened_by: string | null;
  opened_at: Date;
  closed_by: string | null;
  closed_at: Date | null;
  counted_cash: number | null;
  counted_denominations: { denomination: number; count: number }[] | null;
  variance: number | null;
  unsynced_sales: number | null;
  close_warnings: unknown | null;
}
export interface CashMovementRow {
  tenant_id: string;
  id: string;
  session_id: string;
  kind: 'sale' | 'sale_reversal' | 'paid_in' | 'paid_out';
  amount: number;
  order_id: string | null;
  payment_id: string | null;
  reason: string | null;
  actor_id: string | null;
  occurred_at: Date;
}
export interface OrderRow {
  tenant_id: string;
  id: string;
  number: string;
  /** the till's number when the server had to give the sale another one */
  till_number: string | null;
  status: OrderStatus;
  store_id: string;
  register_id: string | null;
  session_id: string | null;
  cashier_id: string | null;
  customer_id: string | null;
  parked: Generated<boolean>;
  captured_offline_at: Date | null;
  needs_review: Generated<boolean>;
  review_reasons: Generated<string[]>;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_note: string | null;
  currency: string;
  prices_include_tax: boolean;
  order_discount: StoredDiscount | null;
  subtotal: number;
  discount_total: number;
  tax_total: number;
  total: number;
  tip_total: Generated<number>;
  cash_rounding: Generated<number>;
  amount_paid: Generated<number>;
  change_due: Generated<number>;
  tax_breakdown: StoredBreakdown[];
  note: string | null;
  content_hash: string;
  receipt_prints: Generated<number>;
  void_reason: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  voided_at: Date | null;
}
export interface OrderLineRow {
  tenant_id: string;
  order_id: string;
  id: string;
  position: number;
  variant_id: string | null;
  sku: string | null;
  name: string;
  options: Record<string, string>;
  quantity: number;
  unit_price: number;
  price_source: PriceSource;
  price_version_source: string | null;
  price_valid_from: Date | null;
  tax_code_id: string | null;
  serial_numbers: string[];
  discount: StoredDiscount | null;
  line_discount: number;
  order_discount_share: number;
  discount_total: number;
  net: number;
  tax_lines: StoredTaxLine[];
  tax_total: number;
  total: number;
}
export interface OrderPaymentRow {
  tenant_id: string;
  payment_id: string;
  order_id: string;
  tender: string;
  status: string;
  amount: number;
  applied: number;
  tip: number;
  change_due: number;
  cash_rounding: number;
  summary: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}
export interface TransitionRow {
  tenant_id: string;
  id: string;
  order_id: string;
  action: 'create' | 'update' | 'park' | 'resume' | 'complete' | 'void' | 'review' | 'flag';
  from_status: string | null;
  to_status: string;
  reason: string | null;
  actor_kind: string;
  actor_id: string | null;
  at: Date;
}

export interface SalesTables {
  'sales.settings': SettingsRow;
  'sales.register_counters': CounterRow;
  'sales.drawer_sessions': SessionRow;
  'sales.cash_movements': CashMovementRow;
  'sales.orders': OrderRow;
  'sales.order_lines': OrderLineRow;
  'sales.order_payments': OrderPaymentRow;
  'sales.order_transitions': TransitionRow;
}

export type SalesTrx = Transaction<SalesTables>;

/** An order as read. */
export type OrderRec = Selectable<OrderRow>;
