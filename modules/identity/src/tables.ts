import type { PinVerifier } from './secrets.ts';
import type { Generated, Kysely, Transaction } from 'kysely';

export interface TenantRow { id: string; name: string; currency: string; timezone: string; settings: Record<string, unknown>; created_at: Generated<Date> }
export interface StoreRow { tenant_id: string; id: string; name: string; number: number; timezone: string; address: unknown | null; created_at: Generated<Date>; updated_at: Generated<Date> }
export interface RegisterRow { tenant_id: string; id: string; store_id: string; name: string; number: number; pin_failed_attempts: Generated<number>; created_at: Generated<Date> }
export interface UserRow {
  tenant_id: string;
  id: string;
  email: string;
  name: string;
  role: 'owner' | 'admin' | 'manager' | 'cashier';
  status: Generated<'active' | 'deactivated'>;
  password_hash: string | null;
  pin_hmac: string | null;
  pin_failed_attempts: Generated<number>;
  pin_locked_at: Date | null;
  /** PBKDF2 verifier of the PIN for offline PIN switch (secrets.ts pinVerifier); null until the PIN is next set */
  pin_verifier?: PinVerifier | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export interface UserStoreRow { tenant_id: string; user_id: string; store_id: string; pin_hmac: string | null }
export interface LoginEmailRow { email: string; tenant_id: string; user_id: string }
export interface RefreshTokenRow {
  tenant_id: string;
  id: string;
  family_id: string;
  user_id: string;
  token_hash: string;
  register_id: string | null;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  created_at: Generated<Date>;
}
export interface LoginFailureRow { id: Generated<number>; subject: string; at: Generated<Date> }

export interface IdentityTables {
  'identity.tenants': TenantRow;
  'identity.stores': StoreRow;
  'identity.registers': RegisterRow;
  'identity.users': UserRow;
  'identity.user_stores': UserStoreRow;
  'identity.login_emails': LoginEmailRow;
  'identity.refresh_tokens': RefreshTokenRow;
  'identity.login_failures': LoginFailureRow;
}

export type IdDb = Kysely<IdentityTables>;
export type IdTrx = Transaction<IdentityTables>;
