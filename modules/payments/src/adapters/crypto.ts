import type { CryptoCharge } from '@novapos/sandbox';
import type { PaymentPatch } from '../payments.repository.ts';
import type { Outcome, TenderAdapter } from './types.ts';

const chargeFields = (c: CryptoCharge): PaymentPatch => ({
  processor_reference: c.id,
  crypto_hosted_url: c.hosted_url,
  crypto_expires_at: new Date(c.expires_at * 1000),
});

const EXPIRED_MESSAGE = 'The crypto checkout expired unpaid. Take another tender.';

/** A crypto charge as the processor holds it, as our status (null: still waiting for the customer). */
export function fromCryptoCharge(c: CryptoCharge, reason: string): Outcome {
  switch (c.status) {
    case 'paid':
      return { to: 'captured', reason: `${reason}: paid`, patch: { ...chargeFields(c), decline_code: null, message: null } };
    case 'expired':
      return { to: 'failed', reason: `${reason}: expired`, patch: { ...chargeFields(c), applied: 0, decline_code: 'expired', message: EXPIRED_MESSAGE } };
    case 'pending':
      return { to: null, reason: `${reason}: waiting for the customer`, patch: chargeFields(c) };
  }
}

/**
 * Crypto: a hosted checkout at the processor; the payment stays pending (the order open) until the
 * signed webhook says paid (captured) or expired (failed), or the reconciler asks.
 */
export const cryptoAdapter: TenderAdapter = {
  tender: 'crypto',
  async begin(_ctx, _deps, draft) {
    return { row: { ...draft, applied: draft.amount }, reason: 'crypto checkout started' };
  },

  async execute(deps, row) {
    if (row.status !== 'pending' || row.processor_reference) return null;
    const r = await deps.processor.createCryptoCharge({
      amount: row.amount,
      currency: row.currency.trim(),
      webhookUrl: deps.webhookUrl(),
      idempotencyKey: row.idempotency_key,
      metadata: { payment_id: row.id, order_id: row.order_id },
    });
    switch (r.kind) {
      case 'ok':
        return { to: null, reason: 'crypto checkout created', patch: chargeFields(r.value) };
      case 'unknown':
        // created or not, nobody can pay a checkout whose URL never reached the till; a retry of
        // execute (same key) gets the same checkout, the reconciler settles a forgotten one
        return null;
      default:
        return { to: 'failed', reason: `crypto checkout refused: ${r.kind === 'error' ? r.error.code : r.message}`, patch: { applied: 0, decline_code: 'processor_unavailable', message: 'The crypto checkout could not be created. Take another tender.' } };
    }
  },

  async reconcile(deps, row, stale) {
    if (row.processor_reference) {
      const r = await deps.processor.getCryptoCharge(row.processor_reference);
      return r.kind === 'ok' ? nonEmpty(fromCryptoCharge(r.value, 'reconciled')) : null;
    }
    if (!stale) return null;
    const r = await deps.processor.findCryptoCharge(row.idempotency_key);
    if (r.kind !== 'ok') return null;
    if (r.value === null) return { to: 'failed', reason: 'reconciled: the processor has no checkout under this key', patch: { applied: 0, decline_code: 'not_processed', message: 'The crypto checkout was never created. Take another tender.' } };
    return fromCryptoCharge(r.value, 'reconciled');
  },

  async voidInTx() {
    // a pending checkout is left to expire; a paid one cannot be voided (refused before this runs)
  },
};

const nonEmpty = (o: Outcome): Outcome | null => (o.to === null && o.patch.processor_reference ? null : o);
