import type { Selectable } from 'kysely';
import type { Trx } from '@novapos/platform';
import type { Address, RegisterDto, StoreDto, TenantDto, UserDto } from './contract.ts';
import type { IdTrx, RegisterRow, StoreRow, TenantRow, UserRow } from './tables.ts';

/** Narrows the platform's untyped transaction to this module's tables. */
export const t = (trx: Trx): IdTrx => trx as unknown as IdTrx;

export const toTenant = (r: Selectable<TenantRow>): TenantDto => ({
  id: r.id,
  name: r.name,
  currency: r.currency,
  timezone: r.timezone,
  created_at: r.created_at.toISOString(),
});

export const toStore = (r: Selectable<StoreRow>): StoreDto => ({
  id: r.id,
  name: r.name,
  number: r.number,
  timezone: r.timezone,
  address: (r.address as Address | null) ?? null,
  created_at: r.created_at.toISOString(),
});

export const toRegister = (r: Selectable<RegisterRow>): RegisterDto => ({
  id: r.id,
  store_id: r.store_id,
  name: r.name,
  number: r.number,
  created_at: r.created_at.toISOString(),
});

export const toUser = (r: Selectable<UserRow>, storeIds: string[]): UserDto => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  status: r.status,
  store_ids: storeIds,
  pin_set: r.pin_hmac !== null,
  pin_locked: r.pin_locked_at !== null,
  created_at: r.created_at.toISOString(),
});

export async function findUser(trx: Trx, id: string): Promise<Selectable<UserRow> | undefined> {
  return t(trx).selectFrom('identity.users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Row lock for changes that must not race (role, PIN, deactivation). */
export async function lockUser(trx: Trx, id: string): Promise<Selectable<UserRow> | undefined> {
  return t(trx).selectFrom('identity.users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function storeIdsOf(trx: Trx, userIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows = await t(trx).selectFrom('identity.user_stores').select(['user_id', 'store_id']).where('user_id', 'in', userIds).orderBy('store_id').execute();
  for (const r of rows) out.get(r.user_id)?.push(r.store_id);
  return out;
}

export async function userDto(trx: Trx, row: Selectable<UserRow>): Promise<UserDto> {
  return toUser(row, (await storeIdsOf(trx, [row.id])).get(row.id) ?? []);
}
