import { z } from 'zod';
import { BASIS_POINTS } from '@novapos/domain';
import { PAYMENT_STATUSES, PaymentSummary as PaymentsSummary, TENDERS, type PaymentStatus, type Tender } from '@novapos/payments/contract';

// ---------------------------------------------------------------- names and codes

export const ORDER_STATUSES = ['open', 'completed', 'voided', 'partially_refunded', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const PRICE_SOURCES = ['current', 'offline_valid', 'offline_unverified', 'custom'] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];
// tenders and payment statuses are payments' own (sales keeps a summary of each payment)
export { PAYMENT_STATUSES, TENDERS, type PaymentStatus, type Tender };
/** A payment summary in one of these is never changed again by a later one. */
export const FINAL_PAYMENT_STATUSES: readonly PaymentStatus[] = ['declined', 'failed', 'voided', 'refunded'];
export const CASH_MOVEMENT_KINDS = ['paid_in', 'paid_out'] as const;

export const SalesEvents = {
  /** payload: OrderCompletedEvent (inventory records the sale movements from it) */
  orderCompleted: 'order.completed',
  orderVoided: 'order.voided',
  drawerOpened: 'drawer.opened',
  drawerClosed: 'drawer.closed',
} as const;

/** Stable codes of expected failures (problem+json `code`). */
export const SalesErrors = {
  invalidTransition: 'invalid_order_transition',
  orderIdConflict: 'order_id_conflict',
  orderNumberTaken: 'order_number_taken',
  orderNumberPrefix: 'order_number_prefix',
  discountRequiresOverride: 'discount_requires_override',
  discountTooLarge: 'discount_too_large',
  customLineNotAllowed: 'custom_line_not_allowed',
  unknownVariant: 'unknown_variant',
  variantArchived: 'variant_archived',
  unknownRegister: 'unknown_register',
  unknownCashier: 'unknown_cashier',
  unknownTaxCode: 'unknown_tax_code',
  priceMissing: 'price_missing',
  currencyMismatch: 'currency_mismatch',
  orderHasPayments: 'order_has_payments',
  notUnderReview: 'not_under_review',
  paymentOrderMismatch: 'payment_order_mismatch',
  sessionAlreadyOpen: 'session_already_open',
  noOpenSession: 'no_open_session',
  notYourSession: 'not_your_session',
} as const;

/** Defaults of sales.settings when a tenant has no row. */
export const DEFAULT_CASHIER_MAX_DISCOUNT_PERCENT = 10;
export const DEFAULT_CASH_ROUNDING_INCREMENT = 0;

// ---------------------------------------------------------------- building blocks

