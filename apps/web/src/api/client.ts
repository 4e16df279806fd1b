// The one module that talks to /api/v1. Functions are typed; failures are ApiError carrying
// the server's problem+json (or a synthesised one for network failures).

import type {
  Address,
  RegisterDto,
  Role,
  SignupBody,
  StoreDto,
  TenantDto,
  UserCreate,
  UserDto,
  UserUpdate,
} from '@novapos/identity/contract';

// Shapes come from the identity contract (types only: no zod in the browser bundle).
export type { Address, Role, UserCreate, UserUpdate };
export type Store = StoreDto;
export type Register = RegisterDto;
export type Tenant = TenantDto;
export type User = UserDto;
export type SessionUser = Pick<UserDto, 'id' | 'email' | 'name' | 'role'> & Partial<UserDto>;
export type SignupInput = SignupBody;
export type StoreInput = { name: string; timezone: string; address?: Address | null };

export const roles = ['owner', 'admin', 'manager', 'cashier'] as const satisfies readonly Role[];
/** Mirrors the server's rule: a user manages only lower ranks; owners manage anyone. */
export const roleRank: Record<Role, number> = { owner: 4, admin: 3, manager: 2, cashier: 1 };

export type Me = { user: UserDto; tenant: TenantDto; permissions: string[]; stores: StoreDto[]; register_id?: string | null };
export type Page<T> = { data: T[]; next_cursor: string | null };
export type TokenResponse = { access_token: string; refresh_token: string; expires_in: number; user: SessionUser };
export type SignupResponse = TokenResponse & { tenant: TenantDto; store?: StoreDto; register?: RegisterDto };
export type PinSession = { access_token: string; expires_in: number; user: SessionUser };
/** Someone who can switch in with a PIN at a store: a name tile on the till. */
export type Cashier = Pick<UserDto, 'id' | 'name' | 'role'> & { pin_locked: boolean };

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: { path: string | (string | number)[]; message: string }[];
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.problem = problem;
    this.status = problem.status;
    this.code = problem.code ?? 'unknown';
  }

  /** Field messages keyed by dotted path (`address.line1`), whatever pointer style the server used. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const key = normalizePath(e.path);
      out[key] ??= e.message;
    }
    return out;
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

function normalizePath(path: string | (string | number)[]): string {
  const raw = Array.isArray(path) ? path.join('.') : String(path);
  return raw
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^[/#.]+/, '')
    .replace(/\//g, '.')
    .replace(/^body\./, '');
}

/** Where a request gets its bearer token, and how it gets a fresh one after a 401. */
export interface AuthSource {
  accessToken(): Promise<string | null>;
  /** Called with the token the server rejected; resolves to a new one or null when signed out. */
  renew(rejected: string): Promise<string | null>;
}

// 401s that are answers about what the user typed, not about the bearer token.
const credentialCodes = new Set(['invalid_pin', 'invalid_credentials']);

const signedOut: Problem = {
  type: 'about:blank',
  title: 'Signed out',
  status: 401,
  detail: 'Your session has ended. Please sign in again.',
  code: 'signed_out',
};

export type Call = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  auth?: AuthSource | null;
  bearer?: string;
};

async function send(call: Call, token: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (call.body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  if (call.idempotencyKey) headers['Idempotency-Key'] = call.idempotencyKey;
  try {
    return await fetch(`/api/v1${call.path}`, {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError({
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      detail: "Can't reach the NovaPOS server. Check the connection and try again.",
      code: 'network_error',
    });
  }
}

async function problemOf(res: Response): Promise<Problem> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy error page, an empty body): fall back to the status line.
  }
  if (body && typeof body === 'object' && 'status' in body) return body as Problem;
  const title = res.statusText || `HTTP ${res.status}`;
  return { type: 'about:blank', title, status: res.status, detail: `The server answered ${res.status} ${title}.`, code: 'http_error' };
}

