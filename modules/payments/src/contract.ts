import { z } from 'zod';

// ---------------------------------------------------------------- names and codes

export const TENDERS = ['cash', 'card', 'gift_card', 'crypto'] as const;
export type Tender = (typeof TENDERS)[number];

/**
 * `unknown`: the processor was asked and did not answer in time, so whether money moved is not
 * known yet; the reconciler asks it by idempotency key. `refunded` belongs to the returns issue.
 */
export const PAYMENT_STATUSES = ['pending', 'authorized', 'captured', 'declined', 'failed', 'voided', 'unknown', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Where each status may go next; a status missing from the map (or with no entries) is final. */
export const PAYMENT_TRANSITIONS: Record<PaymentStatus, readonly PaymentStatus[]> = {
  pending: ['authorized', 'captured', 'declined', 'failed', 'unknown', 'voided'],
  unknown: ['authorized', 'captured', 'declined', 'failed'],
  authorized: ['captured', 'voided', 'failed'],
  captured: ['voided', 'refunded'],
  declined: [],
  failed: [],
  voided: [],
  refunded: [],
};

export const FINAL_STATUSES: readonly PaymentStatus[] = PAYMENT_STATUSES.filter((s) => PAYMENT_TRANSITIONS[s].length === 0);

export const canTransition = (from: PaymentStatus, to: PaymentStatus): boolean => PAYMENT_TRANSITIONS[from].includes(to);

/** The statuses a payment may reach `to` from. */
export const sourcesOf = (to: PaymentStatus): PaymentStatus[] => PAYMENT_STATUSES.filter((s) => canTransition(s, to));

/** Every state change emits `payment.<status>` with `PaymentEventPayload`. */
export const PaymentEvents = {
  authorized: 'payment.authorized',
  captured: 'payment.captured',
  declined: 'payment.declined',
  failed: 'payment.failed',
  voided: 'payment.voided',
  unknown: 'payment.unknown',
  refunded: 'payment.refunded',
} as const;
export const eventFor = (status: PaymentStatus): string | null => (status === 'pending' ? null : `payment.${status}`);

export const GIFT_CARD_STATUSES = ['active', 'frozen'] as const;
export type GiftCardStatus = (typeof GIFT_CARD_STATUSES)[number];
export const GIFT_CARD_ACTIVITY_KINDS = ['issue', 'load', 'redeem', 'void', 'adjust'] as const;
export type GiftCardActivityKind = (typeof GIFT_CARD_ACTIVITY_KINDS)[number];

/** Stable codes of expected failures (problem+json `code`) and of declines (`decline_code`). */
export const PaymentErrors = {
  overpayment: 'overpayment',
  nothingDue: 'nothing_due',
  currencyMismatch: 'currency_mismatch',
  tipNotAllowed: 'tip_not_allowed',
  invalidTransition: 'invalid_transition',
  paymentIdConflict: 'payment_id_conflict',
  voidNotSupported: 'void_not_supported',
  processorUnavailable: 'processor_unavailable',
  invalidGiftCardCode: 'invalid_gift_card_code',
  giftCardNotFound: 'gift_card_not_found',
  giftCardFrozen: 'gift_card_frozen',
  giftCardExists: 'gift_card_exists',
  invalidSignature: 'invalid_signature',
  unknownCharge: 'unknown_charge',
  offlineCardDisabled: 'offline_card_disabled',
  offlineCardCapExceeded: 'offline_card_cap_exceeded',
  offlineCardDeviceCapExceeded: 'offline_card_device_cap_exceeded',
  offlineGiftCardLimitExceeded: 'offline_gift_card_limit_exceeded',
  offlineNotSupported: 'offline_not_supported',
} as const;

// ---------------------------------------------------------------- building blocks

export const Id = z.uuid('must be a UUID');
const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO 4217 code such as USD');
export const Money = z.object({
  amount: z.number().int('must be integer minor units').min(0, 'must not be negative').max(99_999_999, 'must be at most 99,999,999'),
  currency: Currency,
});
export type Money = z.infer<typeof Money>;
const PositiveMoney = Money.extend({ amount: Money.shape.amount.min(1, 'must be more than zero') });
const MoneyDto = z.object({ amount: z.number().int(), currency: z.string() });
const ts = z.string().describe('ISO 8601 timestamp');
const Page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});

/** 16 digits, spaces or dashes allowed between them (as printed on the card). */
export const GiftCardCode = z
  .string()
  .max(40)
  .transform((s) => s.replace(/[\s-]/g, ''))
  .refine((s) => /^\d{16}$/.test(s), 'must be 16 digits');

// ---------------------------------------------------------------- payments

export const Tip = z.union([
  PositiveMoney,
  z.strictObject({ percent: z.number().min(0, 'must not be negative').max(100, 'must be at most 100').multipleOf(0.01, 'at most two decimals') }),
]);
export type Tip = z.infer<typeof Tip>;

/**
 * The body of `POST /orders/:id/payments` and of each entry of `POST /checkout`'s `payments`.
 * cash: `amount` is what was handed over; every other tender: what is charged (tip on top).
 */
