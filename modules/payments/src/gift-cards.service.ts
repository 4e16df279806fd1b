import { AppError, decodeCursor, newId, toPage, type Ctx } from '@novapos/platform';
import { PaymentErrors, type GiftCardActivityDto, type GiftCardDto, type GiftCardIssued, type Money } from './contract.ts';
import { generateGiftCardCode, giftCardCodeForKey, giftCardCodeHmac, hashIdempotencyKey, isValidGiftCardCode, type PaymentsKeys } from './gift-card-code.ts';
import { addToBalance, appendActivity, findByHmac, insertCard, toActivity, toGiftCard } from './gift-cards.repository.ts';
import { t, who } from './payments.repository.ts';
import type { GiftCardRow } from './tables.ts';
import type { Selectable } from 'kysely';

export const invalidCode = () =>
  new AppError(400, PaymentErrors.invalidGiftCardCode, 'This gift card code is not valid: its check digit does not match. Check the digits for a typo.', {
    errors: [{ path: 'code', message: 'check digit does not match' }],
  });
export const giftCardNotFound = () => new AppError(404, PaymentErrors.giftCardNotFound, 'No gift card has this code');

/** The card a code names, or a 400 (typo) / 404 (no such card). */
export async function cardByCode(ctx: Ctx, keys: PaymentsKeys, code: string): Promise<Selectable<GiftCardRow>> {
  if (!isValidGiftCardCode(code)) throw invalidCode();
  const card = await findByHmac(ctx.trx, giftCardCodeHmac(keys, ctx.tenantId, code));
  if (!card) throw giftCardNotFound();
  return card;
}

/**
 * Issues and activates a card with its first load. `code` is a pre-printed card's; otherwise one
 * is made, derived from the Idempotency-Key when there is one so a retry answers the same card.
 */
export async function issueGiftCard(ctx: Ctx, keys: PaymentsKeys, body: { initial_amount: Money; code?: string | undefined }, idempotencyKey: string | null): Promise<{ card: GiftCardIssued; replayed: boolean }> {
  if (body.code !== undefined && !isValidGiftCardCode(body.code)) throw invalidCode();
  const code = body.code ?? (idempotencyKey ? giftCardCodeForKey(keys, ctx.tenantId, idempotencyKey) : generateGiftCardCode());
  const codeHmac = giftCardCodeHmac(keys, ctx.tenantId, code);
  const keyHash = idempotencyKey ? hashIdempotencyKey(`${idempotencyKey}\n${body.initial_amount.amount}\n${body.initial_amount.currency}`) : null;
  const at = ctx.clock.now();
  const by = who(ctx.actor);
  const inserted = await insertCard(ctx.trx, {
    tenant_id: ctx.tenantId,
    id: newId(),
    code_hmac: codeHmac,
    last4: code.slice(-4),
    currency: body.initial_amount.currency,
    balance: body.initial_amount.amount,
    status: 'active',
    issue_key_hash: keyHash,
    frozen_at: null,
    frozen_by: null,
    freeze_reason: null,
    created_by: ctx.actor.id,
    created_at: at,
    updated_at: at,
  });
  if (!inserted) {
    const existing = await findByHmac(ctx.trx, codeHmac);
    if (existing && keyHash && existing.issue_key_hash === keyHash) return { card: { ...toGiftCard(existing), code }, replayed: true };
    throw new AppError(409, PaymentErrors.giftCardExists, 'A gift card with this code was issued already; load it instead', { errors: [{ path: 'code', message: 'already issued' }] });
  }
  await appendActivity(ctx.trx, { tenantId: ctx.tenantId, cardId: inserted.id, kind: 'issue', amount: body.initial_amount.amount, balanceAfter: Number(inserted.balance), by, at });
  await ctx.emit('gift_card.issued', { gift_card_id: inserted.id, last4: inserted.last4, amount: body.initial_amount });
  return { card: { ...toGiftCard(inserted), code }, replayed: false };
}

export async function loadGiftCard(ctx: Ctx, keys: PaymentsKeys, code: string, body: { amount: Money; note?: string | undefined }): Promise<GiftCardDto> {
  const card = await cardByCode(ctx, keys, code);
  if (card.currency.trim() !== body.amount.currency) {
    throw new AppError(400, PaymentErrors.currencyMismatch, `This card holds ${card.currency.trim()}`, { errors: [{ path: 'amount.currency', message: `must be ${card.currency.trim()}` }] });
  }
  const at = ctx.clock.now();
  const balance = await addToBalance(ctx.trx, card.id, body.amount.amount, at);
  if (balance === undefined) throw frozen();
  await appendActivity(ctx.trx, { tenantId: ctx.tenantId, cardId: card.id, kind: 'load', amount: body.amount.amount, balanceAfter: balance, note: body.note ?? null, by: who(ctx.actor), at });
  await ctx.emit('gift_card.loaded', { gift_card_id: card.id, last4: card.last4, amount: body.amount, balance: { amount: balance, currency: body.amount.currency } });
  return toGiftCard({ ...card, balance, updated_at: at });
}

export const frozen = () => new AppError(409, PaymentErrors.giftCardFrozen, 'This gift card is frozen; a manager can unfreeze it');

export async function giftCardBalance(ctx: Ctx, keys: PaymentsKeys, code: string): Promise<GiftCardDto> {
  return toGiftCard(await cardByCode(ctx, keys, code));
}

export async function giftCardActivities(ctx: Ctx, keys: PaymentsKeys, code: string, q: { limit: number; cursor?: string | undefined }): Promise<{ data: GiftCardActivityDto[]; next_cursor: string | null }> {
  const card = await cardByCode(ctx, keys, code);
  let query = t(ctx.trx).selectFrom('payments.gift_card_activities').selectAll().where('gift_card_id', '=', card.id).orderBy('id', 'desc').limit(q.limit + 1);
  const after = decodeCursor(q.cursor);
  if (after) query = query.where('id', '<', String(after[0]));
  return toPage(await query.execute(), q.limit, (r) => toActivity(r, card.currency), (r) => [r.id]);
}

export async function setFrozen(ctx: Ctx, keys: PaymentsKeys, code: string, freeze: boolean, reason: string | null): Promise<GiftCardDto> {
  const card = await cardByCode(ctx, keys, code);
  const at = ctx.clock.now();
  const row = await t(ctx.trx)
    .updateTable('payments.gift_cards')
    .set(freeze ? { status: 'frozen', frozen_at: at, frozen_by: ctx.actor.id, freeze_reason: reason, updated_at: at } : { status: 'active', frozen_at: null, frozen_by: null, freeze_reason: null, updated_at: at })
    .where('id', '=', card.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (card.status !== row.status) await ctx.emit(freeze ? 'gift_card.frozen' : 'gift_card.unfrozen', { gift_card_id: card.id, last4: card.last4, reason });
  return toGiftCard(row);
}
