import type { Ctx } from '@novapos/platform';
import type { Logger } from 'pino';
import type { PaymentCreateParsed, PaymentStatus, Tender } from '../contract.ts';
import type { PaymentsKeys } from '../gift-card-code.ts';
import type { PaymentPatch } from '../payments.repository.ts';
import type { ProcessorClient } from '../processor.client.ts';
import type { PaymentRow } from '../tables.ts';

export interface AdapterDeps {
  processor: ProcessorClient;
  keys: PaymentsKeys;
  /** Where the processor posts webhooks for this server; null when it is not known (no listener). */
  webhookUrl(): string | null;
  log: Logger;
}

/** What `begin` decided: the row to insert, its first status included, and why. */
export interface Begun {
  row: PaymentRow;
  reason: string;
  /** gift card: the balance left after this payment */
  giftCardBalance?: number;
}

/** What the processor said, applied as one transition (or, with `to: null`, as a patch alone). */
export interface Outcome {
  to: PaymentStatus | null;
  reason: string;
  patch: PaymentPatch;
}

/**
 * One tender. `begin` runs in the caller's transaction and settles what needs no processor (cash,
 * gift card); the rest runs outside any transaction, so no database connection or row lock is
 * held while a processor thinks.
 */
export interface TenderAdapter {
  readonly tender: Tender;
  /** Validates and fills the draft row (status pending, amounts as asked). */
  begin(ctx: Ctx, deps: AdapterDeps, draft: PaymentRow, body: PaymentCreateParsed): Promise<Begun>;
  /** Asks the processor to take the money; null: nothing to ask (already under way or settled). */
  execute?(deps: AdapterDeps, row: PaymentRow): Promise<Outcome | null>;
  /** Asks the processor what became of an unsettled payment; null: still open, ask later. */
  reconcile?(deps: AdapterDeps, row: PaymentRow, stale: boolean): Promise<Outcome | null>;
  /** Gives the money back at the processor before the payment is marked voided. */
  voidAtProcessor?(deps: AdapterDeps, row: PaymentRow): Promise<PaymentPatch>;
  /** Gives the money back in our own books, in the transaction that marks the payment voided. */
  voidInTx?(ctx: Ctx, deps: AdapterDeps, row: PaymentRow): Promise<void>;
}