/** One call to /api/v1 (renews the token once on a 401); the typed clients are built on it. */
export async function request<T>(call: Call): Promise<T> {
  let token = call.bearer;
  if (call.auth) {
    token = (await call.auth.accessToken()) ?? undefined;
    if (!token) throw new ApiError(signedOut);
  }
  let res = await send(call, token);
  if (res.status === 401 && call.auth && token) {
    const problem = await problemOf(res);
    if (problem.code && credentialCodes.has(problem.code)) throw new ApiError(problem);
    const renewed = await call.auth.renew(token);
    if (!renewed) throw new ApiError(signedOut);
    res = await send(call, renewed);
  }
  if (!res.ok) throw new ApiError(await problemOf(res));
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Follows `next_cursor` to the end (bounded), for small lists used in pickers. */
export async function listAll<T>(fetchPage: (cursor?: string) => Promise<Page<T>>, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetchPage(cursor);
    out.push(...page.data);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out;
}

/** Calls that need no signed-in user. */
export const publicApi = {
  login: (body: { email: string; password: string }) =>
    request<TokenResponse>({ method: 'POST', path: '/auth/login', body }),
  signup: (body: SignupInput, idempotencyKey: string) =>
    request<SignupResponse>({ method: 'POST', path: '/signup', body, idempotencyKey }),
  refresh: (refresh_token: string) =>
    request<TokenResponse>({ method: 'POST', path: '/auth/refresh', body: { refresh_token } }),
  logout: (refresh_token: string, bearer?: string) =>
    request<void>({ method: 'POST', path: '/auth/logout', body: { refresh_token }, ...(bearer ? { bearer } : {}) }),
};

export function createApi(auth: AuthSource) {
  const get = <T>(path: string) => request<T>({ method: 'GET', path, auth });
  const post = <T>(path: string, body: unknown, idempotencyKey?: string) =>
    request<T>({ method: 'POST', path, body, auth, ...(idempotencyKey ? { idempotencyKey } : {}) });
  const patch = <T>(path: string, body: unknown) => request<T>({ method: 'PATCH', path, body, auth });
  const id = encodeURIComponent;

  return {
    me: () => get<Me>('/me'),

    listStores: (cursor?: string) => get<Page<Store>>(`/stores${query({ cursor, limit: 200 })}`),
    getStore: (storeId: string) => get<Store>(`/stores/${id(storeId)}`),
    createStore: (body: StoreInput, key: string) => post<Store>('/stores', body, key),
    updateStore: (storeId: string, body: Partial<StoreInput>) => patch<Store>(`/stores/${id(storeId)}`, body),

    listRegisters: (storeId: string, cursor?: string) =>
      get<Page<Register>>(`/stores/${id(storeId)}/registers${query({ cursor, limit: 200 })}`),
    createRegister: (storeId: string, body: { name: string }, key: string) =>
      post<Register>(`/stores/${id(storeId)}/registers`, body, key),

    listUsers: (opts: { limit?: number; cursor?: string | null } = {}) =>
      get<Page<User>>(`/users${query({ limit: opts.limit, cursor: opts.cursor })}`),
    createUser: (body: UserCreate, key: string) => post<User>('/users', body, key),
    updateUser: (userId: string, body: UserUpdate) => patch<User>(`/users/${id(userId)}`, body),
    deactivateUser: (userId: string, key: string) => post<User>(`/users/${id(userId)}/deactivate`, {}, key),
    setUserPin: (userId: string, pin: string, key: string) => post<void>(`/users/${id(userId)}/pin`, { pin }, key),
    unlockUserPin: (userId: string, key: string) => post<void>(`/users/${id(userId)}/pin/unlock`, {}, key),

    unlockRegisterPin: (registerId: string) => post<void>(`/registers/${id(registerId)}/pin/unlock`, {}),

    /** The till's name tiles; called with the pairing user's token. */
    listCashiers: (storeId: string) => get<{ data: Cashier[] }>(`/stores/${id(storeId)}/cashiers`),
    /**
     * Switches the cashier on a paired register; called with the pairing user's token. With
     * `user_id` (a tapped name) wrong PINs count against that person, without it against the register.
     */
    pinSignIn: (body: { store_id: string; register_id: string; pin: string; user_id?: string }) =>
      post<PinSession>('/auth/pin', body),
  };
}

export type Api = ReturnType<typeof createApi>;