export const PaymentCreate = z
  .object({
    id: Id.optional(),
    tender: z.enum(TENDERS),
    amount: PositiveMoney,
    tip: Tip.optional(),
    /** card: the one-use token the terminal screen got from the processor (never a card number) */
    token: z.string().min(1).max(100).optional(),
    /** gift card: its 16-digit code */
    code: GiftCardCode.optional(),
    /**
     * Taken while the till was offline. card: store and forward, with `encrypted_card` instead of
     * a token (only when the tenant enabled it, within its caps); gift_card: within the tenant's
     * offline limit, redeemed against the balance when it reaches the server. Crypto needs the network.
     */
    offline: z.boolean().optional(),
    /** offline card: the card encrypted on the till to the processor's terminal key (NovaPOS cannot read it) */
    encrypted_card: z.string().min(1).max(1024).optional(),
  })
  .superRefine((b, ctx) => {
    const offlineCard = b.tender === 'card' && b.offline === true;
    if (b.tender === 'card' && !offlineCard && !b.token) ctx.addIssue({ code: 'custom', path: ['token'], message: 'a card payment needs the token from the card terminal' });
    if (offlineCard && !b.encrypted_card) ctx.addIssue({ code: 'custom', path: ['encrypted_card'], message: 'an offline card payment needs the card encrypted to the terminal key' });
    if (offlineCard && b.token) ctx.addIssue({ code: 'custom', path: ['token'], message: 'an offline card payment carries encrypted_card, not a token' });
    if (!offlineCard && b.encrypted_card !== undefined) ctx.addIssue({ code: 'custom', path: ['encrypted_card'], message: 'only an offline card payment carries encrypted_card' });
    if (b.tender === 'crypto' && b.offline) ctx.addIssue({ code: 'custom', path: ['offline'], message: 'a crypto payment needs the network' });
    if (b.tender === 'gift_card' && !b.code) ctx.addIssue({ code: 'custom', path: ['code'], message: 'a gift card payment needs the card code' });
    if (b.tip !== undefined && b.tender !== 'card') ctx.addIssue({ code: 'custom', path: ['tip'], message: 'tips are taken on card payments only' });
  })
  .meta({ id: 'PaymentCreate' });
export type PaymentCreate = z.input<typeof PaymentCreate>;
export type PaymentCreateParsed = z.output<typeof PaymentCreate>;

/** What `begin` is told by the caller (the checkout flow) besides the HTTP body. */
export interface BeginInput {
  /** the payment id (a till may mint it offline); default a new UUIDv7 */
  id?: string | undefined;
  order_id: string;
  store_id: string;
  register_id: string | null;
  currency: string;
  /** what is still due on the order (before this payment's cash rounding), minor units */
  amount_due: number;
  body: PaymentCreate | PaymentCreateParsed;
}

const CardDto = z.object({ brand: z.string(), last4: z.string(), approval_code: z.string().nullable() });
const GiftCardRefDto = z.object({ last4: z.string() });
const CryptoDto = z.object({ hosted_url: z.string().nullable(), charge_id: z.string().nullable() });

/** What sales keeps per payment (upserted by payment_id) and what every payment event carries. */
export const PaymentSummary = z
  .object({
    payment_id: z.string(),
    tender: z.enum(TENDERS),
    status: z.enum(PAYMENT_STATUSES),
    /** cash: handed over; others: charged, tip included */
    amount: MoneyDto,
    /** what counts toward the order: cash min(handed, due); card amount − tip */
    applied: MoneyDto,
    tip: MoneyDto,
    change_due: MoneyDto,
    /** signed minor units this cash payment added to the order (cash rounding) */
    cash_rounding: z.number().int(),
    card: CardDto.nullable(),
    gift_card: GiftCardRefDto.nullable(),
    crypto: CryptoDto.nullable(),
    decline_code: z.string().nullable(),
    message: z.string().nullable(),
    created_at: ts,
    updated_at: ts,
  })
  .meta({ id: 'PaymentSummary' });
export type PaymentSummary = z.infer<typeof PaymentSummary>;

export const PaymentDto = z
  .object({
    id: z.string(),
    order_id: z.string(),
    store_id: z.string(),
    register_id: z.string().nullable(),
    tender: z.enum(TENDERS),
    status: z.enum(PAYMENT_STATUSES),
    amount: MoneyDto,
    applied: MoneyDto,
    tip: MoneyDto,
    change_due: MoneyDto,
    cash_rounding: z.number().int(),
    /** what the cashier asked for (a gift card may authorize less: `partial`) */
    requested: MoneyDto,
    partial: z.boolean(),
    card: CardDto.nullable(),
    gift_card: GiftCardRefDto.extend({ balance: MoneyDto.nullable() }).nullable(),
    crypto: CryptoDto.extend({ expires_at: ts.nullable() }).nullable(),
    decline_code: z.string().nullable(),
    message: z.string().nullable(),
    /** the processor's charge id (refunds and voids go through it) */
    processor_reference: z.string().nullable(),
    /** taken while the till was offline (card: stored and forwarded, charged when it synced) */
    offline: z.boolean(),
    created_at: ts,
    updated_at: ts,
  })
  .meta({ id: 'Payment' });
