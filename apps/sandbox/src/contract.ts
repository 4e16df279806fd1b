// The sandbox's wire contract: request schemas, response shapes, error codes, test cards.
// Timestamps are unix seconds and amounts integer minor units, as card processors send them.
import { z } from 'zod';

export const DEFAULT_SECRET_KEY = 'sk_test_novapos';
export const DEFAULT_PUBLISHABLE_KEY = 'pk_test_novapos';
export const DEFAULT_WEBHOOK_SECRET = 'whsec_test_novapos';

/** The well-known test numbers, plus one that times out (408, as in Request Timeout). */
export const TEST_CARDS = {
  approve: '4242424242424242',
  decline: '4000000000000002',
  insufficientFunds: '4000000000009995',
  processingError: '4000000000000119',
  timeout: '4000000000000408',
} as const;

export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

export const CHARGE_STATUSES = ['succeeded', 'authorized', 'failed', 'voided', 'refunded', 'partially_refunded'] as const;
export type ChargeStatus = (typeof CHARGE_STATUSES)[number];

export const CRYPTO_CHARGE_STATUSES = ['pending', 'paid', 'expired'] as const;
export type CryptoChargeStatus = (typeof CRYPTO_CHARGE_STATUSES)[number];

export const WEBHOOK_EVENT_TYPES = ['crypto_charge.paid', 'crypto_charge.expired'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const MAX_AMOUNT = 99_999_999;
const amount = z.int().min(1).max(MAX_AMOUNT);
const currency = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO currency code')
  .transform((c) => c.toLowerCase());
const id = z.string().min(1).max(100);
// integers sent as numbers or numeric strings (form fields arrive as strings)
const intLike = z.union([z.int(), z.string().regex(/^\d{1,4}$/).transform(Number)]);

export const Metadata = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 keys');
export type Metadata = z.infer<typeof Metadata>;

export const TokenCreate = z.strictObject({
  number: z.string().max(32),
  exp_month: intLike,
  exp_year: intLike,
  cvc: z.string().max(8),
});
export type TokenCreate = z.infer<typeof TokenCreate>;

/**
 * A charge takes a one-use `token` (the terminal was online) or an `encrypted_card` (store and
 * forward: base64url of the RSA-OAEP-256 ciphertext of the card JSON under `GET /v1/terminal/key`).
 */
export const ChargeCreate = z
  .strictObject({
    amount,
    currency,
    token: id.optional(),
    encrypted_card: z.string().min(1).max(1024).optional(),
    capture: z.boolean().default(true),
    metadata: Metadata.default({}),
  })
  .refine((c) => (c.token === undefined) !== (c.encrypted_card === undefined), { message: 'give either token or encrypted_card', path: ['token'] });
export type ChargeCreate = z.infer<typeof ChargeCreate>;

export const ChargeCapture = z.strictObject({ amount: amount.optional() });
export type ChargeCapture = z.infer<typeof ChargeCapture>;

export const ChargeVoid = z.strictObject({});

export const RefundCreate = z.strictObject({
  charge: id,
  amount: amount.optional(),
  reason: z.string().min(1).max(200).optional(),
  metadata: Metadata.default({}),
});
export type RefundCreate = z.infer<typeof RefundCreate>;

const limit = z.coerce.number().int().min(1).max(100).default(100);
const keyFilter = z.string().min(1).max(255).optional();

export const ChargeListQuery = z.strictObject({ idempotency_key: keyFilter, limit });
export const RefundListQuery = z.strictObject({ idempotency_key: keyFilter, charge: id.optional(), limit });
export const CryptoChargeListQuery = z.strictObject({ idempotency_key: keyFilter, limit });

export const CryptoChargeCreate = z.strictObject({
  amount,
  currency,
  metadata: Metadata.refine((m) => m.webhook_url === undefined || /^https?:\/\/[^\s]+$/.test(m.webhook_url), {
    message: 'webhook_url must be an http(s) URL',
    path: ['webhook_url'],
  }).default({}),
  expires_in_seconds: z.int().min(1).max(86_400).default(900),
});
export type CryptoChargeCreate = z.infer<typeof CryptoChargeCreate>;

export const EventsQuery = z.strictObject({
  type: z.enum(WEBHOOK_EVENT_TYPES).optional(),
  charge: id.optional(),
  limit,
});

/** The public key tills encrypt offline card data to (a JWK WebCrypto imports as RSA-OAEP / SHA-256). */
export interface TerminalKey {
  object: 'terminal_key';
  kid: string;
  alg: 'RSA-OAEP-256';
  jwk: { kty: 'RSA'; n: string; e: string; alg: 'RSA-OAEP-256'; use: 'enc'; key_ops: ['encrypt']; kid: string };
}

export interface Token {
  id: string;
  object: 'token';
  card: { brand: CardBrand; last4: string; exp_month: number; exp_year: number };
  used: boolean;
  created: number;
}

export interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  currency: string;
  status: ChargeStatus;
  captured: boolean;
  card: { brand: CardBrand; last4: string };
  approval_code: string | null;
  failure_code: string | null;
  failure_message: string | null;
  idempotency_key: string;
  metadata: Metadata;
  created: number;
}

export interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  charge: string;
  currency: string;
  reason: string | null;
  status: 'succeeded';
  idempotency_key: string;
  metadata: Metadata;
  created: number;
}

export interface CryptoCharge {
  id: string;
  object: 'crypto_charge';
  amount: number;
  currency: string;
  status: CryptoChargeStatus;
  hosted_url: string;
  /** A made-up deposit address shown on the hosted page. */
  address: string;
  metadata: Metadata;
  idempotency_key: string;
  created: number;
  expires_at: number;
  paid_at: number | null;
  expired_at: number | null;
}

export interface WebhookEvent {
  id: string;
  object: 'event';
  type: WebhookEventType;
  created: number;
  data: { charge: CryptoCharge };
}

export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

export const ERROR_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'card_error',
  'idempotency_error',
  'api_error',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

/** Stable error codes; the HTTP status for each is fixed (see README). */
export const ERROR_CODES = {
  // 400
  parameter_invalid: 400,
  invalid_json: 400,
  idempotency_key_missing: 400,
  token_already_used: 400,
  amount_too_large: 400,
  /** the blob is not card data encrypted to this processor's terminal key */
  encrypted_card_invalid: 400,
  // 401
  invalid_api_key: 401,
  // 402: card errors
  incorrect_number: 402,
  invalid_expiry_month: 402,
  invalid_expiry_year: 402,
  expired_card: 402,
  invalid_cvc: 402,
  card_not_supported: 402,
  card_declined: 402,
  insufficient_funds: 402,
  processing_error: 402,
  // 404
  resource_missing: 404,
  // 409: the object is not in a state that allows this
  charge_already_captured: 409,
  charge_not_capturable: 409,
  charge_not_voidable: 409,
  charge_not_refundable: 409,
  crypto_charge_expired: 409,
  // 422: the key was first used with another request
  idempotency_key_reused: 422,
  // 500: injected by the fault controls
  sandbox_fault: 500,
} as const satisfies Record<string, number>;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface ApiError {
  type: ErrorType;
  code: ErrorCode;
  message: string;
  param?: string;
  /** On declines: same as `code`, as processors report it. */
  decline_code?: string;
  /** On card errors from a charge: the failed charge, already recorded. */
  charge?: Charge;
}

export interface ErrorBody {
  error: ApiError;
}
