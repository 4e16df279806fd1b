import { formatters } from './format.ts';
import type { ReceiptModel, ReceiptTender } from './model.ts';

/**
 * The receipt as format-neutral blocks with every value already formatted, built once from the
 * model so HTML, plain text and ESC/POS print the same facts in the same order.
 */
export interface Row {
  left: string;
  right: string;
  strong?: boolean;
  /** a detail under the row above (indented in text, smaller in HTML) */
  detail?: boolean;
}

export type Block =
  | { kind: 'title'; text: string }
  | { kind: 'center'; text: string }
  | { kind: 'banner'; text: string }
  | { kind: 'rule' }
  | { kind: 'rows'; rows: Row[] }
  | { kind: 'item'; name: string; total: string; details: Row[] }
  | { kind: 'barcode'; value: string }
  | { kind: 'note'; lines: string[] };

export interface LayoutOptions {
  /** the character that hides card digits: "•" on screens, "*" for printer code pages */
  mask?: string;
}

const STATUS_BANNERS: Partial<Record<ReceiptModel['order']['status'], string>> = {
  voided: 'VOIDED',
  partially_refunded: 'PARTIALLY REFUNDED',
  refunded: 'REFUNDED',
};

export function copyBannerText(copy: ReceiptModel['copy']): string {
  return copy.reprint_number > 0 ? `COPY - REPRINT ${copy.reprint_number}` : 'COPY';
}

export function receiptBlocks(model: ReceiptModel, options: LayoutOptions = {}): Block[] {
  const mask = (options.mask ?? '•').repeat(4);
  const f = formatters(model.order.locale, model.order.currency, model.order.timezone);
  const negative = (minor: number) => f.money(-minor);
  const blocks: Block[] = [];

  blocks.push({ kind: 'title', text: model.business_name });
  if (model.store.name !== model.business_name) blocks.push({ kind: 'center', text: model.store.name });
  for (const line of model.store.address_lines) blocks.push({ kind: 'center', text: line });
  if (model.store.phone) blocks.push({ kind: 'center', text: `Tel ${model.store.phone}` });
  if (model.copy.is_copy) blocks.push({ kind: 'banner', text: copyBannerText(model.copy) });
  const status = STATUS_BANNERS[model.order.status];
  if (status) blocks.push({ kind: 'banner', text: status });

  const meta: Row[] = [
    { left: 'Order', right: model.order.number },
    ...(model.order.till_number ? [{ left: 'Rung as', right: model.order.till_number }] : []),
    { left: 'Date', right: f.dateTime(model.order.completed_at ?? model.order.created_at) },
  ];
  if (model.register_name) meta.push({ left: 'Register', right: model.register_name });
  if (model.cashier_name) meta.push({ left: 'Cashier', right: model.cashier_name });
  blocks.push({ kind: 'rule' }, { kind: 'rows', rows: meta }, { kind: 'rule' });

  for (const line of model.lines) {
    const details: Row[] = [];
    const ids = [line.sku ? `SKU ${line.sku}` : '', line.options].filter((s) => s !== '').join(' / ');
    if (ids) details.push({ left: ids, right: '', detail: true });
    if (line.quantity !== 1 || line.discount) details.push({ left: `${line.quantity} x ${f.money(line.unit_price)}`, right: '', detail: true });
    if (line.discount) details.push({ left: withReason('Discount', line.discount.reason), right: negative(line.discount.amount), detail: true });
    for (const serial of line.serial_numbers) details.push({ left: `S/N ${serial}`, right: '', detail: true });
    blocks.push({ kind: 'item', name: line.name, total: f.money(line.total), details });
  }
  blocks.push({ kind: 'rule' });

  const totals: Row[] = [{ left: 'Subtotal', right: f.money(model.subtotal) }];
  if (model.order_discount) {
    totals.push({ left: withReason('Order discount', model.order_discount.reason), right: negative(model.order_discount.amount) });
  }
  if (model.discount_total !== 0) totals.push({ left: 'Total discounts', right: negative(model.discount_total) });
  for (const tax of model.tax_breakdown) {
    totals.push({ left: `${tax.name} ${f.percent(tax.rate_ppm)} on ${f.money(tax.taxable)}`, right: f.money(tax.tax) });
  }
  totals.push({ left: 'Tax total', right: f.money(model.tax_total) });
  totals.push({ left: 'TOTAL', right: f.money(model.total), strong: true });
  if (model.tip_total !== 0) totals.push({ left: 'Tip', right: f.money(model.tip_total) });
  if (model.cash_rounding !== 0) totals.push({ left: 'Cash rounding', right: f.money(model.cash_rounding) });
  blocks.push({ kind: 'rows', rows: totals });

  const payments: Row[] = model.tenders.flatMap((t) => tenderRows(t, mask, f.money));
  if (model.change_due > 0) payments.push({ left: 'CHANGE', right: f.money(model.change_due), strong: true });
  if (model.amount_due > 0) payments.push({ left: 'BALANCE DUE', right: f.money(model.amount_due), strong: true });
  if (payments.length > 0) blocks.push({ kind: 'rule' }, { kind: 'rows', rows: payments });

  blocks.push({ kind: 'rule' }, { kind: 'barcode', value: model.barcode_value });
  if (model.footer) blocks.push({ kind: 'note', lines: model.footer.split(/\r?\n/) });
  return blocks;
}

function withReason(label: string, reason: string | null): string {
  return reason ? `${label} (${reason})` : label;
}

function tenderRows(t: ReceiptTender, mask: string, money: (minor: number) => string): Row[] {
  const rows: Row[] = [];
  if (t.tender === 'card') {
    rows.push({ left: t.card ? `${t.card.brand.toUpperCase()} ${mask} ${t.card.last4}` : 'Card', right: money(t.amount) });
    if (t.card?.approval_code) rows.push({ left: `Approval ${t.card.approval_code}`, right: '', detail: true });
  } else if (t.tender === 'gift_card') {
    rows.push({ left: t.gift_card ? `Gift card ${mask} ${t.gift_card.last4}` : 'Gift card', right: money(t.amount) });
    const remaining = t.gift_card?.remaining_balance ?? null;
    if (remaining !== null) {
      rows.push({ left: 'Balance remaining', right: money(remaining), detail: true });
    }
  } else {
    rows.push({ left: t.tender === 'cash' ? 'Cash' : 'Crypto', right: money(t.amount) });
  }
  // Cash over the amount due comes back as change; any other difference (a card tip) is worth showing.
  if (t.tender !== 'cash' && t.applied !== t.amount) rows.push({ left: 'Applied to order', right: money(t.applied), detail: true });
  return rows;
}
