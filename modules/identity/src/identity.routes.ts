import { z } from 'zod';
import { PageQuery, defineRoute, pageOf, type AnyRouteDef, type Kernel } from '@novapos/platform';
import {
  CashierDto,
  CashierVerifierDto,
  Id,
  LoginBody,
  MeResponse,
  PinBody,
  PinResponse,
  PinSet,
  RefreshBody,
  RegisterCreate,
  RegisterDto,
  SignupBody,
  SignupResponse,
  StoreCreate,
  StoreDto,
  StoreUpdate,
  TokenResponse,
  UserCreate,
  UserDto,
  UserUpdate,
} from './contract.ts';
import * as svc from './identity.service.ts';

const IdParams = z.object({ id: Id });

export function identityRoutes(kernel: Kernel, deps: svc.IdentityDeps): AnyRouteDef[] {
  const db = () => kernel.database.db;
  return [
    defineRoute({
      method: 'POST', url: '/api/v1/signup', summary: 'Create a business: tenant, owner, first store and register', tags: ['auth'],
      auth: 'none', permission: null, body: SignupBody, response: SignupResponse,
      handler: async (ctx, { body }) => svc.signup(ctx.trx, deps, body),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/auth/login', summary: 'Sign in with e-mail and password', tags: ['auth'],
      auth: 'none', permission: null, idempotent: false, transaction: 'none', status: 200, body: LoginBody, response: TokenResponse,
      handler: async (ctx, { body }) => svc.login(db(), deps, body, ctx.ip),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/auth/refresh', summary: 'Rotate a refresh token (a reused one revokes its family)', tags: ['auth'],
      auth: 'none', permission: null, idempotent: false, transaction: 'none', status: 200, body: RefreshBody, response: TokenResponse,
      handler: async (_ctx, { body }) => svc.refresh(db(), deps, body.refresh_token),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/auth/logout', summary: 'Revoke a refresh token and its family', tags: ['auth'],
      auth: 'none', permission: null, idempotent: false, transaction: 'none', body: RefreshBody,
      handler: async (_ctx, { body }) => svc.logout(db(), deps, body.refresh_token),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/auth/pin', summary: 'Switch a cashier in on a paired register with a PIN', tags: ['auth'],
      permission: 'pos.pair', idempotent: false, transaction: 'none', status: 200, body: PinBody, response: PinResponse,
      handler: async (ctx, { body }) => svc.pinSwitch(db(), deps, { tenantId: ctx.tenantId, actor: ctx.actor }, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/me', summary: 'The signed-in user, role, permissions, tenant and stores', tags: ['auth'],
      permission: null, response: MeResponse,
      handler: async (ctx) => svc.me(ctx),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/stores', summary: 'List stores', tags: ['stores'],
      permission: 'stores.read', query: PageQuery, response: pageOf(StoreDto),
      handler: async (ctx, { query }) => svc.listStores(ctx, query),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/stores', summary: 'Create a store', tags: ['stores'],
      permission: 'stores.manage', body: StoreCreate, response: StoreDto,
      handler: async (ctx, { body }) => svc.createStore(ctx, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/stores/:id', summary: 'Get a store', tags: ['stores'],
      permission: 'stores.read', params: IdParams, response: StoreDto,
      handler: async (ctx, { params }) => svc.getStore(ctx, params.id),
    }),
    defineRoute({
      method: 'PATCH', url: '/api/v1/stores/:id', summary: 'Change a store', tags: ['stores'],
      permission: 'stores.manage', params: IdParams, body: StoreUpdate, response: StoreDto,
      handler: async (ctx, { params, body }) => svc.updateStore(ctx, params.id, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/stores/:id/registers', summary: "List a store's registers", tags: ['stores'],
      permission: 'registers.read', params: IdParams, query: PageQuery, response: pageOf(RegisterDto),
      handler: async (ctx, { params, query }) => svc.listRegisters(ctx, params.id, query),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/stores/:id/registers', summary: 'Add a register to a store', tags: ['stores'],
      permission: 'registers.manage', params: IdParams, body: RegisterCreate, response: RegisterDto,
      handler: async (ctx, { params, body }) => svc.createRegister(ctx, params.id, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/stores/:id/cashiers', summary: 'People who can switch in with a PIN at this store', tags: ['stores'],
      permission: 'pos.use', params: IdParams, response: z.object({ data: z.array(CashierDto) }),
      handler: async (ctx, { params }) => svc.listCashiers(ctx, params.id),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/stores/:id/cashiers/verifiers', summary: 'Offline PIN verifiers of the people who can switch in at this store (paired tills only)', tags: ['stores'],
      permission: 'pos.pair', params: IdParams, response: z.array(CashierVerifierDto),
      handler: async (ctx, { params }) => svc.cashierVerifiers(ctx, params.id),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/registers/:id/pin/unlock', summary: "Unlock a register's PIN pad after too many wrong PINs", tags: ['stores'],
      permission: 'users.pin_manage', params: IdParams, idempotent: false,
      handler: async (ctx, { params }) => svc.unlockRegisterPin(ctx, params.id),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/users', summary: 'List staff', tags: ['users'],
      permission: 'users.read', query: PageQuery, response: pageOf(UserDto),
      handler: async (ctx, { query }) => svc.listUsers(ctx, query),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/users', summary: 'Add a member of staff', tags: ['users'],
      permission: 'users.manage', body: UserCreate, response: UserDto,
      handler: async (ctx, { body }) => svc.createUser(ctx, deps, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/users/:id', summary: 'Get a member of staff', tags: ['users'],
      permission: 'users.read', params: IdParams, response: UserDto,
      handler: async (ctx, { params }) => svc.getUser(ctx, params.id),
    }),
    defineRoute({
      method: 'PATCH', url: '/api/v1/users/:id', summary: 'Change name, role, stores or password', tags: ['users'],
      permission: 'users.manage', params: IdParams, body: UserUpdate, response: UserDto,
      handler: async (ctx, { params, body }) => svc.updateUser(ctx, deps, params.id, body),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/users/:id/deactivate', summary: 'Deactivate a member of staff (signs them out everywhere)', tags: ['users'],
      permission: 'users.manage', params: IdParams, idempotent: false, status: 200, response: UserDto,
      handler: async (ctx, { params }) => svc.deactivateUser(ctx, params.id),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/users/:id/pin', summary: "Set or reset a user's PIN", tags: ['users'],
      permission: 'users.pin_manage', params: IdParams, body: PinSet, idempotent: false,
      handler: async (ctx, { params, body }) => svc.setPin(ctx, deps, params.id, body.pin),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/users/:id/pin/unlock', summary: "Unlock a user's PIN after too many wrong tries", tags: ['users'],
      permission: 'users.pin_manage', params: IdParams, idempotent: false,
      handler: async (ctx, { params }) => svc.unlockPin(ctx, params.id),
    }),
  ] as AnyRouteDef[];
}
