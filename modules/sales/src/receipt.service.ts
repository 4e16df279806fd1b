import type { Ctx } from '@novapos/platform';
import { AppError, notFound } from '@novapos/platform';
import type { OrderDto } from './contract.ts';
import { countPrint, loadOrder, type SalesDeps } from './orders.service.ts';
import { optionsText, renderReceipt, type ReceiptFormat, type ReceiptModel, type RenderedReceipt } from './receipt/index.ts';

/** Media types GET /orders/:id/receipt answers with, by Accept. */
const MEDIA: Record<string, 'json' | 'html' | 'text' | 'escpos'> = {
  'application/json': 'json',
  'text/html': 'html',
  'text/plain': 'text',
  'application/vnd.escpos': 'escpos',
};

/**
 * The format an Accept header asks for: the acceptable type with the highest q (ties: the order
 * given), `*` wildcards matching JSON first. No header means JSON; nothing acceptable is 406.
 */
export function negotiate(accept: string | undefined, width: 42 | 48): ReceiptFormat {
  const wanted = (accept ?? '*/*')
    .split(',')
    .map((part, i) => {
      const [type = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(params.map((p) => p.trim()).find((p) => p.startsWith('q='))?.slice(2) ?? '1');
      return { type: type.trim(), q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((x) => x.type && x.q > 0)
    .toSorted((a, b) => b.q - a.q || a.i - b.i);
  for (const w of wanted) {
    const kind = w.type === '*/*' || w.type === 'application/*' ? 'json' : w.type === 'text/*' ? 'text' : MEDIA[w.type];
    if (!kind) continue;
    if (kind === 'text') return width === 48 ? 'text48' : 'text42';
    return kind;
  }
  throw new AppError(406, 'not_acceptable', `Receipts come as ${Object.keys(MEDIA).join(', ')}`, { extra: { available: Object.keys(MEDIA) } });
}

function addressLines(address: Record<string, unknown> | null): string[] {
  if (!address) return [];
  const s = (k: string) => (typeof address[k] === 'string' && address[k] ? (address[k] as string) : null);
  const cityLine = [s('city'), [s('region'), s('postal_code')].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [s('line1'), s('line2'), cityLine || null, s('country')].filter((x): x is string => x !== null);
}

/** The receipt model of an order: names from identity, amounts as the order computed them. */
export async function buildReceiptModel(ctx: Ctx, deps: SalesDeps, order: OrderDto, reprint: number): Promise<ReceiptModel> {
  const store = await deps.stores.storeInfo(ctx, order.store_id);
  if (!store) throw notFound('Store');
  const register = order.register_id ? await deps.stores.registerInfo(ctx, order.register_id) : null;
  const names = order.cashier_id ? await deps.stores.userNames(ctx, [order.cashier_id]) : {};
  const lineDiscounts = order.lines.reduce((s, l) => s + l.line_discount.amount, 0);
  const orderDiscount = order.lines.reduce((s, l) => s + l.order_discount_share.amount, 0);
  return {
    business_name: store.business_name,
    store: { name: store.name, address_lines: addressLines(store.address), phone: typeof store.address?.phone === 'string' ? store.address.phone : null },
    register_name: register?.name ?? null,
    cashier_name: order.cashier_id ? (names[order.cashier_id] ?? null) : null,
    order: {
      number: order.number,
      till_number: order.till_number,
      status: order.status,
      created_at: order.captured_offline_at ?? order.created_at,
      completed_at: order.completed_at,
      timezone: store.timezone,
      currency: order.currency,
      locale: 'en-US',
    },
    lines: order.lines.map((l) => ({
      name: l.name,
      sku: l.sku,
      options: optionsText(l.options),
      quantity: l.quantity,
      unit_price: l.unit_price.amount,
      discount: l.line_discount.amount > 0 ? { amount: l.line_discount.amount, reason: l.discount?.reason ?? null } : null,
      // as priced, after the line's own discount: the order discount and tax follow below the lines
      total: l.unit_price.amount * l.quantity - l.line_discount.amount,
      serial_numbers: l.serial_numbers,
    })),
    order_discount: order.order_discount && orderDiscount > 0 ? { amount: orderDiscount, reason: order.order_discount.reason } : null,
    subtotal: order.subtotal.amount - lineDiscounts,
    discount_total: order.discount_total.amount,
    tax_breakdown: order.tax_breakdown.map((b) => ({ name: b.name, rate_ppm: b.rate_ppm, taxable: b.taxable.amount, tax: b.tax.amount })),
    tax_total: order.tax_total.amount,
    total: order.total.amount,
    tip_total: order.tip_total.amount,
    cash_rounding: order.cash_rounding.amount,
    tenders: order.payments
      .filter((p) => p.status === 'captured')
      .map((p) => ({
        tender: p.tender,
        amount: p.amount.amount,
        applied: p.applied.amount,
        change_due: p.change_due.amount,
        card: p.card ? { brand: p.card.brand, last4: p.card.last4, approval_code: p.card.approval_code } : null,
        gift_card: p.gift_card ? { last4: p.gift_card.last4, remaining_balance: typeof p.gift_card.remaining_balance === 'number' ? p.gift_card.remaining_balance : null } : null,
      })),
    change_due: order.change_due.amount,
    amount_due: order.amount_due.amount,
    copy: { is_copy: reprint > 0, reprint_number: reprint },
    footer: null,
    barcode_value: order.number,
  };
}

/**
 * Renders an order's receipt and counts the print: the first is the original, every later one a
 * numbered copy. `count: false` previews without counting (showing what the next print would be).
 */
export async function printReceipt(ctx: Ctx, deps: SalesDeps, orderId: string, format: ReceiptFormat, count: boolean): Promise<RenderedReceipt> {
  const order = await loadOrder(ctx, orderId, count);
  if (!order) throw notFound('Order');
  const reprint = count ? await countPrint(ctx, orderId) : order.receipt_prints;
  return renderReceipt(await buildReceiptModel(ctx, deps, order, reprint), format);
}
