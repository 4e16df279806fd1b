import { cashRound } from '@novapos/domain';
import { readSettings } from '../settings.service.ts';
import type { TenderAdapter } from './types.ts';

/**
 * Cash: `amount` is what was handed over. When it settles the order, the amount due is first
 * rounded to the tenant's cash increment (the difference is this payment's `cash_rounding`);
 * applied is what it pays of that, the rest is change. Only cash may overpay.
 */
export const cashAdapter: TenderAdapter = {
  tender: 'cash',
  async begin(ctx, _deps, draft) {
    const { cash_rounding_increment: increment } = await readSettings(ctx.trx);
    const handed = draft.amount;
    const roundedDue = cashRound(draft.amount_due, increment);
    // rounding applies only to the cash that settles the sale; a part payment pays exact cents
    const settles = handed >= roundedDue;
    const applied = settles ? roundedDue : handed;
    return {
      row: {
        ...draft,
        status: 'captured',
        applied,
        change_due: handed - applied,
        cash_rounding: settles ? roundedDue - draft.amount_due : 0,
      },
      reason: 'cash tendered',
    };
  },
  async voidInTx() {
    // the drawer gives the cash back; the drawer bookkeeping follows the payment.voided event
  },
};
