import { z } from 'zod';
import { defineRoute, pageOf, validateKey, type AnyRouteDef, type Kernel } from '@novapos/platform';
import {
  ActivitiesQuery,
  GiftCardActivityDto,
  GiftCardCodeParams,
  GiftCardDto,
  GiftCardFreeze,
  GiftCardIssue,
  GiftCardIssued,
  GiftCardLoad,
  Id,
  PaymentDetailDto,
  PaymentSettingsDto,
  PaymentSettingsPatch,
  TerminalConfigDto,
} from './contract.ts';
import type { PaymentsKeys } from './gift-card-code.ts';
import { giftCardActivities, giftCardBalance, issueGiftCard, loadGiftCard, setFrozen } from './gift-cards.service.ts';
import { getPaymentDetail } from './payments.service.ts';
import { patchSettings, readSettings } from './settings.service.ts';

const tags = ['payments'];
const giftTags = ['gift cards'];

export interface TerminalDeps {
  /** the processor as a till's browser reaches it */
  processorUrl: string;
  publishableKey: string;
}

export function paymentsRoutes(_kernel: Kernel, keys: PaymentsKeys, terminal: TerminalDeps): AnyRouteDef[] {
  return [
    // the till reads this while online and keeps it: tokenizing cards, encrypting them offline,
    // and the offline limits it must stay within
    defineRoute({
      method: 'GET', url: '/api/v1/payments/terminal', summary: "The card terminal's processor, publishable key and offline limits", tags,
      permission: 'payments.take', response: TerminalConfigDto,
      handler: async (ctx) => {
        const s = await readSettings(ctx.trx);
        return {
          processor_url: terminal.processorUrl,
          publishable_key: terminal.publishableKey,
          offline_card: { enabled: s.offline_card_enabled, per_payment_cap: s.offline_card_payment_cap, per_device_cap: s.offline_card_device_cap },
          offline_gift_card_limit: s.gift_card_offline_limit,
        };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/payments/settings', summary: 'Cash rounding, offline card and gift card limits', tags,
      permission: 'payments.settings', response: PaymentSettingsDto,
      handler: async (ctx) => readSettings(ctx.trx),
    }),
    defineRoute({
      method: 'PATCH', url: '/api/v1/payments/settings', summary: 'Change payment settings (fields left out stay as they are)', tags,
      permission: 'payments.settings', body: PaymentSettingsPatch, response: PaymentSettingsDto,
      handler: async (ctx, { body }) => patchSettings(ctx, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/payments/:id', summary: 'A payment with its state transitions', tags,
      permission: 'sales.read', params: z.object({ id: Id }), response: PaymentDetailDto,
      handler: async (ctx, { params }) => getPaymentDetail(ctx, params.id),
    }),

    // The issue route does its own idempotency: a replay must answer the card's code, which is
    // derived from the key rather than stored with the response.
    defineRoute({
      method: 'POST', url: '/api/v1/gift-cards', summary: 'Issue and activate a gift card with its first load (the full code is answered once)', tags: giftTags,
      permission: 'gift_cards.issue', idempotent: false, body: GiftCardIssue, response: GiftCardIssued,
      handler: async (ctx, { body, req, reply }) => {
        const key = validateKey(req.headers['idempotency-key']) ?? null;
        const { card, replayed } = await issueGiftCard(ctx, keys, body, key);
        if (replayed) void reply.header('idempotent-replayed', 'true');
        return card;
      },
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/gift-cards/:code/load', summary: 'Load more value onto a gift card', tags: giftTags,
      permission: 'gift_cards.issue', params: GiftCardCodeParams, body: GiftCardLoad, status: 200, response: GiftCardDto,
      handler: async (ctx, { params, body }) => loadGiftCard(ctx, keys, params.code, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/gift-cards/:code', summary: 'A gift card and its balance', tags: giftTags,
      permission: 'gift_cards.read', params: GiftCardCodeParams, response: GiftCardDto,
      handler: async (ctx, { params }) => giftCardBalance(ctx, keys, params.code),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/gift-cards/:code/activities', summary: 'The ledger of a gift card, newest first', tags: giftTags,
      permission: 'gift_cards.read', params: GiftCardCodeParams, query: ActivitiesQuery, response: pageOf(GiftCardActivityDto),
      handler: async (ctx, { params, query }) => giftCardActivities(ctx, keys, params.code, query),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/gift-cards/:code/freeze', summary: 'Freeze a gift card: it can no longer be redeemed or loaded', tags: giftTags,
      permission: 'gift_cards.manage', params: GiftCardCodeParams, body: GiftCardFreeze, status: 200, response: GiftCardDto,
      handler: async (ctx, { params, body }) => setFrozen(ctx, keys, params.code, true, body.reason ?? null),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/gift-cards/:code/unfreeze', summary: 'Unfreeze a gift card', tags: giftTags,
      permission: 'gift_cards.manage', params: GiftCardCodeParams, status: 200, response: GiftCardDto,
      handler: async (ctx, { params }) => setFrozen(ctx, keys, params.code, false, null),
    }),
  ];
}
