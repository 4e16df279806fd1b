import { sql, type Selectable } from 'kysely';
import { newId, type Trx } from '@novapos/platform';
import type { GiftCardActivityDto, GiftCardActivityKind, GiftCardDto } from './contract.ts';
import { t, type Who } from './payments.repository.ts';
import type { GiftCardActivityRow, GiftCardRow } from './tables.ts';

const money = (amount: number, currency: string) => ({ amount: Number(amount), currency: currency.trim() });

export const toGiftCard = (r: Selectable<GiftCardRow>): GiftCardDto => ({
  id: r.id,
  last4: r.last4,
  balance: money(r.balance, r.currency),
  status: r.status,
  frozen_at: r.frozen_at?.toISOString() ?? null,
  freeze_reason: r.freeze_reason,
  created_at: r.created_at.toISOString(),
  updated_at: r.updated_at.toISOString(),
});

export const toActivity = (r: Selectable<GiftCardActivityRow>, currency: string): GiftCardActivityDto => ({
  id: r.id,
  kind: r.kind,
  amount: money(r.amount, currency),
  balance_after: money(r.balance_after, currency),
  payment_id: r.payment_id,
  note: r.note,
  actor_kind: r.actor_kind,
  actor_id: r.actor_id,
  created_at: r.created_at.toISOString(),
});

export async function findByHmac(trx: Trx, codeHmac: string): Promise<Selectable<GiftCardRow> | undefined> {
  return t(trx).selectFrom('payments.gift_cards').selectAll().where('code_hmac', '=', codeHmac).executeTakeFirst();
}

export async function findById(trx: Trx, id: string): Promise<Selectable<GiftCardRow> | undefined> {
  return t(trx).selectFrom('payments.gift_cards').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Inserts a new card, or nothing when its code exists already (no error: the transaction stays usable). */
export async function insertCard(trx: Trx, row: GiftCardRow): Promise<Selectable<GiftCardRow> | undefined> {
  return t(trx)
    .insertInto('payments.gift_cards')
    .values(row)
    .onConflict((oc) => oc.columns(['tenant_id', 'code_hmac']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export interface Activity {
  tenantId: string;
  cardId: string;
  kind: GiftCardActivityKind;
  amount: number;
  balanceAfter: number;
  paymentId?: string | null;
  note?: string | null;
  by: Who;
  at: Date;
}

export async function appendActivity(trx: Trx, a: Activity): Promise<Selectable<GiftCardActivityRow>> {
  return t(trx)
    .insertInto('payments.gift_card_activities')
    .values({
      tenant_id: a.tenantId,
      id: newId(),
      gift_card_id: a.cardId,
      kind: a.kind,
      amount: a.amount,
      balance_after: a.balanceAfter,
      payment_id: a.paymentId ?? null,
      note: a.note ?? null,
      actor_kind: a.by.kind,
      actor_id: a.by.id,
      created_at: a.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * `balance = balance + delta` in one statement (the check constraint keeps it ≥ 0); the new balance,
 * or undefined when the card is not active (unless `evenIfFrozen`, for re-credits).
 */
export async function addToBalance(trx: Trx, cardId: string, delta: number, at: Date, opts: { evenIfFrozen?: boolean } = {}): Promise<number | undefined> {
  let q = t(trx)
    .updateTable('payments.gift_cards')
    .set((eb) => ({ balance: eb('balance', '+', delta), updated_at: at }))
    .where('id', '=', cardId);
  if (!opts.evenIfFrozen) q = q.where('status', '=', 'active');
  const row = await q.returning('balance').executeTakeFirst();
  return row ? Number(row.balance) : undefined;
}

/**
 * Takes up to `want` off an active card in one statement: partial authorization takes what is
 * there. The row lock of the CTE makes concurrent redemptions queue, each seeing the balance the
 * one before left, so the balance never goes negative and never is read in JavaScript.
 */
export async function debitUpTo(trx: Trx, tenantId: string, cardId: string, want: number, at: Date): Promise<{ debited: number; balanceAfter: number } | undefined> {
  const res = await sql<{ debited: number; balance_after: number }>`
    with cur as (
      select id, balance from payments.gift_cards
      where tenant_id = ${tenantId} and id = ${cardId} and status = 'active' and balance > 0
      for update
    )
    update payments.gift_cards g
       set balance = g.balance - least(cur.balance, ${want}::bigint), updated_at = ${at}
      from cur
     where g.tenant_id = ${tenantId} and g.id = cur.id
    returning least(cur.balance, ${want}::bigint) as debited, g.balance as balance_after`.execute(trx);
  const row = res.rows[0];
  return row ? { debited: Number(row.debited), balanceAfter: Number(row.balance_after) } : undefined;
}
