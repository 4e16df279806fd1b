// Tenders taken while the till cannot reach the server. Card: store and forward — the card is
// encrypted here, with WebCrypto, to the processor's terminal key (RSA-OAEP-256, fetched while
// online); only the ciphertext is queued and NovaPOS can never read it. Gift card: up to the
// tenant's offline limit against the last balance this till saw (kept under a hash of the code).
// The limits come from GET /payments/terminal, cached while online.
import type { PaymentInput, TillDb } from '../db/till-db';
import { loadTerminal } from './card-terminal';
import type { TenderApi, TerminalConfig } from './tender-api';
import type { CardInput } from './tender-state';

const TERMINAL_KEY = 'payments_terminal';
const TERMINAL_PUBLIC_KEY = 'payments_terminal_key';
const balanceKey = (hash: string) => `gift_card_balance:${hash}`;

/** GET /v1/terminal/key at the processor. */
export type TerminalKey = { kid: string; alg: 'RSA-OAEP-256'; jwk: { kty?: string; n?: string; e?: string; [field: string]: unknown } };

/** What the till may take offline, as last known (null: it never reached the server). */
export type OfflineTerms = { config: TerminalConfig; key: TerminalKey | null };

/** A payment taken offline on the sale being rung, queued with the sale when it is finished. */
export type OfflinePayment = { label: string; amount: number; input: PaymentInput };

/**
 * While online: the terminal config (stored by loadTerminal) and the processor's terminal key,
 * both kept for the next time the network is gone.
 */
export async function refreshOfflineTerms(db: TillDb, api: TenderApi): Promise<void> {
  const cfg = await loadTerminal(api);
  if (!cfg.offline_card.enabled) return;
  const res = await fetch(`${cfg.processor_url.replace(/\/$/, '')}/v1/terminal/key`, {
    headers: { authorization: `Bearer ${cfg.publishable_key}` },
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  });
  if (!res.ok) return;
  const key = (await res.json()) as TerminalKey;
  if (key?.alg === 'RSA-OAEP-256' && key.jwk) await db.setMeta(TERMINAL_PUBLIC_KEY, key);
}

export async function offlineTerms(db: TillDb): Promise<OfflineTerms | null> {
  const config = await db.getMeta<TerminalConfig>(TERMINAL_KEY);
  if (!config) return null;
  return { config, key: (await db.getMeta<TerminalKey>(TERMINAL_PUBLIC_KEY)) ?? null };
}

const b64url = (buf: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** base64url of the RSA-OAEP-256 ciphertext of the card's JSON under the terminal key. */
export async function encryptCard(key: TerminalKey, card: CardInput): Promise<string> {
  // a JWK as the processor serves it (typed loosely: the server-side typecheck has no DOM lib)
  const k = await crypto.subtle.importKey('jwk', key.jwk as never, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']);
  const plain = new TextEncoder().encode(JSON.stringify({ number: card.number, exp_month: card.exp_month, exp_year: card.exp_year, cvc: card.cvc }));
  return b64url(await crypto.subtle.encrypt({ name: 'RSA-OAEP' }, k, plain));
}

/** Offline card amounts this device holds in its queue, not yet sent (the per-device cap counts them). */
export async function queuedOfflineCardTotal(db: TillDb): Promise<number> {
  const queued = await db.sales.where('status').equals('queued').toArray();
  return queued.reduce((sum, s) => sum + s.body.payments.filter((p) => p.tender === 'card' && p.offline).reduce((a, p) => a + p.amount.amount, 0), 0);
}

/** Why an offline card of `amount` may not be taken, or null when it may. */
export function offlineCardRefusal(terms: OfflineTerms | null, amount: number, held: number, fmt: (n: number) => string): string | null {
  if (!terms || !terms.config.offline_card.enabled) return 'Cards can’t be taken offline for this business (a manager can enable store-and-forward in the payment settings). Take cash.';
  if (!terms.key) return 'This till has no card terminal key yet: connect it once while card offline payments are enabled. Take cash.';
  const { per_payment_cap, per_device_cap } = terms.config.offline_card;
  if (amount > per_payment_cap) return `An offline card payment is limited to ${fmt(per_payment_cap)}. Charge at most that on the card and the rest in cash.`;
  if (held + amount > per_device_cap)
    return `This till already holds ${fmt(held)} of offline card payments; the limit is ${fmt(per_device_cap)} until it syncs. ${per_device_cap - held > 0 ? `At most ${fmt(per_device_cap - held)} more can go on a card.` : 'Take cash.'}`;
  return null;
}

async function codeHash(code: string): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`novapos-gift-card:${code}`));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export type KnownBalance = { balance: number; last4: string; seen_at: string };

/** Remembers a gift card's balance as the server gave it (online). */
export async function rememberGiftCard(db: TillDb, code: string, balance: number, last4: string): Promise<void> {
  await db.setMeta(balanceKey(await codeHash(code)), { balance, last4, seen_at: new Date().toISOString() } satisfies KnownBalance);
}

export async function knownGiftCard(db: TillDb, code: string): Promise<KnownBalance | null> {
  return (await db.getMeta<KnownBalance>(balanceKey(await codeHash(code)))) ?? null;
}

/** What may be redeemed offline: the limit, and no more than the last known balance. */
export function offlineGiftCardCap(limit: number, known: KnownBalance | null): number {
  return Math.max(0, known ? Math.min(limit, known.balance) : limit);
}

/** After queuing an offline redemption, the known balance goes down by it (unknown cards stay unknown). */
export async function spendKnownGiftCard(db: TillDb, code: string, amount: number): Promise<void> {
  const known = await knownGiftCard(db, code);
  if (known) await rememberGiftCard(db, code, Math.max(0, known.balance - amount), known.last4);
}
