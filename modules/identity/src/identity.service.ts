import { sql, type Selectable } from 'kysely';
import {
  AppError,
  can,
  conflict,
  decodeCursor,
  emit,
  forbidden,
  isUniqueViolation,
  isUuid,
  newId,
  notFound,
  scopeToSystem,
  scopeToTenant,
  toPage,
  type Actor,
  type Clock,
  type Ctx,
  type Db,
  type Trx,
} from '@novapos/platform';
import type { Logger } from 'pino';
import {
  IdentityEvents,
  ROLE_PERMISSIONS,
  ROLE_RANK,
  type Role,
  type RegisterDto,
  type SignupBody,
  type StoreDto,
  type UserCreate,
  type UserDto,
  type UserUpdate,
  type Address,
} from './contract.ts';
import { findUser, lockUser, storeIdsOf, t, toRegister, toStore, toTenant, toUser, userDto } from './identity.repository.ts';
import {
  ACCESS_TTL_SECONDS,
  PIN_ACCESS_TTL_SECONDS,
  REFRESH_TTL_DAYS,
  hashPassword,
  hashSecret,
  newRefreshSecret,
  parseRefreshToken,
  pinHmac,
  pinVerifier,
  sameHash,
  signAccess,
  verifyPassword,
  type Keys,
} from './secrets.ts';
import type { UserRow } from './tables.ts';

export interface IdentityDeps {
  keys: Keys;
  clock: Clock;
  log: Logger;
}

export const MAX_PIN_ATTEMPTS = 5;
/** Per account: 10 failures in 15 minutes. Per IP: the 101st failure in an hour is refused. */
export const ACCOUNT_FAILURE_LIMIT = { count: 10, minutes: 15 };
export const IP_FAILURE_LIMIT = { count: 100, minutes: 60 };

export function actorFor(user: Pick<UserRow, 'id' | 'role'>, storeIds: string[], registerId: string | null = null): Actor {
  const role = user.role as Role;
  return {
    kind: 'user',
    id: user.id,
    role,
    permissions: new Set(ROLE_PERMISSIONS[role]),
    // owners and admins reach every store; managers and cashiers only theirs
    storeIds: role === 'owner' || role === 'admin' ? null : storeIds,
    registerId,
  };
}

function canReachStore(actor: Actor, storeId: string): boolean {
  return actor.storeIds === null || actor.storeIds.includes(storeId);
}

// ---------------------------------------------------------------- tokens

export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

async function issueTokens(trx: Trx, deps: IdentityDeps, tenantId: string, userId: string, familyId: string | null, amr: string[]): Promise<IssuedTokens> {
  const now = deps.clock.now();
  const id = newId();
  const secret = newRefreshSecret();
  await t(trx)
    .insertInto('identity.refresh_tokens')
    .values({
      tenant_id: tenantId,
      id,
      family_id: familyId ?? id,
      user_id: userId,
      token_hash: hashSecret(secret),
      register_id: null,
      expires_at: new Date(now.getTime() + REFRESH_TTL_DAYS * 86_400_000),
      used_at: null,
      revoked_at: null,
    })
    .execute();
  return {
    access_token: await signAccess(deps.keys, { sub: userId, tid: tenantId, amr }, ACCESS_TTL_SECONDS, now),
    refresh_token: `${tenantId}.${id}.${secret}`,
    token_type: 'Bearer',
    expires_in: ACCESS_TTL_SECONDS,
  };
}

// ---------------------------------------------------------------- signup

export interface SignupResult extends IssuedTokens {
  tenant: ReturnType<typeof toTenant>;
  user: UserDto;
  store: StoreDto;
  register: RegisterDto;
}

