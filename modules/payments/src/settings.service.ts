import type { Ctx, Trx } from '@novapos/platform';
import type { PaymentSettingsDto, PaymentSettingsPatch } from './contract.ts';
import { t } from './payments.repository.ts';

/** What a tenant gets until it changes something. */
export const DEFAULT_PAYMENT_SETTINGS: Omit<PaymentSettingsDto, 'updated_at'> = {
  cash_rounding_increment: 0,
  offline_card_enabled: false,
  offline_card_payment_cap: 10_000,
  offline_card_device_cap: 50_000,
  gift_card_offline_limit: 0,
};

export async function readSettings(trx: Trx): Promise<PaymentSettingsDto> {
  const row = await t(trx).selectFrom('payments.settings').selectAll().executeTakeFirst();
  if (!row) return { ...DEFAULT_PAYMENT_SETTINGS, updated_at: null };
  return {
    cash_rounding_increment: row.cash_rounding_increment,
    offline_card_enabled: row.offline_card_enabled,
    offline_card_payment_cap: Number(row.offline_card_payment_cap),
    offline_card_device_cap: Number(row.offline_card_device_cap),
    gift_card_offline_limit: Number(row.gift_card_offline_limit),
    updated_at: row.updated_at.toISOString(),
  };
}

export async function patchSettings(ctx: Ctx, patch: PaymentSettingsPatch): Promise<PaymentSettingsDto> {
  const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as PaymentSettingsPatch;
  const at = ctx.clock.now();
  // only the named fields are written: two concurrent patches of different fields both land
  await t(ctx.trx)
    .insertInto('payments.settings')
    .values({ tenant_id: ctx.tenantId, ...DEFAULT_PAYMENT_SETTINGS, ...changes, updated_at: at })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...changes, updated_at: at }))
    .execute();
  await ctx.emit('payments.settings_changed', { changes });
  return readSettings(ctx.trx);
}
