import { z } from 'zod';

/** Roles, most powerful first. A user may only manage users of a lower rank (owners: any). */
export const ROLES = ['owner', 'admin', 'manager', 'cashier'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'tenant.manage',
  'stores.read',
  'stores.manage',
  'registers.read',
  'registers.manage',
  'users.read',
  'users.manage',
  'users.pin_manage',
  'pos.pair',
  'pos.use',
  'inventory.read',
  'inventory.adjust',
  'inventory.transfer',
  'inventory.receive',
  'inventory.count',
  'catalog.read',
  'catalog.manage',
  // checkout (sales, payments, drawer)
  'sales.read',
  'sales.sell',
  'sales.void',
  'sales.void_paid',
  'sales.discount_override',
  'sales.custom_line',
  'sales.price_review',
  'sales.settings',
  'drawer.use',
  'drawer.manage',
  'payments.take',
  'payments.settings',
  'gift_cards.read',
  'gift_cards.issue',
  'gift_cards.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: PERMISSIONS,
  admin: PERMISSIONS.filter((p) => p !== 'tenant.manage'),
  manager: [
    'stores.read', 'registers.read', 'users.read', 'users.manage', 'users.pin_manage', 'pos.pair', 'pos.use',
    'inventory.read', 'inventory.adjust', 'inventory.transfer', 'inventory.receive', 'inventory.count',
    'catalog.read', 'catalog.manage',
    'sales.read', 'sales.sell', 'sales.void', 'sales.void_paid', 'sales.discount_override', 'sales.custom_line', 'sales.price_review',
    'drawer.use', 'drawer.manage', 'payments.take', 'gift_cards.read', 'gift_cards.issue', 'gift_cards.manage',
  ],
  cashier: [
    'stores.read', 'registers.read', 'pos.use', 'inventory.read', 'catalog.read',
    'sales.read', 'sales.sell', 'sales.void', 'drawer.use', 'payments.take', 'gift_cards.read', 'gift_cards.issue',
  ],
};

export const ROLE_RANK: Record<Role, number> = { owner: 4, admin: 3, manager: 2, cashier: 1 };

export const IdentityEvents = {
  tenantCreated: 'tenant.created',
  userCreated: 'user.created',
  userRoleChanged: 'user.role_changed',
  userDeactivated: 'user.deactivated',
  storeCreated: 'store.created',
  registerCreated: 'register.created',
} as const;

const trimmed = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email('must be a valid e-mail address'))
  .transform((s) => s.toLowerCase());

/** 12+ characters (NIST 800-63B favours length over composition rules). */
export const Password = z.string().min(12, 'must be at least 12 characters').max(256, 'must be at most 256 characters');
export const Pin = z.string().regex(/^\d{4,6}$/, 'must be 4 to 6 digits');

let zones: Set<string> | undefined;
export const TimeZone = z.string().refine((tz) => {
  zones ??= new Set(Intl.supportedValuesOf('timeZone'));
  return zones.has(tz) || tz === 'UTC';
}, 'must be an IANA time zone such as America/New_York');

let currencies: Set<string> | undefined;
export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO 4217 code such as USD')
  .refine((c) => {
    currencies ??= new Set(Intl.supportedValuesOf('currency'));
    return currencies.has(c);
  }, 'is not an ISO 4217 currency');

export const Address = z.object({
  line1: trimmed(200),
  line2: z.string().trim().max(200).nullish(),
  city: trimmed(100),
  region: z.string().trim().max(100).nullish(),
  postal_code: z.string().trim().max(20).nullish(),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be a 2-letter ISO 3166 country code'),
});
export type Address = z.infer<typeof Address>;

export const Id = z.uuid('must be a UUID');

export const TenantDto = z.object({ id: z.string(), name: z.string(), currency: z.string(), timezone: z.string(), created_at: z.string() }).meta({ id: 'Tenant' });
export type TenantDto = z.infer<typeof TenantDto>;

export const StoreDto = z
  .object({ id: z.string(), name: z.string(), number: z.number().int(), timezone: z.string(), address: Address.nullable(), created_at: z.string() })
  .meta({ id: 'Store' });
export type StoreDto = z.infer<typeof StoreDto>;

export const RegisterDto = z
  .object({ id: z.string(), store_id: z.string(), name: z.string(), number: z.number().int(), created_at: z.string() })
  .meta({ id: 'Register' });
export type RegisterDto = z.infer<typeof RegisterDto>;

export const UserDto = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    status: z.enum(['active', 'deactivated']),
    store_ids: z.array(z.string()),
    pin_set: z.boolean(),
    pin_locked: z.boolean(),
    created_at: z.string(),
  })
  .meta({ id: 'User' });
export type UserDto = z.infer<typeof UserDto>;

export const SignupBody = z.object({
  business_name: trimmed(120),
  email: Email,
  password: Password,
  currency: Currency,
  timezone: TimeZone,
  name: trimmed(120).optional(),
});
export type SignupBody = z.infer<typeof SignupBody>;

export const TokenResponse = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  user: UserDto,
});

export const SignupResponse = TokenResponse.extend({ tenant: TenantDto, store: StoreDto, register: RegisterDto });

export const LoginBody = z.object({ email: Email, password: z.string().min(1, 'is required').max(256) });
export const RefreshBody = z.object({ refresh_token: z.string().min(1).max(512) });

export const PinBody = z.object({
  store_id: Id,
  register_id: Id,
  pin: Pin,
  /** The cashier who tapped their name; wrong PINs then count against that user. */
  user_id: Id.optional(),
});
export const PinResponse = z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int(), user: UserDto });

export const MeResponse = z.object({
  user: UserDto,
  tenant: TenantDto,
  permissions: z.array(z.string()),
  stores: z.array(StoreDto),
  register_id: z.string().nullable(),
});

export const StoreCreate = z.object({ name: trimmed(120), timezone: TimeZone, address: Address.nullish() });
export const StoreUpdate = z
  .object({ name: trimmed(120).optional(), timezone: TimeZone.optional(), address: Address.nullish() })
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');
export const RegisterCreate = z.object({ name: trimmed(60) });

export const UserCreate = z.object({
  email: Email,
  name: trimmed(120),
  role: z.enum(ROLES),
  password: Password.optional(),
  pin: Pin.optional(),
  store_ids: z.array(Id).max(500).optional(),
});
export type UserCreate = z.infer<typeof UserCreate>;
export const UserUpdate = z
  .object({ name: trimmed(120).optional(), role: z.enum(ROLES).optional(), store_ids: z.array(Id).max(500).optional(), password: Password.optional() })
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');
export type UserUpdate = z.infer<typeof UserUpdate>;
export const PinSet = z.object({ pin: Pin });

export const CashierDto = z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES), pin_locked: z.boolean() }).meta({ id: 'Cashier' });

/**
 * What a paired till caches for offline PIN switch: verifier = base64(PBKDF2-HMAC-SHA256(UTF-8
 * PIN, base64-decoded salt, iterations, 32 bytes)), as WebCrypto's deriveBits computes it.
 */
export const CashierVerifierDto = z
  .object({
    user_id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    algorithm: z.literal('PBKDF2-SHA256'),
    salt: z.string(),
    iterations: z.number().int(),
    verifier: z.string(),
  })
  .meta({ id: 'CashierVerifier' });
