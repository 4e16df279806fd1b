import type { Generated, Transaction } from 'kysely';
import type { GiftCardActivityKind, GiftCardStatus, PaymentStatus, Tender } from './contract.ts';

// bigint columns come back as numbers (platform type parser); amounts stay far below 2^53
export interface SettingsRow {
  tenant_id: string;
  cash_rounding_increment: number;
  offline_card_enabled: boolean;
  offline_card_payment_cap: number;
  offline_card_device_cap: number;
  gift_card_offline_limit: number;
  updated_at: Generated<Date>;
}

export interface PaymentRow {
  tenant_id: string;
  id: string;
  order_id: string;
  store_id: string;
  register_id: string | null;
  tender: Tender;
  status: PaymentStatus;
  currency: string;
  amount: number;
  requested: number;
  tip: number;
  applied: number;
  change_due: number;
  cash_rounding: number;
  amount_due: number;
  idempotency_key: string;
  card_token: string | null;
  processor_reference: string | null;
  processor_void_reference: string | null;
  card_brand: string | null;
  card_last4: string | null;
  approval_code: string | null;
  gift_card_id: string | null;
  gift_card_last4: string | null;
  crypto_hosted_url: string | null;
  crypto_expires_at: Date | null;
  decline_code: string | null;
  message: string | null;
  offline: boolean;
  /** offline card: the till's ciphertext until the charge is settled (only the processor can read it) */
  encrypted_card: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface TransitionRow {
  tenant_id: string;
  id: string;
  payment_id: string;
  from_status: PaymentStatus | null;
  to_status: PaymentStatus;
  reason: string;
  actor_kind: string;
  actor_id: string | null;
  at: Date;
}

export interface ChargeRefRow { processor_reference: string; tenant_id: string; payment_id: string }
export interface WebhookEventRow { event_id: string; tenant_id: string; type: string; processor_reference: string; received_at: Generated<Date> }

export interface GiftCardRow {
  tenant_id: string;
  id: string;
  code_hmac: string;
  last4: string;
  currency: string;
  balance: number;
  status: GiftCardStatus;
  issue_key_hash: string | null;
  frozen_at: Date | null;
  frozen_by: string | null;
  freeze_reason: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface GiftCardActivityRow {
  tenant_id: string;
  id: string;
  gift_card_id: string;
  kind: GiftCardActivityKind;
  amount: number;
  balance_after: number;
  payment_id: string | null;
  note: string | null;
  actor_kind: string;
  actor_id: string | null;
  created_at: Date;
}

export interface PaymentsTables {
  'payments.settings': SettingsRow;
  'payments.payments': PaymentRow;
  'payments.transitions': TransitionRow;
  'payments.charge_refs': ChargeRefRow;
  'payments.webhook_events': WebhookEventRow;
  'payments.gift_cards': GiftCardRow;
  'payments.gift_card_activities': GiftCardActivityRow;
}

export type PayTrx = Transaction<PaymentsTables>;
