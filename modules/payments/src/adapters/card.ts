import { AppError } from '@novapos/platform';
import type { ApiError, Charge } from '@novapos/sandbox';
import { PaymentErrors } from '../contract.ts';
import { readSettings } from '../settings.service.ts';
import type { PaymentPatch } from '../payments.repository.ts';
import type { CallResult } from '../processor.client.ts';
import type { PaymentRow } from '../tables.ts';
import type { Outcome, TenderAdapter } from './types.ts';

/** What the cashier reads on a decline: what happened and what to do next. */
const CASHIER_MESSAGES: Record<string, string> = {
  card_declined: 'Card declined. Ask for another card or another way to pay.',
  insufficient_funds: 'Declined: insufficient funds. Ask for another card or another way to pay.',
  processing_error: 'The card could not be processed. Try again, or take another tender.',
  expired_card: 'The card has expired. Ask for another card.',
  incorrect_number: 'The card number was not accepted. Present the card again.',
  invalid_cvc: 'The security code was not accepted. Present the card again.',
  card_not_supported: 'This card type is not accepted. Ask for another card.',
  token_already_used: 'This card read was used already. Present the card again.',
  resource_missing: 'The card read was not recognised. Present the card again.',
  encrypted_card_invalid: 'The card stored offline could not be read by the processor. Ask the customer for another payment.',
};
const messageFor = (code: string, fallback: string) => CASHIER_MESSAGES[code] ?? fallback;

/** Card errors that mean "the bank said no" (declined); anything else the processor refuses failed. */
const DECLINE_CODES = new Set(['card_declined', 'insufficient_funds', 'expired_card', 'incorrect_number', 'invalid_cvc', 'invalid_expiry_month', 'invalid_expiry_year', 'card_not_supported']);

export const tipOf = (amount: number, tip: { amount: number } | { percent: number } | undefined): number => {
  if (!tip) return 0;
  if ('amount' in tip) return tip.amount;
  // percent with up to two decimals, as basis points; half up (amounts are positive)
  return Math.round((amount * Math.round(tip.percent * 100)) / 10_000);
};

const cardFields = (c: Pick<Charge, 'id' | 'card' | 'approval_code'>): PaymentPatch => ({
  processor_reference: c.id,
  card_brand: c.card.brand,
  card_last4: c.card.last4,
  approval_code: c.approval_code,
});

/** A charge as the processor holds it, as our status. */
export function fromCharge(c: Charge, row: PaymentRow): Outcome {
  const base = cardFields(c);
  switch (c.status) {
    case 'succeeded':
    case 'partially_refunded':
    case 'refunded':
      return { to: 'captured', reason: 'approved by the processor', patch: { ...base, applied: row.amount - row.tip, card_token: null, encrypted_card: null, decline_code: null, message: null } };
    case 'authorized':
      return { to: 'authorized', reason: 'authorized by the processor', patch: { ...base, applied: row.amount - row.tip } };
    case 'voided':
      return { to: 'voided', reason: 'voided at the processor', patch: { ...base, card_token: null, encrypted_card: null } };
    case 'failed': {
      const code = c.failure_code ?? 'card_declined';
      const to = DECLINE_CODES.has(code) ? 'declined' : 'failed';
      return { to, reason: `${to} by the processor: ${code}`, patch: { ...base, applied: 0, card_token: null, encrypted_card: null, decline_code: code, message: messageFor(code, c.failure_message ?? 'Card not accepted.') } };
    }
  }
}

function fromError(error: ApiError, row: PaymentRow): Outcome {
  if (error.charge) return fromCharge(error.charge, row);
  const code = error.decline_code ?? error.code;
  const to = DECLINE_CODES.has(code) ? 'declined' : 'failed';
  return { to, reason: `${to} by the processor: ${code}`, patch: { applied: 0, card_token: null, encrypted_card: null, decline_code: code, message: messageFor(code, error.message) } };
}

function fromChargeCall(r: CallResult<Charge>, row: PaymentRow): Outcome {
  switch (r.kind) {
    case 'ok':
      return fromCharge(r.value, row);
    case 'error':
      // the key was used before for another request: a charge may exist under it; the reconciler asks
      if (r.error.code === 'idempotency_key_reused') return { to: 'unknown', reason: 'processor refused the idempotency key as reused', patch: { message: 'Checking with the card processor.' } };
      return fromError(r.error, row);
    case 'unknown':
      return { to: 'unknown', reason: r.message, patch: { message: 'No answer from the card processor yet: do not charge again; the payment is being checked.' } };
    case 'unreachable':
      return { to: 'failed', reason: r.message, patch: { applied: 0, card_token: null, decline_code: 'processor_unavailable', message: 'The card processor cannot be reached. Take another tender or try again.' } };
  }
}

/**
 * Card: the server charges the one-use token the terminal screen got from the processor, with
 * capture, under the payment's idempotency key. `amount` is what pays the order; a tip is charged
 * on top and is not applied to the order.
 */