/** Tenant, owner, first store and first register in the caller's one transaction. */
export async function signup(trx: Trx, deps: IdentityDeps, body: SignupBody & { store_name?: string; register_name?: string }): Promise<SignupResult> {
  const tenantId = newId();
  const userId = newId();
  const passwordHash = await hashPassword(body.password);
  await scopeToTenant(trx, tenantId);
  const db = t(trx);
  try {
    await db.insertInto('identity.login_emails').values({ email: body.email, tenant_id: tenantId, user_id: userId }).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw emailTaken();
    throw err;
  }
  const tenant = await db
    .insertInto('identity.tenants')
    .values({ id: tenantId, name: body.business_name, currency: body.currency, timezone: body.timezone, settings: {} })
    .returningAll()
    .executeTakeFirstOrThrow();
  const user = await db
    .insertInto('identity.users')
    .values({ tenant_id: tenantId, id: userId, email: body.email, name: body.name ?? body.business_name, role: 'owner', password_hash: passwordHash, pin_hmac: null, pin_locked_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  const store = await db
    .insertInto('identity.stores')
    .values({ tenant_id: tenantId, id: newId(), name: body.store_name ?? 'Main store', number: 1, timezone: body.timezone, address: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  const register = await db
    .insertInto('identity.registers')
    .values({ tenant_id: tenantId, id: newId(), store_id: store.id, name: body.register_name ?? 'Register 1', number: 1 })
    .returningAll()
    .executeTakeFirstOrThrow();
  await emit(trx, { tenantId, type: IdentityEvents.tenantCreated, payload: { tenant_id: tenantId, name: tenant.name, currency: tenant.currency, timezone: tenant.timezone, owner_user_id: userId } });
  await emit(trx, { tenantId, type: IdentityEvents.userCreated, payload: { user_id: userId, role: 'owner', email: body.email } });
  await emit(trx, { tenantId, type: IdentityEvents.storeCreated, payload: { store_id: store.id, name: store.name, timezone: store.timezone } });
  const tokens = await issueTokens(trx, deps, tenantId, userId, null, ['pwd']);
  return { ...tokens, tenant: toTenant(tenant), user: toUser(user, []), store: toStore(store), register: toRegister(register) };
}

const emailTaken = () =>
  new AppError(409, 'email_taken', 'An account with this e-mail already exists', { errors: [{ path: 'email', message: 'is already registered' }] });

// ---------------------------------------------------------------- login, refresh, logout

const badLogin = () => new AppError(401, 'invalid_credentials', 'E-mail or password is incorrect');

async function recentFailures(trx: Trx, subject: string, minutes: number): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from identity.login_failures where subject = ${subject} and at > now() - make_interval(mins => ${minutes})`.execute(trx);
  return r.rows[0]!.n;
}

/**
 * Password login. Runs its own transactions: a failed attempt must be recorded even though the
 * request fails, and the throttle is checked before the (deliberately slow) password hash.
 */
export async function login(db: Db, deps: IdentityDeps, body: { email: string; password: string }, ip: string | null): Promise<IssuedTokens & { user: UserDto }> {
  const acct = `acct:${body.email}`;
  const ipKey = `ip:${ip ?? 'unknown'}`;
  const { entry, throttled } = await db.transaction().execute(async (trx) => {
    await scopeToSystem(trx);
    const byIp = await recentFailures(trx, ipKey, IP_FAILURE_LIMIT.minutes);
    const byAcct = await recentFailures(trx, acct, ACCOUNT_FAILURE_LIMIT.minutes);
    const e = await t(trx).selectFrom('identity.login_emails').selectAll().where('email', '=', body.email).executeTakeFirst();
    return { entry: e, throttled: byIp >= IP_FAILURE_LIMIT.count ? 'ip' : byAcct >= ACCOUNT_FAILURE_LIMIT.count ? 'account' : null };
  });
  if (throttled) {
    deps.log.warn({ throttle: throttled, ip, email_domain: body.email.split('@')[1] }, 'login refused: too many failed attempts');
    const minutes = throttled === 'ip' ? IP_FAILURE_LIMIT.minutes : ACCOUNT_FAILURE_LIMIT.minutes;
    throw new AppError(429, 'too_many_attempts', `Too many failed sign-in attempts; try again within ${minutes} minutes`, { headers: { 'retry-after': String(minutes * 60) } });
  }
  const user = entry
    ? await db.transaction().execute(async (trx) => {
        await scopeToTenant(trx, entry.tenant_id);
        return findUser(trx, entry.user_id);
      })
    : undefined;
  const ok = await verifyPassword(user?.status === 'active' ? user.password_hash : null, body.password);
  if (!ok || !user || !entry) {
    await db.transaction().execute(async (trx) => {
      await scopeToSystem(trx);
      await t(trx).insertInto('identity.login_failures').values([{ subject: acct }, { subject: ipKey }]).execute();
    });
    throw badLogin();
  }
  return db.transaction().execute(async (trx) => {
    await scopeToTenant(trx, entry.tenant_id);
    const tokens = await issueTokens(trx, deps, entry.tenant_id, user.id, null, ['pwd']);
    return { ...tokens, user: await userDto(trx, user) };
  });
}

const badRefresh = () => new AppError(401, 'invalid_refresh_token', 'The refresh token is not valid; sign in again');

/**
 * Rotates a refresh token. A token presented twice means it leaked (or a client lost the new one):
 * the whole family is revoked, so whoever holds the other copy is signed out too.
 */
export async function refresh(db: Db, deps: IdentityDeps, token: string): Promise<IssuedTokens & { user: UserDto }> {
  const parsed = parseRefreshToken(token);
  if (!parsed) throw badRefresh();
  const outcome = await db.transaction().execute(async (trx) => {
    await scopeToTenant(trx, parsed.tenantId);
    const row = await t(trx).selectFrom('identity.refresh_tokens').selectAll().where('id', '=', parsed.id).forUpdate().executeTakeFirst();
    if (!row || !sameHash(row.token_hash, hashSecret(parsed.secret))) return { kind: 'invalid' as const };
    const now = deps.clock.now();
    if (row.revoked_at || row.expires_at <= now) return { kind: 'invalid' as const };
    if (row.used_at) {
      await t(trx).updateTable('identity.refresh_tokens').set({ revoked_at: now }).where('family_id', '=', row.family_id).where('revoked_at', 'is', null).execute();
      return { kind: 'reused' as const, userId: row.user_id };
    }
    const user = await findUser(trx, row.user_id);
    if (!user || user.status !== 'active') return { kind: 'invalid' as const };
    await t(trx).updateTable('identity.refresh_tokens').set({ used_at: now }).where('id', '=', row.id).execute();
    const tokens = await issueTokens(trx, deps, parsed.tenantId, user.id, row.family_id, ['pwd']);
    return { kind: 'ok' as const, result: { ...tokens, user: await userDto(trx, user) } };
  });
  if (outcome.kind === 'reused') {
    deps.log.warn({ tenant_id: parsed.tenantId, user_id: outcome.userId }, 'refresh token reused: token family revoked');
    throw new AppError(401, 'refresh_token_reused', 'This refresh token was already used; every session from it was signed out. Sign in again.');
  }
  if (outcome.kind === 'invalid') throw badRefresh();
  return outcome.result;
}

export async function logout(db: Db, deps: IdentityDeps, token: string): Promise<void> {
  const parsed = parseRefreshToken(token);
  if (!parsed) return;
  await db.transaction().execute(async (trx) => {
    await scopeToTenant(trx, parsed.tenantId);
    const row = await t(trx).selectFrom('identity.refresh_tokens').select(['family_id', 'token_hash']).where('id', '=', parsed.id).executeTakeFirst();
    if (!row || !sameHash(row.token_hash, hashSecret(parsed.secret))) return;
    await t(trx).updateTable('identity.refresh_tokens').set({ revoked_at: deps.clock.now() }).where('family_id', '=', row.family_id).where('revoked_at', 'is', null).execute();
  });
}

// ---------------------------------------------------------------- PIN switch

/**
 * A cashier switches in on a paired register with a PIN. Wrong PINs are counted against the
 * cashier when they picked their name (locked after 5 until a manager unlocks), otherwise against
 * the register (its PIN pad locks after 5 until a manager signs the device in again or unlocks).
 */
export async function pinSwitch(
  db: Db,
  deps: IdentityDeps,
  device: { tenantId: string; actor: Actor },
  body: { store_id: string; register_id: string; pin: string; user_id?: string | undefined },
): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number; user: UserDto }> {
  const hmac = pinHmac(deps.keys, device.tenantId, body.pin);
  const result = await db.transaction().execute(async (trx) => {
    await scopeToTenant(trx, device.tenantId);
    const register = await t(trx).selectFrom('identity.registers').selectAll().where('id', '=', body.register_id).where('store_id', '=', body.store_id).forUpdate().executeTakeFirst();
    if (!register || !canReachStore(device.actor, body.store_id)) return { error: notFound('Register') };
    if (!body.user_id && register.pin_failed_attempts >= MAX_PIN_ATTEMPTS) {
      return { error: new AppError(423, 'register_pin_locked', 'Too many wrong PINs on this register; a manager must unlock it') };
    }
    const match = await t(trx).selectFrom('identity.user_stores').select('user_id').where('store_id', '=', body.store_id).where('pin_hmac', '=', hmac).executeTakeFirst();
    const targetId = body.user_id ?? match?.user_id;
    const user = targetId ? await lockUser(trx, targetId) : undefined;
    if (user?.pin_locked_at) return { error: new AppError(423, 'pin_locked', 'This PIN is locked after too many wrong tries; a manager must unlock it') };
    const ok = !!user && user.status === 'active' && match?.user_id === user.id;
    if (!ok) {
      if (body.user_id && user) {
        const attempts = user.pin_failed_attempts + 1;
        await t(trx)
          .updateTable('identity.users')
          .set({ pin_failed_attempts: attempts, pin_locked_at: attempts >= MAX_PIN_ATTEMPTS ? deps.clock.now() : null })
          .where('id', '=', user.id)
          .execute();
        if (attempts >= MAX_PIN_ATTEMPTS) deps.log.warn({ tenant_id: device.tenantId, user_id: user.id }, 'PIN locked after too many wrong tries');
      } else {
        await t(trx).updateTable('identity.registers').set({ pin_failed_attempts: register.pin_failed_attempts + 1 }).where('id', '=', register.id).execute();
      }
      return { error: new AppError(401, 'invalid_pin', 'Wrong PIN') };
    }
    await t(trx).updateTable('identity.users').set({ pin_failed_attempts: 0 }).where('id', '=', user.id).execute();
    await t(trx).updateTable('identity.registers').set({ pin_failed_attempts: 0 }).where('id', '=', register.id).execute();
    const access = await signAccess(deps.keys, { sub: user.id, tid: device.tenantId, reg: register.id, amr: ['pin'] }, PIN_ACCESS_TTL_SECONDS, deps.clock.now());
    return { ok: { access_token: access, token_type: 'Bearer' as const, expires_in: PIN_ACCESS_TTL_SECONDS, user: await userDto(trx, user) }, needsVerifier: !user.pin_verifier ? user.id : null };
  });
  if ('error' in result && result.error) throw result.error;
  const done = result as { ok: NonNullable<Awaited<ReturnType<typeof pinSwitch>>>; needsVerifier: string | null };
  if (done.needsVerifier) {
    // a PIN set before offline verifiers existed gets one now that it is known to be right
    const verifier = await pinVerifier(body.pin);
    await db.transaction().execute(async (trx) => {
      await scopeToTenant(trx, device.tenantId);
      await t(trx).updateTable('identity.users').set({ pin_verifier: verifier }).where('id', '=', done.needsVerifier!).where('pin_hmac', '=', hmac).where('pin_verifier', 'is', null).execute();
    });
  }
  return done.ok;
}

// ---------------------------------------------------------------- me

export async function me(ctx: Ctx) {
  const user = await findUser(ctx.trx, ctx.actor.id!);
  if (!user) throw notFound('User');
  const tenant = await t(ctx.trx).selectFrom('identity.tenants').selectAll().executeTakeFirstOrThrow();
  let q = t(ctx.trx).selectFrom('identity.stores').selectAll().orderBy('number');
  if (ctx.actor.storeIds !== null) q = q.where('id', 'in', ctx.actor.storeIds.length ? [...ctx.actor.storeIds] : [newId()]);
  const stores = await q.execute();
  return {
    user: await userDto(ctx.trx, user),
    tenant: toTenant(tenant),
    permissions: [...ctx.actor.permissions].toSorted(),
    stores: stores.map(toStore),
    register_id: ctx.actor.registerId ?? null,
  };
}

// ---------------------------------------------------------------- stores and registers

export async function listStores(ctx: Ctx, page: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(page.cursor);
  let q = t(ctx.trx).selectFrom('identity.stores').selectAll().orderBy('number').limit(page.limit + 1);
  if (after) q = q.where('number', '>', Number(after[0]));
  if (ctx.actor.storeIds !== null) q = q.where('id', 'in', ctx.actor.storeIds.length ? [...ctx.actor.storeIds] : [newId()]);
  return toPage(await q.execute(), page.limit, toStore, (r) => [r.number]);
}

export async function existingStoreIds(ctx: Ctx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await t(ctx.trx).selectFrom('identity.stores').select('id').where('id', 'in', [...new Set(ids)]).execute();
  return rows.map((r) => r.id);
}

/** A store with its business's name and currency, for sales (order numbers, receipts); null if none. */
export async function storeInfo(ctx: Ctx, storeId: string): Promise<StoreInfo | null> {
  if (!isUuid(storeId)) return null;
  const row = await t(ctx.trx)
    .selectFrom('identity.stores as s')
    .innerJoin('identity.tenants as tn', 'tn.id', 's.tenant_id')
    .select(['s.id', 's.name', 's.number', 's.timezone', 's.address', 'tn.name as business_name', 'tn.currency'])
    .where('s.id', '=', storeId)
    .executeTakeFirst();
  return row ? { id: row.id, name: row.name, number: row.number, timezone: row.timezone, address: (row.address ?? null) as Record<string, unknown> | null, business_name: row.business_name, currency: row.currency.trim() } : null;
}

/** The caller's business: name, currency and time zone. */
export async function tenantInfo(ctx: Ctx): Promise<{ id: string; name: string; currency: string; timezone: string }> {
  const row = await t(ctx.trx).selectFrom('identity.tenants').select(['id', 'name', 'currency', 'timezone']).where('id', '=', ctx.tenantId).executeTakeFirstOrThrow();
  return { ...row, currency: row.currency.trim() };
}

/** A register's store, name and number; null if none. */
export async function registerInfo(ctx: Ctx, registerId: string): Promise<RegisterInfo | null> {
  if (!isUuid(registerId)) return null;
  const row = await t(ctx.trx).selectFrom('identity.registers').select(['id', 'store_id', 'name', 'number']).where('id', '=', registerId).executeTakeFirst();
  return row ?? null;
}

/** Display names of users by id (missing ids are absent). */
export async function userNames(ctx: Ctx, ids: readonly string[]): Promise<Record<string, string>> {
  const wanted = [...new Set(ids)].filter(isUuid);
  if (wanted.length === 0) return {};
  const rows = await t(ctx.trx).selectFrom('identity.users').select(['id', 'name']).where('id', 'in', wanted).execute();
  return Object.fromEntries(rows.map((r) => [r.id, r.name]));
}

export interface StoreInfo { id: string; name: string; number: number; timezone: string; address: Record<string, unknown> | null; business_name: string; currency: string }
export interface RegisterInfo { id: string; store_id: string; name: string; number: number }

export async function getStore(ctx: Ctx, id: string): Promise<StoreDto> {
  if (!canReachStore(ctx.actor, id)) throw notFound('Store');
  const row = await t(ctx.trx).selectFrom('identity.stores').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Store');
  return toStore(row);
}

const storeNameTaken = () => new AppError(409, 'store_name_taken', 'A store with this name already exists', { errors: [{ path: 'name', message: 'is already used by another store' }] });

export async function createStore(ctx: Ctx, body: { name: string; timezone: string; address?: Address | null | undefined }): Promise<StoreDto> {
  const db = t(ctx.trx);
  // the tenant row lock serializes numbering so store numbers stay gapless and unique
  await db.selectFrom('identity.tenants').select('id').forUpdate().executeTakeFirstOrThrow();
  const next = await db.selectFrom('identity.stores').select(sql<number>`coalesce(max(number), 0) + 1`.as('n')).executeTakeFirstOrThrow();
  try {
    const row = await db
      .insertInto('identity.stores')
      .values({ tenant_id: ctx.tenantId, id: newId(), name: body.name, number: next.n, timezone: body.timezone, address: body.address ? JSON.stringify(body.address) : null })
      .returningAll()
      .executeTakeFirstOrThrow();
    await ctx.emit(IdentityEvents.storeCreated, { store_id: row.id, name: row.name, timezone: row.timezone });
    return toStore(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw storeNameTaken();
    throw err;
  }
}

export async function updateStore(ctx: Ctx, id: string, body: { name?: string | undefined; timezone?: string | undefined; address?: Address | null | undefined }): Promise<StoreDto> {
  await getStore(ctx, id);
  const patch: Record<string, unknown> = { updated_at: ctx.clock.now() };
  if (body.name !== undefined) patch.name = body.name;
  if (body.timezone !== undefined) patch.timezone = body.timezone;
  if (body.address !== undefined) patch.address = body.address ? JSON.stringify(body.address) : null;
  try {
    const row = await t(ctx.trx).updateTable('identity.stores').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    return toStore(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw storeNameTaken();
    throw err;
  }
}

export async function listRegisters(ctx: Ctx, storeId: string, page: { limit: number; cursor?: string | undefined }) {
  await getStore(ctx, storeId);
  const after = decodeCursor(page.cursor);
  let q = t(ctx.trx).selectFrom('identity.registers').selectAll().where('store_id', '=', storeId).orderBy('number').limit(page.limit + 1);
  if (after) q = q.where('number', '>', Number(after[0]));
  return toPage(await q.execute(), page.limit, toRegister, (r) => [r.number]);
}

export async function createRegister(ctx: Ctx, storeId: string, body: { name: string }): Promise<RegisterDto> {
  await getStore(ctx, storeId);
  const db = t(ctx.trx);
  await db.selectFrom('identity.stores').select('id').where('id', '=', storeId).forUpdate().executeTakeFirstOrThrow();
  const next = await db.selectFrom('identity.registers').select(sql<number>`coalesce(max(number), 0) + 1`.as('n')).where('store_id', '=', storeId).executeTakeFirstOrThrow();
  try {
    const row = await db.insertInto('identity.registers').values({ tenant_id: ctx.tenantId, id: newId(), store_id: storeId, name: body.name, number: next.n }).returningAll().executeTakeFirstOrThrow();
    await ctx.emit(IdentityEvents.registerCreated, { register_id: row.id, store_id: storeId, name: row.name, number: row.number });
    return toRegister(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError(409, 'register_name_taken', 'This store already has a register with this name', { errors: [{ path: 'name', message: 'is already used in this store' }] });
    throw err;
  }
}

export async function unlockRegisterPin(ctx: Ctx, registerId: string): Promise<void> {
  const reg = await t(ctx.trx).selectFrom('identity.registers').select(['id', 'store_id']).where('id', '=', registerId).executeTakeFirst();
  if (!reg || !canReachStore(ctx.actor, reg.store_id)) throw notFound('Register');
  await t(ctx.trx).updateTable('identity.registers').set({ pin_failed_attempts: 0 }).where('id', '=', registerId).execute();
}

/**
 * Offline PIN verifiers of the people who can switch in at a store (active, PIN not locked, with a
 * verifier: a PIN set before verifiers existed gets one at its next change or online PIN switch).
 * See secrets.ts for why a verifier of a short PIN must be treated as the PIN itself.
 */
export async function cashierVerifiers(ctx: Ctx, storeId: string) {
  await getStore(ctx, storeId);
  const rows = await t(ctx.trx)
    .selectFrom('identity.users as u')
    .innerJoin('identity.user_stores as s', (j) => j.onRef('s.user_id', '=', 'u.id').onRef('s.tenant_id', '=', 'u.tenant_id'))
    .select(['u.id', 'u.name', 'u.role', 'u.pin_verifier'])
    .where('s.store_id', '=', storeId)
    .where('u.status', '=', 'active')
    .where('u.pin_hmac', 'is not', null)
    .where('u.pin_locked_at', 'is', null)
    .where('u.pin_verifier', 'is not', null)
    .orderBy('u.name')
    .execute();
  return rows.map((r) => ({ user_id: r.id, name: r.name, role: r.role, algorithm: r.pin_verifier!.algorithm, salt: r.pin_verifier!.salt, iterations: r.pin_verifier!.iterations, verifier: r.pin_verifier!.verifier }));
}

/** An active member of staff who works at a store (owners and admins work at every store), or null. */
export async function staffMember(ctx: Ctx, userId: string, storeId: string): Promise<{ id: string; name: string; role: Role } | null> {
  if (!isUuid(userId) || !isUuid(storeId)) return null;
  const row = await t(ctx.trx)
    .selectFrom('identity.users as u')
    .select(['u.id', 'u.name', 'u.role'])
    .where('u.id', '=', userId)
    .where('u.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('u.role', 'in', ['owner', 'admin']),
        eb.exists(eb.selectFrom('identity.user_stores as s').select('s.user_id').whereRef('s.user_id', '=', 'u.id').where('s.store_id', '=', storeId)),
      ]),
    )
    .executeTakeFirst();
  return row ? { id: row.id, name: row.name, role: row.role } : null;
}

/** The people who can switch in on a store's registers: the PIN pad's name list. */
export async function listCashiers(ctx: Ctx, storeId: string) {
  await getStore(ctx, storeId);
  const rows = await t(ctx.trx)
    .selectFrom('identity.users as u')
    .innerJoin('identity.user_stores as s', (j) => j.onRef('s.user_id', '=', 'u.id').onRef('s.tenant_id', '=', 'u.tenant_id'))
    .select(['u.id', 'u.name', 'u.role', 'u.pin_locked_at'])
    .where('s.store_id', '=', storeId)
    .where('u.status', '=', 'active')
    .where('u.pin_hmac', 'is not', null)
    .orderBy('u.name')
    .execute();
  return { data: rows.map((r) => ({ id: r.id, name: r.name, role: r.role, pin_locked: r.pin_locked_at !== null })) };
}

// ---------------------------------------------------------------- users

function assertMayManage(actor: Actor, targetRole: Role, action: string): void {
  const mine = ROLE_RANK[(actor.role ?? 'cashier') as Role] ?? 0;
  const theirs = ROLE_RANK[targetRole];
  if (actor.role !== 'owner' && theirs >= mine) {
    throw new AppError(403, 'role_too_high', `A ${actor.role} cannot ${action} a user with the role ${targetRole}`);
  }
}

async function assertStores(ctx: Ctx, storeIds: string[]): Promise<void> {
  if (storeIds.length === 0) return;
  const unique = [...new Set(storeIds)];
  const found = await t(ctx.trx).selectFrom('identity.stores').select('id').where('id', 'in', unique).execute();
  const missing = unique.filter((id) => !found.some((f) => f.id === id) || !canReachStore(ctx.actor, id));
  if (missing.length) {
    throw new AppError(400, 'unknown_store', `Unknown store: ${missing.join(', ')}`, { errors: missing.map((id) => ({ path: `store_ids.${storeIds.indexOf(id)}`, message: 'is not one of your stores' })) });
  }
}

const pinTaken = () => conflict('pin_taken', 'Another user of the same store already has this PIN; choose another', { errors: [{ path: 'pin', message: 'is already used in one of these stores' }] });

async function setStores(ctx: Ctx, userId: string, storeIds: string[], hmac: string | null): Promise<void> {
  const db = t(ctx.trx);
  await db.deleteFrom('identity.user_stores').where('user_id', '=', userId).execute();
  const unique = [...new Set(storeIds)];
  if (unique.length === 0) return;
  try {
    await db.insertInto('identity.user_stores').values(unique.map((store_id) => ({ tenant_id: ctx.tenantId, user_id: userId, store_id, pin_hmac: hmac }))).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw pinTaken();
    throw err;
  }
}

export async function listUsers(ctx: Ctx, page: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(page.cursor);
  let q = t(ctx.trx).selectFrom('identity.users').selectAll().orderBy('created_at').orderBy('id').limit(page.limit + 1);
  if (after) q = q.where((eb) => eb.or([eb('created_at', '>', new Date(String(after[0]))), eb.and([eb('created_at', '=', new Date(String(after[0]))), eb('id', '>', String(after[1]))])]));
  if (ctx.actor.storeIds !== null) {
    const mine = ctx.actor.storeIds.length ? [...ctx.actor.storeIds] : [newId()];
    q = q.where((eb) => eb.or([eb('id', '=', ctx.actor.id!), eb.exists(eb.selectFrom('identity.user_stores as s').select('s.user_id').whereRef('s.user_id', '=', 'identity.users.id').where('s.store_id', 'in', mine))]));
  }
  const rows = await q.execute();
  const stores = await storeIdsOf(ctx.trx, rows.map((r) => r.id));
  return toPage(rows, page.limit, (r) => toUser(r, stores.get(r.id) ?? []), (r) => [r.created_at.toISOString(), r.id]);
}

async function reachableUser(ctx: Ctx, id: string, lock: boolean): Promise<Selectable<UserRow>> {
  const row = lock ? await lockUser(ctx.trx, id) : await findUser(ctx.trx, id);
  if (!row) throw notFound('User');
  if (ctx.actor.storeIds !== null && row.id !== ctx.actor.id) {
    const theirs = (await storeIdsOf(ctx.trx, [id])).get(id) ?? [];
    if (!theirs.some((s) => ctx.actor.storeIds!.includes(s))) throw notFound('User');
  }
  return row;
}

export async function getUser(ctx: Ctx, id: string): Promise<UserDto> {
  return userDto(ctx.trx, await reachableUser(ctx, id, false));
}

export async function createUser(ctx: Ctx, deps: IdentityDeps, body: UserCreate): Promise<UserDto> {
  assertMayManage(ctx.actor, body.role, 'create');
  const storeIds = body.store_ids ?? (ctx.actor.storeIds ? [...ctx.actor.storeIds] : []);
  if (ctx.actor.storeIds !== null && storeIds.length === 0) {
    throw new AppError(400, 'validation_failed', 'Choose at least one of your stores for this user', { errors: [{ path: 'store_ids', message: 'must name at least one of your stores' }] });
  }
  await assertStores(ctx, storeIds);
  if (body.role === 'cashier' && body.password === undefined && body.pin === undefined) {
    throw new AppError(400, 'validation_failed', 'A cashier needs a PIN or a password to sign in', { errors: [{ path: 'pin', message: 'is required when no password is given' }] });
  }
  const id = newId();
  const hmac = body.pin ? pinHmac(deps.keys, ctx.tenantId, body.pin) : null;
  const db = t(ctx.trx);
  try {
    await db.insertInto('identity.login_emails').values({ email: body.email, tenant_id: ctx.tenantId, user_id: id }).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw emailTaken();
    throw err;
  }
  const row = await db
    .insertInto('identity.users')
    .values({
      tenant_id: ctx.tenantId, id, email: body.email, name: body.name, role: body.role, password_hash: body.password ? await hashPassword(body.password) : null,
      pin_hmac: hmac, pin_locked_at: null, pin_verifier: body.pin ? await pinVerifier(body.pin) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await setStores(ctx, id, storeIds, hmac);
  await ctx.emit(IdentityEvents.userCreated, { user_id: id, role: body.role, email: body.email, store_ids: storeIds, created_by: ctx.actor.id });
  return toUser(row, [...new Set(storeIds)].toSorted());
}

export async function updateUser(ctx: Ctx, deps: IdentityDeps, id: string, body: UserUpdate): Promise<UserDto> {
  const row = await reachableUser(ctx, id, true);
  if (row.id !== ctx.actor.id) assertMayManage(ctx.actor, row.role, 'change');
  const db = t(ctx.trx);
  const patch: Partial<Record<keyof UserRow, unknown>> = { updated_at: ctx.clock.now() };
  if (body.name !== undefined) patch.name = body.name;
  if (body.password !== undefined) {
    if (row.id !== ctx.actor.id && !can(ctx.actor, 'users.manage')) throw forbidden('users.manage');
    patch.password_hash = await hashPassword(body.password);
  }
  if (body.role !== undefined && body.role !== row.role) {
    if (row.id === ctx.actor.id) throw new AppError(403, 'cannot_change_own_role', 'You cannot change your own role; ask another owner or admin');
    assertMayManage(ctx.actor, body.role, 'grant the role of');
    if (row.role === 'owner') await assertAnotherOwner(ctx, row.id);
    patch.role = body.role;
  }
  const updated = await db.updateTable('identity.users').set(patch as never).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  if (body.store_ids !== undefined) {
    await assertStores(ctx, body.store_ids);
    await setStores(ctx, id, body.store_ids, row.pin_hmac);
  }
  if (patch.role) {
    await ctx.emit(IdentityEvents.userRoleChanged, { user_id: id, from: row.role, to: patch.role, changed_by: ctx.actor.id });
    // a demotion takes effect now, not when the old refresh token expires
    await db.updateTable('identity.refresh_tokens').set({ revoked_at: ctx.clock.now() }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
  }
  void deps;
  return userDto(ctx.trx, updated);
}

async function assertAnotherOwner(ctx: Ctx, exceptId: string): Promise<void> {
  const others = await t(ctx.trx).selectFrom('identity.users').select('id').where('role', '=', 'owner').where('status', '=', 'active').where('id', '!=', exceptId).executeTakeFirst();
  if (!others) throw new AppError(409, 'last_owner', 'A business must keep at least one active owner');
}

export async function deactivateUser(ctx: Ctx, id: string): Promise<UserDto> {
  const row = await reachableUser(ctx, id, true);
  if (row.id === ctx.actor.id) throw new AppError(403, 'cannot_deactivate_self', 'You cannot deactivate yourself');
  assertMayManage(ctx.actor, row.role, 'deactivate');
  if (row.role === 'owner') await assertAnotherOwner(ctx, row.id);
  const db = t(ctx.trx);
  const updated = await db.updateTable('identity.users').set({ status: 'deactivated', updated_at: ctx.clock.now() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  await db.updateTable('identity.refresh_tokens').set({ revoked_at: ctx.clock.now() }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
  if (row.status !== 'deactivated') await ctx.emit(IdentityEvents.userDeactivated, { user_id: id, by: ctx.actor.id });
  return userDto(ctx.trx, updated);
}

export async function setPin(ctx: Ctx, deps: IdentityDeps, id: string, pin: string): Promise<void> {
  const row = await reachableUser(ctx, id, true);
  if (row.id !== ctx.actor.id) assertMayManage(ctx.actor, row.role, 'set the PIN of');
  const hmac = pinHmac(deps.keys, ctx.tenantId, pin);
  const db = t(ctx.trx);
  // a new salt with every PIN: verifiers cached on tills for the old PIN stop matching anything
  const verifier = await pinVerifier(pin);
  await db.updateTable('identity.users').set({ pin_hmac: hmac, pin_verifier: verifier, pin_failed_attempts: 0, pin_locked_at: null, updated_at: ctx.clock.now() }).where('id', '=', id).execute();
  try {
    await db.updateTable('identity.user_stores').set({ pin_hmac: hmac }).where('user_id', '=', id).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw pinTaken();
    throw err;
  }
}

export async function unlockPin(ctx: Ctx, id: string): Promise<void> {
  const row = await reachableUser(ctx, id, true);
  if (row.id !== ctx.actor.id) assertMayManage(ctx.actor, row.role, 'unlock the PIN of');
  await t(ctx.trx).updateTable('identity.users').set({ pin_failed_attempts: 0, pin_locked_at: null }).where('id', '=', id).execute();
}

// ---------------------------------------------------------------- the login directory

/** The business and user of a login e-mail, for work that starts before a tenant is known (the CLI); null if none. */
export async function loginByEmail(db: Db, email: string): Promise<{ tenant_id: string; user_id: string } | null> {
  return db.transaction().execute(async (trx) => {
    await scopeToSystem(trx);
    const r = await sql<{ tenant_id: string; user_id: string }>`select tenant_id, user_id from identity.login_emails where email = ${email.trim().toLowerCase()}`.execute(trx);
    return r.rows[0] ?? null;
  });
}

// ---------------------------------------------------------------- request authentication

/** The current actor for a verified token: status and role are read fresh on every request. */
export async function loadActor(trx: Trx, userId: string, registerId: string | null): Promise<Actor | null> {
  // one round trip: this runs on every authenticated request
  const row = await t(trx)
    .selectFrom('identity.users as u')
    .select(['u.id', 'u.role', 'u.status'])
    .select(sql<string[]>`coalesce((select array_agg(s.store_id order by s.store_id) from identity.user_stores s where s.tenant_id = u.tenant_id and s.user_id = u.id), '{}')`.as('store_ids'))
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!row || row.status !== 'active') return null;
  return actorFor(row, row.store_ids, registerId);
}
