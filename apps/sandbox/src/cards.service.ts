// The card processor's books: tokens, charges and refunds, in memory. Every function returns
// plain copies, so a caller can never mutate the processor's state through a response.
import { checkCard, type CardScenario } from './cards.ts';
import type { Charge, ChargeCapture, ChargeCreate, ChargeStatus, Refund, RefundCreate, Token, TokenCreate } from './contract.ts';
import { fail, newApprovalCode, newId, ok, type Result } from './errors.ts';

interface StoredToken {
  token: Token;
  scenario: CardScenario;
}

export interface ChargeOutcome {
  charge: Charge;
  /** The timeout card: the charge is made, but its response must never reach the client. */
  withhold: boolean;
}

const DECLINES: Record<Exclude<CardScenario, 'approve' | 'timeout'>, string> = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
  processing_error: 'An error occurred while processing your card. Try again in a little bit.',
};

export interface CardServiceDeps {
  now: () => Date;
  timeoutCard: string;
}

export function createCardService({ now, timeoutCard }: CardServiceDeps) {
  const tokens = new Map<string, StoredToken>();
  const charges = new Map<string, Charge>();
  const chargeByKey = new Map<string, string>();
  const refunds = new Map<string, Refund>();
  const refundByKey = new Map<string, string>();
  const unix = () => Math.floor(now().getTime() / 1000);
  const copy = <T>(v: T): T => structuredClone(v);

  function refundable(charge: Charge): number {
    return charge.amount_captured - charge.amount_refunded;
  }

  return {
    createToken(input: TokenCreate): Result<Token> {
      const checked = checkCard(input, now(), timeoutCard);
      if (!checked.ok) return fail(checked.code, checked.message, { param: checked.param });
      const { brand, last4, exp_month, exp_year, scenario } = checked.card;
      // the number and CVC go no further than this function: only the outcome is kept
      const token: Token = { id: newId('tok'), object: 'token', card: { brand, last4, exp_month, exp_year }, used: false, created: unix() };
      tokens.set(token.id, { token, scenario });
      return ok(copy(token));
    },

    getToken(id: string): Result<Token> {
      const stored = tokens.get(id);
      return stored ? ok(copy(stored.token)) : fail('resource_missing', `No such token: '${id}'`, { param: 'id' });
    },

    createCharge(input: Omit<ChargeCreate, 'token'> & { token: string }, idempotencyKey: string): Result<ChargeOutcome> {
      const stored = tokens.get(input.token);
      if (!stored) return fail('resource_missing', `No such token: '${input.token}'`, { param: 'token' });
      if (stored.token.used) {
        return fail('token_already_used', 'You cannot use a token more than once.', { param: 'token' });
      }
      stored.token.used = true;
      const approved = stored.scenario === 'approve' || stored.scenario === 'timeout';
      const status: ChargeStatus = approved ? (input.capture ? 'succeeded' : 'authorized') : 'failed';
      const charge: Charge = {
        id: newId('ch'),
        object: 'charge',
        amount: input.amount,
        amount_captured: approved && input.capture ? input.amount : 0,
        amount_refunded: 0,
        currency: input.currency,
        status,
        captured: approved && input.capture,
        card: { brand: stored.token.card.brand, last4: stored.token.card.last4 },
        approval_code: approved ? newApprovalCode() : null,
        failure_code: approved ? null : stored.scenario,
        failure_message: approved ? null : DECLINES[stored.scenario as keyof typeof DECLINES],
        idempotency_key: idempotencyKey,
        metadata: input.metadata,
        created: unix(),
      };
      charges.set(charge.id, charge);
      chargeByKey.set(idempotencyKey, charge.id);
      if (!approved) {
        const code = stored.scenario as keyof typeof DECLINES;
        return fail(code, DECLINES[code], { decline_code: code, charge: copy(charge) });
      }
      return ok({ charge: copy(charge), withhold: stored.scenario === 'timeout' });
    },

    getCharge(id: string): Result<Charge> {
      const charge = charges.get(id);
      return charge ? ok(copy(charge)) : fail('resource_missing', `No such charge: '${id}'`, { param: 'id' });
    },

    /** By idempotency key (how a reconciler settles a timed-out request), else newest first. */
    listCharges(query: { idempotency_key?: string | undefined; limit: number }): Charge[] {
      if (query.idempotency_key !== undefined) {
        const id = chargeByKey.get(query.idempotency_key);
        const charge = id ? charges.get(id) : undefined;
        return charge ? [copy(charge)] : [];
      }
      return [...charges.values()].toReversed().slice(0, query.limit).map(copy);
    },

    capture(id: string, input: ChargeCapture): Result<Charge> {
      const charge = charges.get(id);
      if (!charge) return fail('resource_missing', `No such charge: '${id}'`, { param: 'id' });
      if (charge.captured) return fail('charge_already_captured', `Charge ${id} has already been captured.`);
      if (charge.status !== 'authorized') {
        return fail('charge_not_capturable', `Charge ${id} is ${charge.status} and cannot be captured.`);
      }
      const amount = input.amount ?? charge.amount;
      if (amount > charge.amount) {
        return fail('amount_too_large', `Capture amount (${amount}) exceeds the authorized amount (${charge.amount}).`, { param: 'amount' });
      }
      // a partial capture releases the rest of the authorization
      charge.amount_captured = amount;
      charge.captured = true;
      charge.status = 'succeeded';
      return ok(copy(charge));
    },

    void(id: string): Result<Charge> {
      const charge = charges.get(id);
      if (!charge) return fail('resource_missing', `No such charge: '${id}'`, { param: 'id' });
      if (charge.captured) return fail('charge_already_captured', `Charge ${id} has been captured; refund it instead.`);
      if (charge.status !== 'authorized') return fail('charge_not_voidable', `Charge ${id} is ${charge.status} and cannot be voided.`);
      charge.status = 'voided';
      return ok(copy(charge));
    },

    refund(input: RefundCreate, idempotencyKey: string): Result<Refund> {
      const charge = charges.get(input.charge);
      if (!charge) return fail('resource_missing', `No such charge: '${input.charge}'`, { param: 'charge' });
      if (!charge.captured) {
        return fail('charge_not_refundable', `Charge ${charge.id} is ${charge.status}; only captured charges can be refunded (void an authorization).`);
      }
      const left = refundable(charge);
      if (left <= 0) return fail('charge_not_refundable', `Charge ${charge.id} has already been refunded.`);
      const amount = input.amount ?? left;
      if (amount > left) {
        return fail('amount_too_large', `Refund amount (${amount}) is greater than the unrefunded amount on the charge (${left}).`, { param: 'amount' });
      }
      charge.amount_refunded += amount;
      charge.status = refundable(charge) === 0 ? 'refunded' : 'partially_refunded';
      const refund: Refund = {
        id: newId('re'),
        object: 'refund',
        amount,
        charge: charge.id,
        currency: charge.currency,
        reason: input.reason ?? null,
        status: 'succeeded',
        idempotency_key: idempotencyKey,
        metadata: input.metadata,
        created: unix(),
      };
      refunds.set(refund.id, refund);
      refundByKey.set(idempotencyKey, refund.id);
      return ok(copy(refund));
    },

    getRefund(id: string): Result<Refund> {
      const refund = refunds.get(id);
      return refund ? ok(copy(refund)) : fail('resource_missing', `No such refund: '${id}'`, { param: 'id' });
    },

    listRefunds(query: { idempotency_key?: string | undefined; charge?: string | undefined; limit: number }): Refund[] {
      let list = [...refunds.values()].toReversed();
      if (query.idempotency_key !== undefined) {
        const id = refundByKey.get(query.idempotency_key);
        list = list.filter((r) => r.id === id);
      }
      if (query.charge !== undefined) list = list.filter((r) => r.charge === query.charge);
      return list.slice(0, query.limit).map(copy);
    },

    stats() {
      const byStatus: Record<string, number> = {};
      const byKey: Record<string, number> = {};
      for (const c of charges.values()) {
        byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
        byKey[c.idempotency_key] = (byKey[c.idempotency_key] ?? 0) + 1;
      }
      const refundsByKey: Record<string, number> = {};
      for (const r of refunds.values()) refundsByKey[r.idempotency_key] = (refundsByKey[r.idempotency_key] ?? 0) + 1;
      let used = 0;
      for (const t of tokens.values()) if (t.token.used) used++;
      return {
        tokens: { created: tokens.size, used },
        charges: { count: charges.size, by_status: byStatus, by_idempotency_key: byKey },
        refunds: { count: refunds.size, by_idempotency_key: refundsByKey },
      };
    },
  };
}

export type CardService = ReturnType<typeof createCardService>;
