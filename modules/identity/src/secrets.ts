import { createHash, createHmac, hkdfSync, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import argon2 from 'argon2';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { AppError } from '@novapos/platform';

/** OWASP's argon2id minimum: 19 MiB, 2 iterations, parallelism 1. */
const ARGON2 = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, ARGON2);

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  // Unknown users still cost one hash, so response time does not reveal which e-mails exist.
  if (!hash) {
    await argon2.hash(password, ARGON2);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

export interface Keys {
  jwt: Uint8Array;
  pinPepper: Buffer;
}

/** Keys derived from the master key, so every replica that shares it agrees. */
export function deriveKeys(masterKey: Buffer): Keys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
  return { jwt: new Uint8Array(derive('novapos/jwt-hs256')), pinPepper: derive('novapos/pin-pepper') };
}

export const pinHmac = (keys: Keys, tenantId: string, pin: string): string =>
  createHmac('sha256', keys.pinPepper).update(`${tenantId}:${pin}`).digest('base64url');

/**
 * Offline PIN verifiers. A paired till caches, per cashier, `PBKDF2-HMAC-SHA256(PIN, salt,
 * iterations)` and checks a PIN typed while offline against it with WebCrypto.
 *
 * The trade-off, said plainly: a 4 to 6 digit PIN has only 10^4 to 10^6 values. Whoever copies a
 * till's IndexedDB (a stolen or shared device, a browser extension, devtools) can try them all
 * against a verifier. At 200,000 iterations one current GPU (hashcat, PBKDF2-HMAC-SHA256) makes
 * roughly 45,000 guesses a second: every 4-digit PIN in under a second, every 6-digit PIN in under
 * half a minute; one CPU core (~10 a second) needs ~15 minutes and ~1 day. No iteration count
 * fixes a search space this small (600,000, OWASP's figure for passwords, only triples those
 * times) while it makes every offline check on the till slower (~0.1-0.3 s per cashier tried with
 * WebCrypto), so the count is kept at 200,000. What limits the damage instead:
 * - the verifier uses its own random salt per user and PIN set, never the server's pepper, so the
 *   server-side pin_hmac (peppered, rate-limited, lockable) is not exposed and a cracked verifier
 *   says nothing about another tenant or another user;
 * - verifiers go only to a paired device (permission pos.pair), only for the store's active,
 *   unlocked users; a changed PIN gets a new salt, so old copies go stale;
 * - a PIN only switches a cashier in on a till that a manager already signed in, and every sale
 *   made offline is re-checked by the server when it syncs (prices, discounts, permissions);
 * - a PIN must not double as anything else (a door code, a card PIN).
 * A business that cannot accept this turns offline PIN switch off on the till (one cashier per
 * offline session), which is the only defence against brute force of short PINs on a device.
 */
export const PIN_VERIFIER_ITERATIONS = 200_000;
export const PIN_VERIFIER_ALGORITHM = 'PBKDF2-SHA256';

export interface PinVerifier {
  algorithm: typeof PIN_VERIFIER_ALGORITHM;
  /** base64 of 16 random bytes */
  salt: string;
  iterations: number;
  /** base64 of the 32-byte derived key */
  verifier: string;
}

const pbkdf2Async = promisify(pbkdf2);

export async function pinVerifier(pin: string, salt: Buffer = randomBytes(16), iterations = PIN_VERIFIER_ITERATIONS): Promise<PinVerifier> {
  const key = await pbkdf2Async(Buffer.from(pin, 'utf8'), salt, iterations, 32, 'sha256');
  return { algorithm: PIN_VERIFIER_ALGORITHM, salt: salt.toString('base64'), iterations, verifier: key.toString('base64') };
}

export const ACCESS_TTL_SECONDS = 15 * 60;
export const PIN_ACCESS_TTL_SECONDS = 12 * 60 * 60;
export const REFRESH_TTL_DAYS = 30;
const ISSUER = 'novapos';
const AUDIENCE = 'novapos-api';
const ALG = 'HS256';

export interface AccessClaims {
  sub: string;
  tid: string;
  /** Register a PIN session is bound to. */
  reg?: string;
  amr: string[];
}

export async function signAccess(keys: Keys, claims: AccessClaims, ttlSeconds: number, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ tid: claims.tid, amr: claims.amr, ...(claims.reg ? { reg: claims.reg } : {}) })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .setJti(randomBytes(12).toString('base64url'))
    .sign(keys.jwt);
}

/**
 * Tokens already verified, with their expiry: a till sends the same token on every request, and
 * HMAC verification through WebCrypto is a sizeable share of a cheap request. Bounded; entries
 * are only trusted until the token's own `exp`.
 */
const verifiedByKey = new WeakMap<Keys, Map<string, { claims: AccessClaims; exp: number }>>();
const VERIFIED_MAX = 10_000;

export async function verifyAccess(keys: Keys, token: string, now: Date): Promise<AccessClaims> {
  let verified = verifiedByKey.get(keys);
  if (!verified) verifiedByKey.set(keys, (verified = new Map()));
  const hit = verified.get(token);
  if (hit && hit.exp > now.getTime() / 1000) return hit.claims;
  const claims = await verifyAccessUncached(keys, token, now);
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
  verified.set(token, { claims, exp: expOf(token) });
  return claims;
}

function expOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number };
  return payload.exp;
}

async function verifyAccessUncached(keys: Keys, token: string, now: Date): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, keys.jwt, {
      algorithms: [ALG],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: now,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    if (typeof payload.sub !== 'string' || typeof payload.tid !== 'string') throw new Error('claims');
    return { sub: payload.sub, tid: payload.tid, amr: Array.isArray(payload.amr) ? (payload.amr as string[]) : [], ...(typeof payload.reg === 'string' ? { reg: payload.reg } : {}) };
  } catch (err) {
    const expired = err instanceof joseErrors.JWTExpired;
    throw new AppError(401, expired ? 'token_expired' : 'invalid_token', expired ? 'The access token has expired; refresh it' : 'The access token is not valid', {
      headers: { 'www-authenticate': `Bearer error="invalid_token"` },
    });
  }
}

/** Refresh tokens: `<tenant>.<id>.<secret>`; only a SHA-256 of the secret is stored. */
export function newRefreshSecret(): string {
  return randomBytes(32).toString('base64url');
}
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
export function parseRefreshToken(token: string): { tenantId: string; id: string; secret: string } | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [tenantId, id, secret] = parts as [string, string, string];
  const uuid = /^[0-9a-f-]{36}$/i;
  if (!uuid.test(tenantId) || !uuid.test(id) || secret.length < 20) return null;
  return { tenantId, id, secret };
}
