import { z } from 'zod';

/**
 * What a receipt prints, already resolved by the caller (the receipt route maps the order, store,
 * register, cashier and captured payments into it). Renderers only lay it out: no lookups, no
 * arithmetic beyond formatting. Money is integer minor units of `order.currency`.
 */

/** Signed integer minor units (discounts, rounding and refunds can be negative). */
const Minor = z.number().int('must be integer minor units');
const NonNegative = Minor.min(0, 'must not be negative');

const isTimeZone = (tz: string): boolean => {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone !== '';
  } catch {
    return false;
  }
};
const isLocale = (tag: string): boolean => {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
};

export const ReceiptDiscount = z.object({
  /** the amount taken off, positive (printed as a negative amount) */
  amount: NonNegative,
  reason: z.string().nullable(),
});
export type ReceiptDiscount = z.infer<typeof ReceiptDiscount>;

export const ReceiptLine = z.object({
  name: z.string(),
  sku: z.string().nullable(),
  /** options already joined for display, e.g. "Size: M, Colour: Blue" ('' for none); see optionsText */
  options: z.string(),
  quantity: z.number().int(),
  unit_price: Minor,
  discount: ReceiptDiscount.nullable(),
  /** the line total as the order computed it (after the line discount) */
  total: Minor,
  serial_numbers: z.array(z.string()),
});
export type ReceiptLine = z.infer<typeof ReceiptLine>;

export const ReceiptTaxRate = z.object({
  name: z.string(),
  /** parts per million: 82_500 is 8.25 % */
  rate_ppm: z.number().int().nonnegative(),
  taxable: Minor,
  tax: Minor,
});
export type ReceiptTaxRate = z.infer<typeof ReceiptTaxRate>;

export const ReceiptTender = z.object({
  tender: z.enum(['cash', 'card', 'gift_card', 'crypto']),
  /** cash: handed over; other tenders: charged (tip included) */
  amount: Minor,
  /** what counted toward the order */
  applied: Minor,
  change_due: NonNegative,
  card: z.object({ brand: z.string(), last4: z.string().regex(/^\d{4}$/), approval_code: z.string().nullable() }).nullable(),
  gift_card: z.object({ last4: z.string().regex(/^[0-9A-Za-z]{4}$/), remaining_balance: Minor.nullable() }).nullable(),
});
export type ReceiptTender = z.infer<typeof ReceiptTender>;

export const ReceiptModel = z.object({
  business_name: z.string(),
  store: z.object({
    name: z.string(),
    address_lines: z.array(z.string()),
    phone: z.string().nullable(),
  }),
  register_name: z.string().nullable(),
  cashier_name: z.string().nullable(),
  order: z.object({
    number: z.string().min(1),
    /** the number the till printed first, when the server gave the sale another one */
    till_number: z.string().min(1).nullable().optional(),
    status: z.enum(['open', 'completed', 'voided', 'partially_refunded', 'refunded']),
    created_at: z.iso.datetime({ offset: true }),
    completed_at: z.iso.datetime({ offset: true }).nullable(),
    /** IANA zone of the store: times print in store-local time */
    timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as America/Chicago'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO 4217 code such as USD'),
    /** BCP 47 tag for number and date formatting; labels stay English */
    locale: z.string().refine(isLocale, 'must be a BCP 47 language tag such as en-US'),
  }),
  lines: z.array(ReceiptLine),
  order_discount: ReceiptDiscount.nullable(),
  subtotal: Minor,
  discount_total: Minor,
  tax_breakdown: z.array(ReceiptTaxRate),
  tax_total: Minor,
  total: Minor,
  tip_total: Minor,
  /** signed: what cash rounding added to (or took off) the total */
  cash_rounding: Minor,
  /** captured payments, in the order they were taken */
  tenders: z.array(ReceiptTender),
  change_due: NonNegative,
  /** non-zero while the order is open and not fully paid: printed as BALANCE DUE */
  amount_due: NonNegative,
  copy: z.object({ is_copy: z.boolean(), reprint_number: z.number().int().nonnegative() }),
  /** returns policy and the like; printed as is, line breaks kept */
  footer: z.string().nullable(),
  /** encoded as a Code 128 barcode for returns lookup: the order number */
  barcode_value: z.string().min(1).regex(/^[\x20-\x7e]+$/, 'must be printable ASCII (Code 128 set B)'),
});
export type ReceiptModel = z.infer<typeof ReceiptModel>;

/** `{ Size: 'M', Colour: 'Blue' }` → `"Size: M, Colour: Blue"`, the snapshot's option order kept. */
export function optionsText(options: Record<string, string> | null | undefined): string {
  return Object.entries(options ?? {})
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}
