// Bearer tokens and their rotation. Refresh tokens rotate (a reused one fails), so a refresh is
// single-flight per token inside this tab and serialised across tabs with a Web Lock; whoever
// holds the lock re-reads storage first, so a token another tab already rotated is not reused.
import { ApiError, publicApi, type AuthSource, type TokenResponse } from '../api/client';

export type Tokens = { access_token: string; access_expires_at: number; refresh_token: string };

export interface TokenSlot {
  readTokens(): Tokens | null;
  writeTokens(tokens: Tokens): void;
  /** The refresh token was refused: the session behind this slot is over. */
  end(): void;
}

// Slots that may hold the same token family (the admin session and the POS pairing when a
// manager paired the till from their signed-in session); a rotation updates all of them.
const sharedSlots = new Set<TokenSlot>();
export const registerTokenSlot = (slot: TokenSlot) => void sharedSlots.add(slot);

const inflight = new Map<string, Promise<Tokens | null>>();
const EXPIRY_MARGIN_MS = 30_000;

export function tokensFrom(res: Pick<TokenResponse, 'access_token' | 'refresh_token' | 'expires_in'>): Tokens {
  return {
    access_token: res.access_token,
    refresh_token: res.refresh_token,
    access_expires_at: Date.now() + res.expires_in * 1000,
  };
}

export const isTokens = (v: unknown): v is Tokens =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Tokens).access_token === 'string' &&
  typeof (v as Tokens).refresh_token === 'string' &&
  typeof (v as Tokens).access_expires_at === 'number';

async function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? locks.request('novapos.token-refresh', fn) : fn();
}

async function rotate(slot: TokenSlot, oldRefresh: string): Promise<Tokens | null> {
  const current = slot.readTokens();
  if (!current) return null;
  if (current.refresh_token !== oldRefresh) return current;
  const holders = [...new Set([slot, ...sharedSlots])].filter((s) => s.readTokens()?.refresh_token === oldRefresh);
  try {
    const next = tokensFrom(await publicApi.refresh(oldRefresh));
    holders.forEach((s) => s.writeTokens(next));
    return next;
  } catch (err) {
    // Offline or a server error: keep the tokens and let the caller show the failure.
    if (err instanceof ApiError && err.status >= 400 && err.status < 500 && ![408, 409, 429].includes(err.status)) {
      holders.forEach((s) => s.end());
      return null;
    }
    throw err;
  }
}

export function refreshSlot(slot: TokenSlot): Promise<Tokens | null> {
  const tokens = slot.readTokens();
  if (!tokens) return Promise.resolve(null);
  const key = tokens.refresh_token;
  let pending = inflight.get(key);
  if (!pending) {
    pending = withRefreshLock(() => rotate(slot, key)).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  return pending;
}

export function authFor(slot: TokenSlot): AuthSource {
  return {
    async accessToken() {
      const tokens = slot.readTokens();
      if (!tokens) return null;
      if (tokens.access_expires_at - EXPIRY_MARGIN_MS > Date.now()) return tokens.access_token;
      return (await refreshSlot(slot))?.access_token ?? null;
    },
    async renew(rejected) {
      const tokens = slot.readTokens();
      if (!tokens) return null;
      if (tokens.access_token !== rejected) return tokens.access_token;
      return (await refreshSlot(slot))?.access_token ?? null;
    },
  };
}

/** A slot that lives only in memory: the POS sign-in used while choosing what to pair. */
export function memorySlot(initial: Tokens, onEnd: () => void): TokenSlot {
  let tokens: Tokens | null = initial;
  return {
    readTokens: () => tokens,
    writeTokens: (t) => void (tokens = t),
    end: () => {
      tokens = null;
      onEnd();
    },
  };
}

/** Revokes a refresh token unless another slot still relies on it. Best effort. */
export async function revoke(tokens: Tokens, stillUsedBy: (TokenSlot | null)[]): Promise<void> {
  if (stillUsedBy.some((s) => s?.readTokens()?.refresh_token === tokens.refresh_token)) return;
  try {
    await publicApi.logout(tokens.refresh_token, tokens.access_token);
  } catch {
    // Signing out locally must work offline and with an already-dead token.
  }
}
