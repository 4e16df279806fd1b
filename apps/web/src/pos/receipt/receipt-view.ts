// What the receipt screen shows, from the server's order (a sale paid online) or from the queued
// sale (a cash sale saved on the device; the server's copy exists once it is sent).
import type { OrderDto } from '@novapos/sales/contract';
import type { QueuedSale } from '../db/till-db';
import { paymentLabel } from '../tender/tender-state';

export interface ReceiptView {
  order_id: string;
  number: string;
  created_at: string;
  cashier: string;
  currency: string;
  prices_include_tax: boolean;
  lines: { name: string; quantity: number; total: number }[];
  subtotal: number;
  discount_total: number;
  tax_total: number;
  total: number;
  tip_total: number;
  payments: { label: string; amount: number }[];
  change_due: number;
}

export function receiptFromOrder(o: OrderDto, cashier: string): ReceiptView {
  return {
    order_id: o.id,
    number: o.number,
    created_at: o.completed_at ?? o.created_at,
    cashier,
    currency: o.currency,
    prices_include_tax: o.prices_include_tax,
    lines: o.lines.map((l) => ({ name: l.name, quantity: l.quantity, total: l.total.amount })),
    subtotal: o.subtotal.amount,
    discount_total: o.discount_total.amount,
    tax_total: o.tax_total.amount,
    total: o.total.amount,
    tip_total: o.tip_total.amount,
    payments: o.payments.filter((p) => p.status === 'captured' || p.status === 'authorized').map((p) => ({ label: paymentLabel(p), amount: p.amount.amount })),
    change_due: o.change_due.amount,
  };
}

export function receiptFromQueued(sale: QueuedSale): ReceiptView {
  const r = sale.receipt;
  return {
    order_id: sale.id,
    number: sale.number,
    created_at: sale.created_at,
    cashier: sale.cashier.name,
    currency: r.currency,
    prices_include_tax: r.prices_include_tax,
    lines: r.lines.map((l) => ({ name: l.name, quantity: l.quantity, total: l.total })),
    subtotal: r.subtotal,
    discount_total: r.discount_total,
    tax_total: r.tax_total,
    total: r.total,
    tip_total: 0,
    payments: r.payments ?? [{ label: 'Cash', amount: r.tendered }],
    change_due: r.change_due,
  };
}