export const cardAdapter: TenderAdapter = {
  tender: 'card',
  async begin(ctx, _deps, draft, body) {
    const tip = tipOf(draft.amount, body.tip);
    if (body.offline) {
      // store and forward puts the risk of a decline on the merchant: only as far as the tenant allows
      const s = await readSettings(ctx.trx);
      if (!s.offline_card_enabled) {
        throw new AppError(422, PaymentErrors.offlineCardDisabled, 'Offline card payments are turned off for this business (payments settings: offline_card_enabled)', {
          errors: [{ path: 'offline', message: 'offline card payments are not enabled' }],
        });
      }
      if (draft.amount + tip > s.offline_card_payment_cap) {
        throw new AppError(422, PaymentErrors.offlineCardCapExceeded, `An offline card payment may be at most ${s.offline_card_payment_cap} (tip included); this one is ${draft.amount + tip}`, {
          errors: [{ path: 'amount.amount', message: `must be at most ${s.offline_card_payment_cap} with the tip for an offline card payment` }],
          extra: { per_payment_cap: s.offline_card_payment_cap },
        });
      }
    }
    return {
      row: {
        ...draft, tip, amount: draft.amount + tip, requested: draft.amount + tip, applied: draft.amount,
        card_token: body.offline ? null : (body.token ?? null),
        encrypted_card: body.offline ? (body.encrypted_card ?? null) : null,
      },
      reason: body.offline ? 'offline card payment stored, to be charged by the processor' : 'card payment started',
    };
  },

  async execute(deps, row) {
    // asked again while unknown: look the charge up under the key, never send it again
    if (row.status === 'unknown') {
      const found = await deps.processor.findCharge(row.idempotency_key);
      return found.kind === 'ok' && found.value ? fromCharge(found.value, row) : null;
    }
    if (row.status !== 'pending' || (!row.card_token && !row.encrypted_card)) return null;
    const r = await deps.processor.charge({
      amount: row.amount,
      currency: row.currency.trim(),
      ...(row.card_token ? { token: row.card_token } : { encryptedCard: row.encrypted_card! }),
      idempotencyKey: row.idempotency_key,
      metadata: { payment_id: row.id, order_id: row.order_id },
    });
    // an offline card cannot be presented again: it stays pending, to be charged on the next
    // attempt (the till's next push) or by the reconciler, under the same key
    if (r.kind === 'unreachable' && row.encrypted_card) return null;
    return fromChargeCall(r, row);
  },

  async reconcile(deps, row) {
    const r = await deps.processor.findCharge(row.idempotency_key);
    if (r.kind !== 'ok') return null;
    if (r.value === null) {
      // a stored offline card never reached the processor: we hold all it needs, so charge it now
      // (same key: a till pushing it at the same moment gets the same charge)
      if (row.encrypted_card && row.status === 'pending') {
        const charged = await cardAdapter.execute!(deps, row);
        return charged ? { ...charged, reason: `reconciled: ${charged.reason}` } : null;
      }
      // the request never reached the processor, and it never will: we do not send it again
      return { to: 'failed', reason: 'reconciled: the processor has no charge under this key', patch: { applied: 0, card_token: null, decline_code: 'not_processed', message: 'The card was not charged. Take the payment again.' } };
    }
    const outcome = fromCharge(r.value, row);
    return { ...outcome, reason: `reconciled: ${outcome.reason}` };
  },

  async voidAtProcessor(deps, row) {
    if (!row.processor_reference) throw new Error(`card payment ${row.id} has no charge to void`);
    const key = `${row.idempotency_key}-void`;
    // an authorization is voided; a captured charge is refunded in full (the processor's void)
    if (row.status === 'authorized') {
      const r = await deps.processor.voidCharge(row.processor_reference, key);
      if (r.kind === 'ok' || (r.kind === 'error' && r.error.code === 'charge_not_voidable' && (await alreadyVoided(deps, row.processor_reference)))) return {};
      throw processorRefused(r);
    }
    const r = await deps.processor.refund({ charge: row.processor_reference, amount: row.amount, reason: 'payment voided', idempotencyKey: key });
    if (r.kind === 'ok') return { processor_void_reference: r.value.id };
    throw processorRefused(r);
  },
};

async function alreadyVoided(deps: Parameters<NonNullable<TenderAdapter['voidAtProcessor']>>[0], chargeId: string): Promise<boolean> {
  const r = await deps.processor.getCharge(chargeId);
  return r.kind === 'ok' && r.value.status === 'voided';
}

export class ProcessorRefusal extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

function processorRefused(r: CallResult<unknown>): ProcessorRefusal {
  if (r.kind === 'error') return new ProcessorRefusal(`the processor refused: ${r.error.code} (${r.error.message})`, false);
  if (r.kind === 'ok') return new ProcessorRefusal('unexpected processor answer', false);
  return new ProcessorRefusal(r.message, true);
}