export const Id = z.uuid('must be a UUID');
const Text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const ts = z.string().describe('ISO 8601 timestamp');
/** ?flag=true|false|1|0 */
const QueryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const Money = z.object({
  amount: z.number().int('must be integer minor units').min(0, 'must not be negative').max(1e13, 'is too large'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO 4217 code such as USD'),
});
export type Money = z.infer<typeof Money>;
/** Money in responses: signed where the field can be (rounding). */
export const MoneyDto = z.object({ amount: z.number().int(), currency: z.string() });
export type MoneyDto = z.infer<typeof MoneyDto>;

/**
 * A discount with its reason. `amount`: minor units off the whole line (or order). `percent`:
 * basis points, 1 % = 100, 12.5 % = 1250, at most 10 000 (see packages/domain/src/cart.ts).
 */
export const DiscountInput = z
  .object({
    type: z.enum(['amount', 'percent']),
    value: z.number().int('must be a whole number (minor units, or basis points for percent)').min(0, 'must not be negative').max(1e13),
    reason: Text(200),
  })
  .refine((d) => d.type !== 'percent' || d.value <= BASIS_POINTS, { message: `a percent discount is in basis points: at most ${BASIS_POINTS} (100 %)`, path: ['value'] });
export type DiscountInput = z.infer<typeof DiscountInput>;

const SerialList = z.array(Text(100)).max(10_000);

export const CustomLineInput = z.object({
  name: Text(200),
  unit_price: Money,
  /** default: taxed when tax_code_id is given; `true` needs tax_code_id */
  taxable: z.boolean().optional(),
  tax_code_id: Id.nullish(),
});

export const OrderLineCreate = z
  .object({
    /** client line id (offline tills); minted by the server otherwise */
    id: Id.optional(),
    variant_id: Id.optional(),
    quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1,000,000'),
    /** the price the till rang; only kept for sales captured offline (see price lock) */
    unit_price: Money.optional(),
    serial_numbers: SerialList.optional(),
    discount: DiscountInput.nullish(),
    /** a custom-amount line (no variant); needs sales.custom_line */
    custom: CustomLineInput.optional(),
  })
  .superRefine((l, ctx) => {
    if (!l.variant_id && !l.custom) ctx.addIssue({ code: 'custom', path: ['variant_id'], message: 'give a variant_id, or custom for a custom-amount line' });
    if (l.variant_id && l.custom) ctx.addIssue({ code: 'custom', path: ['custom'], message: 'must be left out when variant_id is given' });
  });
export type OrderLineCreate = z.infer<typeof OrderLineCreate>;

const Lines = z.array(OrderLineCreate).min(1, 'must have at least one line').max(500, 'must have at most 500 lines');

export const OrderCreate = z.object({
  /** client-minted UUIDv7 (offline tills); a resend with the same content returns the order */
  id: Id.optional(),
  /** the till's own number for offline sales: must carry its register's prefix (S1-R2-000042) */
  number: z.string().trim().regex(/^S\d+-(R\d+|W)-\d{6,}$/, 'must look like S1-R2-000042').optional(),
  store_id: Id,
  register_id: Id.nullish(),
  customer_id: Id.nullish(),
  lines: Lines,
  order_discount: DiscountInput.nullish(),
  /** when the till rang the sale while offline; its prices are checked against that instant */
  captured_offline_at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 timestamp with an offset' }).nullish(),
  note: z.string().trim().max(500).nullish(),
});
export type OrderCreate = z.input<typeof OrderCreate>;
export type OrderCreateParsed = z.output<typeof OrderCreate>;

export const OrderUpdate = z
  .object({
    lines: Lines.optional(),
    order_discount: DiscountInput.nullish(),
    customer_id: Id.nullish(),
    note: z.string().trim().max(500).nullish(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'send at least one field to change');
export type OrderUpdate = z.output<typeof OrderUpdate>;

export const ParkBody = z.object({ reason: z.string().trim().max(200).optional() }).optional();
export const ReviewBody = z.object({ note: Text(500) });

// ---------------------------------------------------------------- payments summary (from payments)

/** Payments' PaymentSummary as sales stores it per payment: a UUID payment id, gift card refs kept as stored. */
export const PaymentSummary = PaymentsSummary.extend({
  payment_id: Id,
  gift_card: z.looseObject({ last4: z.string() }).nullable(),
})
  // payments' contract names its own 'PaymentSummary'; one OpenAPI component per id
  .meta({ id: 'OrderPayment' });
export type PaymentSummary = z.infer<typeof PaymentSummary>;

// ---------------------------------------------------------------- orders

export const TaxLineDto = z.object({ rate_id: z.string(), name: z.string(), rate_ppm: z.number().int(), amount: MoneyDto });
export const DiscountDto = z.object({ type: z.enum(['amount', 'percent']), value: z.number().int(), reason: z.string() });

export const OrderLineDto = z
  .object({
    id: z.string(),
    variant_id: z.string().nullable(),
    sku: z.string().nullable(),
    name: z.string(),
    options: z.record(z.string(), z.string()),
    quantity: z.number().int(),
    unit_price: MoneyDto,
    price_source: z.enum(PRICE_SOURCES),
    /** 'store' or 'base': the price version used */
    price_version_source: z.string().nullable(),
    price_valid_from: ts.nullable(),
    tax_code_id: z.string().nullable(),
    serial_numbers: z.array(z.string()),
    discount: DiscountDto.nullable(),
    /** the line's own discount */
    line_discount: MoneyDto,
    /** its share of the order discount */
    order_discount_share: MoneyDto,
    discount_total: MoneyDto,
    tax_lines: z.array(TaxLineDto),
    tax_total: MoneyDto,
    total: MoneyDto,
  })
  .meta({ id: 'OrderLine' });
export type OrderLineDto = z.infer<typeof OrderLineDto>;

export const OrderDto = z
  .object({
    id: z.string(),
    number: z.string(),
    /** the number the till printed, when another order already had it and the sale was renumbered */
    till_number: z.string().nullable(),
    status: z.enum(ORDER_STATUSES),
    store_id: z.string(),
    register_id: z.string().nullable(),
    session_id: z.string().nullable(),
    cashier_id: z.string().nullable(),
    customer_id: z.string().nullable(),
    parked: z.boolean(),
    captured_offline_at: ts.nullable(),
    needs_review: z.boolean(),
    review_reasons: z.array(z.string()),
    review: z.object({ by: z.string().nullable(), at: ts, note: z.string() }).nullable(),
    currency: z.string(),
    prices_include_tax: z.boolean(),
    lines: z.array(OrderLineDto),
    order_discount: DiscountDto.nullable(),
    /** Σ unit price × quantity, as priced (with tax when prices include tax) */
    subtotal: MoneyDto,
    discount_total: MoneyDto,
    tax_total: MoneyDto,
    total: MoneyDto,
    tip_total: MoneyDto,
    /** signed: what cash rounding added (Σ of captured cash payments') */
    cash_rounding: MoneyDto,
    amount_paid: MoneyDto,
    /** total + cash_rounding − amount_paid, never negative */
    amount_due: MoneyDto,
    change_due: MoneyDto,
    /** the tenant's cash rounding increment in minor units (0: none), so a till can round cash due */
    cash_rounding_increment: z.number().int(),
    tax_breakdown: z.array(z.object({ rate_id: z.string(), name: z.string(), rate_ppm: z.number().int(), taxable: MoneyDto, tax: MoneyDto })),
    payments: z.array(PaymentSummary),
    note: z.string().nullable(),
    void_reason: z.string().nullable(),
    receipt_prints: z.number().int(),
    created_at: ts,
    updated_at: ts,
    completed_at: ts.nullable(),
    voided_at: ts.nullable(),
  })
  .meta({ id: 'Order' });
export type OrderDto = z.infer<typeof OrderDto>;

export const LastNumberDto = z
  .object({
    register_id: z.string(),
    /** S{store}-R{register} */
    prefix: z.string(),
    /** the counter: 0 before the register's first order */
    last_value: z.number().int(),
    /** the highest order number given on the register, e.g. S1-R2-000042; null before its first */
    last_number: z.string().nullable(),
  })
  .meta({ id: 'RegisterLastNumber' });
export type LastNumberDto = z.infer<typeof LastNumberDto>;

export const TransitionDto = z.object({
  id: z.string(),
  action: z.string(),
  from_status: z.string().nullable(),
  to_status: z.string(),
  reason: z.string().nullable(),
  actor_kind: z.string(),
  actor_id: z.string().nullable(),
  at: ts,
});
export type TransitionDto = z.infer<typeof TransitionDto>;

export const OrdersQuery = z.object({
  store_id: Id.optional(),
  register_id: Id.optional(),
  session_id: Id.optional(),
  status: z.enum(ORDER_STATUSES).optional(),
  parked: QueryBool.optional(),
  needs_review: QueryBool.optional(),
  /** order number, or its beginning */
  q: z.string().trim().min(1).max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});
export type OrdersQuery = z.output<typeof OrdersQuery>;

/**
 * `order.completed`: what inventory (OrderCompletedPayload: sale movements, serials sold), catalog
 * (ever sold) and loyalty need. Custom lines (no variant) are left out of `lines`.
 */
export const OrderCompletedEvent = z.object({
  order_id: z.string(),
  number: z.string(),
  store_id: z.string(),
  register_id: z.string().nullable(),
  session_id: z.string().nullable(),
  customer_id: z.string().nullable(),
  cashier_id: z.string().nullable(),
  completed_at: ts,
  captured_offline_at: ts.nullable(),
  currency: z.string(),
  subtotal: z.number().int(),
  discount_total: z.number().int(),
  tax_total: z.number().int(),
  total: z.number().int(),
  tip_total: z.number().int(),
  lines: z.array(z.object({ line_id: z.string(), variant_id: z.string(), quantity: z.number().int(), serial_numbers: z.array(z.string()), total: z.number().int() })),
  payments: z.array(z.object({ payment_id: z.string(), tender: z.enum(TENDERS), applied: z.number().int() })),
});
export type OrderCompletedEvent = z.infer<typeof OrderCompletedEvent>;

// ---------------------------------------------------------------- settings

export const SettingsDto = z
  .object({
    cashier_max_discount_percent: z.number().int(),
    cash_rounding_increment: z.number().int(),
    /** the tenant's currency (identity) */
    currency: z.string(),
  })
  .meta({ id: 'SalesSettings' });
export type SettingsDto = z.infer<typeof SettingsDto>;
export const SettingsUpdate = z
  .object({
    cashier_max_discount_percent: z.number().int('must be a whole percent').min(0).max(100).optional(),
    cash_rounding_increment: z.number().int('must be whole minor units').min(0).max(100_000).optional(),
  })
  .refine((v) => v.cashier_max_discount_percent !== undefined || v.cash_rounding_increment !== undefined, 'send at least one field to change');

// ---------------------------------------------------------------- drawer sessions

export const SessionOpen = z.object({ opening_float: Money });
export const Denomination = z.object({
  /** face value in minor units: 2000 = a 20 note, 25 = a quarter */
  denomination: z.number().int('must be whole minor units').min(1).max(1e9),
  count: z.number().int('must be a whole number').min(0).max(1_000_000),
});
export const SessionClose = z
  .object({
    counted: z.array(Denomination).min(1).max(100).optional(),
    counted_total: Money.optional(),
    /** sales the till still holds offline: the close is warned about */
    unsynced_sales: z.number().int().min(0).max(1_000_000).optional(),
    note: z.string().trim().max(500).optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.counted === undefined) === (v.counted_total === undefined)) ctx.addIssue({ code: 'custom', path: ['counted'], message: 'give either counted (by denomination) or counted_total' });
  });
export type SessionClose = z.output<typeof SessionClose>;
export const CashMovementCreate = z.object({
  kind: z.enum(CASH_MOVEMENT_KINDS),
  amount: Money.refine((m) => m.amount > 0, { message: 'must be more than 0', path: ['amount'] }),
  reason: Text(200),
});
export type CashMovementCreate = z.output<typeof CashMovementCreate>;

export const SessionDto = z
  .object({
    id: z.string(),
    store_id: z.string(),
    register_id: z.string(),
    status: z.enum(['open', 'closed']),
    currency: z.string(),
    opening_float: MoneyDto,
    expected_cash: MoneyDto,
    counted_cash: MoneyDto.nullable(),
    counted_denominations: z.array(z.object({ denomination: z.number().int(), count: z.number().int() })).nullable(),
    variance: MoneyDto.nullable(),
    opened_by: z.string().nullable(),
    opened_at: ts,
    closed_by: z.string().nullable(),
    closed_at: ts.nullable(),
    unsynced_sales: z.number().int().nullable(),
  })
  .meta({ id: 'DrawerSession' });
export type SessionDto = z.infer<typeof SessionDto>;

export const CashMovementDto = z.object({
  id: z.string(),
  session_id: z.string(),
  kind: z.string(),
  amount: MoneyDto,
  order_id: z.string().nullable(),
  payment_id: z.string().nullable(),
  reason: z.string().nullable(),
  actor_id: z.string().nullable(),
  occurred_at: ts,
});
export type CashMovementDto = z.infer<typeof CashMovementDto>;

const Count = z.object({ count: z.number().int(), amount: MoneyDto });
export const SessionReportDto = z
  .object({
    /** X while the session is open, Z once closed */
    kind: z.enum(['X', 'Z']),
    generated_at: ts,
    session: SessionDto,
    orders: z.object({ completed: z.number().int(), open: z.number().int(), voided: z.number().int() }),
    gross_sales: MoneyDto,
    discounts: MoneyDto,
    tax: MoneyDto,
    net_sales: MoneyDto,
    tips: MoneyDto,
    cash_rounding: MoneyDto,
    refunds: Count,
    voids: Count,
    by_tender: z.array(z.object({ tender: z.enum(TENDERS), count: z.number().int(), amount: MoneyDto, tips: MoneyDto })),
    tax_breakdown: z.array(z.object({ rate_id: z.string(), name: z.string(), rate_ppm: z.number().int(), taxable: MoneyDto, tax: MoneyDto })),
    by_cashier: z.array(z.object({ cashier_id: z.string().nullable(), name: z.string().nullable(), orders: z.number().int(), total: MoneyDto })),
    cash: z.object({
      opening_float: MoneyDto,
      cash_sales: MoneyDto,
      cash_refunds: MoneyDto,
      paid_in: MoneyDto,
      paid_out: MoneyDto,
      expected: MoneyDto,
      counted: MoneyDto.nullable(),
      variance: MoneyDto.nullable(),
    }),
  })
  .meta({ id: 'DrawerReport' });
export type SessionReportDto = z.infer<typeof SessionReportDto>;

export const CloseWarning = z.object({ code: z.string(), message: z.string(), count: z.number().int() });
export type CloseWarning = z.infer<typeof CloseWarning>;
export const SessionCloseResult = z.object({ session: SessionDto, report: SessionReportDto, warnings: z.array(CloseWarning) });
export const SessionsQuery = z.object({
  register_id: Id.optional(),
  store_id: Id.optional(),
  status: z.enum(['open', 'closed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});
export type SessionsQuery = z.output<typeof SessionsQuery>;
