// Gift card codes: 15 random digits and a Luhn check digit (the scheme of card numbers: it catches
// every single-digit typo and most swapped neighbours). Only an HMAC of the code is stored, keyed
// as identity keys its PIN HMACs, so a copy of the database gives no usable codes.
import { createHash, createHmac, hkdfSync, randomInt } from 'node:crypto';

export interface PaymentsKeys {
  /** Key of the gift card code HMACs. */
  giftCardCode: Buffer;
}

/** Keys derived from the master key, so every replica that shares it agrees. */
export function paymentsKeys(masterKey: Buffer): PaymentsKeys {
  return { giftCardCode: Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'novapos/gift-card-code', 32)) };
}

export function luhnCheckDigit(body: string): number {
  let sum = 0;
  // from the right, every second digit of the body is doubled (it sits left of the check digit)
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export const isValidGiftCardCode = (code: string): boolean => /^\d{16}$/.test(code) && luhnCheckDigit(code.slice(0, 15)) === Number(code[15]);

const withCheckDigit = (body15: string): string => `${body15}${luhnCheckDigit(body15)}`;

export function generateGiftCardCode(): string {
  let body = String(randomInt(1, 10));
  for (let i = 1; i < 15; i++) body += String(randomInt(0, 10));
  return withCheckDigit(body);
}

/**
 * The code a card issued under an Idempotency-Key gets: derived from the key, so a retried issue
 * answers the same code without the code ever being stored anywhere.
 */
export function giftCardCodeForKey(keys: PaymentsKeys, tenantId: string, idempotencyKey: string): string {
  const digest = createHmac('sha256', keys.giftCardCode).update(`issue:${tenantId}:${idempotencyKey}`).digest('hex');
  const n = BigInt(`0x${digest}`);
  // a leading 1-9 then 14 digits, as generated codes look
  return withCheckDigit(`${(n % 9n) + 1n}${((n / 9n) % 10n ** 14n).toString().padStart(14, '0')}`);
}

export const giftCardCodeHmac = (keys: PaymentsKeys, tenantId: string, code: string): string =>
  createHmac('sha256', keys.giftCardCode).update(`${tenantId}:${code}`).digest('base64url');

export const hashIdempotencyKey = (key: string): string => createHash('sha256').update(key).digest('hex');
