// Store-and-forward card data: a till that is offline cannot tokenize, so it encrypts the card to
// this key (RSA-OAEP with SHA-256, WebCrypto's `RSA-OAEP`) and hands the ciphertext to NovaPOS,
// which forwards it with the charge once it is back online. Only the processor holds the private
// key: NovaPOS stores and forwards a blob it can never read.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, constants, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { TerminalKey } from './contract.ts';

/** What the till encrypts: the card as typed or read, UTF-8 JSON. */
const EncryptedCardPlain = z.strictObject({
  number: z.string().max(32),
  exp_month: z.union([z.int(), z.string().regex(/^\d{1,4}$/).transform(Number)]),
  exp_year: z.union([z.int(), z.string().regex(/^\d{1,4}$/).transform(Number)]),
  cvc: z.string().max(8),
});
export type CardPlain = z.output<typeof EncryptedCardPlain>;

export interface TerminalKeyPair {
  /** The public half as served to tills. */
  publicKey: TerminalKey;
  /** PKCS#8 PEM of the private key (to keep it across restarts in development). */
  privatePem: string;
  /** The card inside a blob, or null when it is not one of ours (wrong key, tampered, not JSON). */
  decrypt(blob: string): CardPlain | null;
}

export function newTerminalKeyPem(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function createTerminalKey(privatePem: string = newTerminalKeyPem()): TerminalKeyPair {
  const priv: KeyObject = createPrivateKey(privatePem);
  const jwk = createPublicKey(priv).export({ format: 'jwk' }) as { kty: string; n: string; e: string };
  const kid = `tk_${createHash('sha256').update(jwk.n).digest('base64url').slice(0, 16)}`;
  return {
    privatePem,
    publicKey: {
      object: 'terminal_key',
      kid,
      alg: 'RSA-OAEP-256',
      jwk: { kty: 'RSA', n: jwk.n, e: jwk.e, alg: 'RSA-OAEP-256', use: 'enc', key_ops: ['encrypt'], kid },
    },
    decrypt(blob) {
      // base64url or base64, as WebCrypto callers tend to produce either
      const bytes = Buffer.from(blob.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      if (bytes.length !== 256) return null;
      let text: string;
      try {
        text = privateDecrypt({ key: priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, bytes).toString('utf8');
      } catch {
        return null;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return null;
      }
      const parsed = EncryptedCardPlain.safeParse(json);
      return parsed.success ? parsed.data : null;
    },
  };
}
