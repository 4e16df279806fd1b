// The store's PIN verifiers, cached in the till database so a cashier can switch in while the till
// is offline. A verifier is PBKDF2-SHA256(PIN, salt, iterations): it lets this device check a PIN
// without holding the PIN, and costs an attacker with the device ≥ 200,000 hashes per guess.
import type { TillDb } from '../db/till-db';

export type PinVerifier = { user_id: string; name: string; role: string; salt: string; iterations: number; verifier: string; pin_locked?: boolean };
export type CachedVerifiers = { store_id: string; fetched_at: string; list: PinVerifier[] };

export const verifiersKey = (storeId: string) => `pin_verifiers:${storeId}`;

const isVerifier = (v: unknown): v is PinVerifier => {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.user_id === 'string' && typeof o.name === 'string' && typeof o.salt === 'string' && typeof o.verifier === 'string' && typeof o.iterations === 'number';
};

/** `[…]` or `{ data: […] }`: the verifiers that are well formed. */
export function parseVerifiers(reply: unknown): PinVerifier[] {
  const list = Array.isArray(reply) ? reply : reply && typeof reply === 'object' && Array.isArray((reply as { data?: unknown }).data) ? (reply as { data: unknown[] }).data : [];
  return list.filter(isVerifier).map((v) => ({ ...v, role: typeof v.role === 'string' ? v.role : 'cashier' }));
}

export async function readVerifiers(db: TillDb, storeId: string): Promise<CachedVerifiers | null> {
  return (await db.getMeta<CachedVerifiers>(verifiersKey(storeId))) ?? null;
}

/** Fetches the verifiers with the pairing token and replaces the cached ones (offline: keeps them). */
export async function refreshVerifiers(db: TillDb, api: { cashierVerifiers(storeId: string): Promise<unknown> }, storeId: string): Promise<CachedVerifiers> {
  const list = parseVerifiers(await api.cashierVerifiers(storeId));
  const cached: CachedVerifiers = { store_id: storeId, fetched_at: new Date().toISOString(), list };
  await db.setMeta(verifiersKey(storeId), cached);
  return cached;
}

/** Forgets the cached verifiers (unpairing: the next pairing may be another store). */
export async function forgetVerifiers(db: TillDb): Promise<void> {
  await db.meta.where('key').startsWith('pin_verifiers:').delete();
}
