import { AppError } from '@novapos/platform';
import { PaymentErrors } from '../contract.ts';
import { giftCardCodeHmac, isValidGiftCardCode } from '../gift-card-code.ts';
import { addToBalance, appendActivity, debitUpTo, findByHmac } from '../gift-cards.repository.ts';
import { who } from '../payments.repository.ts';
import { readSettings } from '../settings.service.ts';
import type { PaymentRow } from '../tables.ts';
import type { Begun, TenderAdapter } from './types.ts';

const declined = (draft: PaymentRow, code: string, message: string, extra: Partial<PaymentRow> = {}): Begun => ({
  row: { ...draft, ...extra, status: 'declined', amount: 0, applied: 0, decline_code: code, message },
  reason: `declined: ${code}`,
});

/**
 * In-house gift card: redeemed in the caller's transaction by an atomic delta. Asking for more than
 * the balance authorizes the balance (partial authorization): `amount`/`applied` say what was
 * taken, `requested` what was asked, and the rest goes on another tender.
 */
export const giftCardAdapter: TenderAdapter = {
  tender: 'gift_card',
  async begin(ctx, deps, draft, body) {
    const code = body.code!;
    if (!isValidGiftCardCode(code)) {
      throw new AppError(400, PaymentErrors.invalidGiftCardCode, 'This gift card code is not valid: its check digit does not match. Check the digits for a typo.', {
        errors: [{ path: 'code', message: 'check digit does not match' }],
      });
    }
    if (body.offline) {
      // a till offline redeems against the last balance it knew, up to what the tenant allows
      const { gift_card_offline_limit: limit } = await readSettings(ctx.trx);
      if (draft.requested > limit) {
        throw new AppError(422, PaymentErrors.offlineGiftCardLimitExceeded, limit === 0 ? 'Gift cards cannot be taken offline in this business (payments settings: gift_card_offline_limit)' : `An offline gift card payment may be at most ${limit}; this one is ${draft.requested}`, {
          errors: [{ path: 'amount.amount', message: `must be at most ${limit} for an offline gift card payment` }],
          extra: { offline_gift_card_limit: limit },
        });
      }
    }
    const last4 = code.slice(-4);
    const card = await findByHmac(ctx.trx, giftCardCodeHmac(deps.keys, ctx.tenantId, code));
    if (!card) return declined(draft, PaymentErrors.giftCardNotFound, 'No gift card has this code. Check the code or take another tender.', { gift_card_last4: last4 });
    const base = { gift_card_id: card.id, gift_card_last4: card.last4 };
    if (card.currency.trim() !== draft.currency) return declined(draft, PaymentErrors.currencyMismatch, `This gift card holds ${card.currency.trim()}.`, base);
    if (card.status === 'frozen') return declined(draft, PaymentErrors.giftCardFrozen, 'This gift card is frozen. Take another tender.', base);
    const at = ctx.clock.now();
    const taken = await debitUpTo(ctx.trx, ctx.tenantId, card.id, draft.requested, at);
    if (!taken) {
      // zero balance, or frozen meanwhile
      return declined(draft, 'insufficient_funds', 'This gift card has no balance left. Take another tender.', base);
    }
    await appendActivity(ctx.trx, { tenantId: ctx.tenantId, cardId: card.id, kind: 'redeem', amount: -taken.debited, balanceAfter: taken.balanceAfter, paymentId: draft.id, by: who(ctx.actor), at });
    const partial = taken.debited < draft.requested;
    return {
      row: {
        ...draft,
        ...base,
        status: 'captured',
        amount: taken.debited,
        applied: taken.debited,
        message: partial ? `Gift card covered ${taken.debited} of ${draft.requested}; take the rest on another tender.` : null,
      },
      reason: partial ? 'gift card redeemed in part (balance short)' : 'gift card redeemed',
      giftCardBalance: taken.balanceAfter,
    };
  },

  async voidInTx(ctx, _deps, row) {
    if (!row.gift_card_id || row.amount <= 0) return;
    const at = ctx.clock.now();
    // back on the card even if it was frozen since: the money is the customer's
    const balance = await addToBalance(ctx.trx, row.gift_card_id, row.amount, at, { evenIfFrozen: true });
    if (balance === undefined) throw new Error(`gift card ${row.gift_card_id} of payment ${row.id} vanished`);
    await appendActivity(ctx.trx, { tenantId: ctx.tenantId, cardId: row.gift_card_id, kind: 'void', amount: row.amount, balanceAfter: balance, paymentId: row.id, note: 'payment voided', by: who(ctx.actor), at });
  },
};