export type PaymentDto = z.infer<typeof PaymentDto>;

export const TransitionDto = z.object({
  from: z.enum(PAYMENT_STATUSES).nullable(),
  to: z.enum(PAYMENT_STATUSES),
  reason: z.string(),
  actor_kind: z.string(),
  actor_id: z.string().nullable(),
  at: ts,
});
export type TransitionDto = z.infer<typeof TransitionDto>;
export const PaymentDetailDto = PaymentDto.extend({ transitions: z.array(TransitionDto) }).meta({ id: 'PaymentDetail' });
export type PaymentDetailDto = z.infer<typeof PaymentDetailDto>;

/** `payment.<status>` events. */
export const PaymentEventPayload = z.object({ order_id: z.string(), payment: PaymentSummary });
export type PaymentEventPayload = z.infer<typeof PaymentEventPayload>;

export const VoidBody = z.object({ reason: z.string().trim().min(1).max(500) });

// ---------------------------------------------------------------- settings

export const PaymentSettingsDto = z
  .object({
    /** cash is rounded to this many minor units when it settles the order (0 = none, 5 = 0.05) */
    cash_rounding_increment: z.number().int(),
    /** store-and-forward: cards taken while the till is offline, charged when it is back */
    offline_card_enabled: z.boolean(),
    /** minor units per offline card payment */
    offline_card_payment_cap: z.number().int(),
    /** minor units of offline card payments one device may hold before it must sync */
    offline_card_device_cap: z.number().int(),
    /** minor units a till may redeem from a gift card while offline */
    gift_card_offline_limit: z.number().int(),
    updated_at: ts.nullable(),
  })
  .meta({ id: 'PaymentSettings' });
export type PaymentSettingsDto = z.infer<typeof PaymentSettingsDto>;

const Cap = z.number().int('must be integer minor units').min(0, 'must not be negative').max(99_999_999);
export const PaymentSettingsPatch = z.strictObject({
  cash_rounding_increment: z.number().int().min(0).max(10_000).optional(),
  offline_card_enabled: z.boolean().optional(),
  offline_card_payment_cap: Cap.optional(),
  offline_card_device_cap: Cap.optional(),
  gift_card_offline_limit: Cap.optional(),
});
export type PaymentSettingsPatch = z.infer<typeof PaymentSettingsPatch>;

/** What a till needs to take cards: where to tokenize, with which key, and what it may do offline. */
export const TerminalConfigDto = z
  .object({
    /** the processor as the browser reaches it (tokens, GET /v1/terminal/key) */
    processor_url: z.string(),
    publishable_key: z.string(),
    offline_card: z.object({ enabled: z.boolean(), per_payment_cap: z.number().int(), per_device_cap: z.number().int() }),
    /** minor units a till may redeem from a gift card while offline (0: not at all) */
    offline_gift_card_limit: z.number().int(),
  })
  .meta({ id: 'TerminalConfig' });
export type TerminalConfigDto = z.infer<typeof TerminalConfigDto>;

// ---------------------------------------------------------------- gift cards

export const GiftCardDto = z
  .object({
    id: z.string(),
    last4: z.string(),
    balance: MoneyDto,
    status: z.enum(GIFT_CARD_STATUSES),
    frozen_at: ts.nullable(),
    freeze_reason: z.string().nullable(),
    created_at: ts,
    updated_at: ts,
  })
  .meta({ id: 'GiftCard' });
export type GiftCardDto = z.infer<typeof GiftCardDto>;

/** The full code is answered once, when the card is issued; only an HMAC of it is stored. */
export const GiftCardIssued = GiftCardDto.extend({ code: z.string() }).meta({ id: 'GiftCardIssued' });
export type GiftCardIssued = z.infer<typeof GiftCardIssued>;

export const GiftCardIssue = z.strictObject({
  initial_amount: PositiveMoney,
  /** a pre-printed card's code; generated when absent */
  code: GiftCardCode.optional(),
});
export const GiftCardLoad = z.strictObject({ amount: PositiveMoney, note: z.string().trim().max(500).optional() });
export const GiftCardFreeze = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export const GiftCardCodeParams = z.object({ code: GiftCardCode });

export const GiftCardActivityDto = z
  .object({
    id: z.string(),
    kind: z.enum(GIFT_CARD_ACTIVITY_KINDS),
    /** signed: a redemption is negative */
    amount: MoneyDto,
    balance_after: MoneyDto,
    payment_id: z.string().nullable(),
    note: z.string().nullable(),
    actor_kind: z.string(),
    actor_id: z.string().nullable(),
    created_at: ts,
  })
  .meta({ id: 'GiftCardActivity' });
export type GiftCardActivityDto = z.infer<typeof GiftCardActivityDto>;
export const ActivitiesQuery = Page;

// ---------------------------------------------------------------- webhooks

export const WebhookAck = z.object({ received: z.boolean(), duplicate: z.boolean(), payment_id: z.string().nullable(), status: z.enum(PAYMENT_STATUSES).nullable() });
export type WebhookAck = z.infer<typeof WebhookAck>;
