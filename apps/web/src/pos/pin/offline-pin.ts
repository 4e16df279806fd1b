// Checks a PIN on the till, against the cached verifiers, with WebCrypto's PBKDF2 (the network is
// down; online the till still asks the server, POST /auth/pin, which also counts and locks).
import type { PinVerifier } from './verifiers';

/** hex (even length) or base64 / base64url */
export function decodeBytes(s: string): Uint8Array<ArrayBuffer> {
  if (/^(?:[0-9a-f]{2})+$/i.test(s)) return Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16));
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export async function pbkdf2(pin: string, salt: Uint8Array<ArrayBuffer>, iterations: number, bytes: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, bytes * 8));
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export async function pinMatches(pin: string, v: PinVerifier): Promise<boolean> {
  const expected = decodeBytes(v.verifier);
  return same(await pbkdf2(pin, decodeBytes(v.salt), v.iterations, expected.length), expected);
}

export type OfflinePinResult =
  | { ok: true; user: { id: string; name: string; role: string } }
  | { ok: false; reason: 'no_verifiers' | 'no_verifier' | 'locked' | 'wrong' };

/**
 * Who this PIN belongs to: the picked person's verifier, or (PIN only) the first verifier it
 * matches. A person the server has locked stays locked offline.
 */
export async function checkPinOffline(list: readonly PinVerifier[] | null, pin: string, userId: string | null): Promise<OfflinePinResult> {
  if (!list?.length) return { ok: false, reason: 'no_verifiers' };
  const candidates = userId ? list.filter((v) => v.user_id === userId) : list;
  if (!candidates.length) return { ok: false, reason: 'no_verifier' };
  for (const v of candidates) {
    if (await pinMatches(pin, v)) {
      if (v.pin_locked) return { ok: false, reason: 'locked' };
      return { ok: true, user: { id: v.user_id, name: v.name, role: v.role } };
    }
  }
  return { ok: false, reason: 'wrong' };
}
