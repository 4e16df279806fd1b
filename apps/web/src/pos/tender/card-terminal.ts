// The card terminal: the card goes from this screen straight to the processor, which answers a
// one-use token; only the token reaches NovaPOS. The number lives in memory for the one request
// and is never written to IndexedDB, localStorage or a NovaPOS request.
import { tillDb } from '../db/till-db';
import type { TenderApi, TerminalConfig } from './tender-api';
import type { CardInput } from './tender-state';

const TERMINAL_KEY = 'payments_terminal';

// Used only when neither GET /payments/terminal nor a stored answer is available: the sandbox
// that `npm start` runs beside the server.
export const FALLBACK_TERMINAL: TerminalConfig = {
  processor_url: 'http://localhost:3001',
  publishable_key: 'pk_test_novapos',
  offline_card: { enabled: false, per_payment_cap: 0, per_device_cap: 0 },
  offline_gift_card_limit: 0,
};

/** The processor's address and keys: from the server when it answers, else the last known, else the fallback. */
export async function loadTerminal(api: TenderApi): Promise<TerminalConfig> {
  try {
    const cfg = await api.terminal();
    await tillDb().setMeta(TERMINAL_KEY, cfg);
    return cfg;
  } catch {
    return (await tillDb().getMeta<TerminalConfig>(TERMINAL_KEY)) ?? FALLBACK_TERMINAL;
  }
}

/** The processor's test cards, offered as one key each in the terminal dialog. */
export const TEST_CARDS = [
  { key: '1', label: 'Approves', number: '4242424242424242' },
  { key: '2', label: 'Declines', number: '4000000000000002' },
  { key: '3', label: 'Insufficient funds', number: '4000000000009995' },
  { key: '4', label: 'Times out', number: '4000000000000408' },
] as const;

export const testCard = (number: string): CardInput => ({ number, exp_month: 12, exp_year: new Date().getFullYear() + 3, cvc: '123' });

export type CardToken = { id: string; brand: string; last4: string };

/** Tokenizes at the processor with the publishable key (the processor allows this from browsers). */
export async function tokenize(cfg: TerminalConfig, card: CardInput): Promise<CardToken> {
  let res: Response;
  try {
    res = await fetch(`${cfg.processor_url.replace(/\/$/, '')}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cfg.publishable_key}`, 'content-type': 'application/json' },
      body: JSON.stringify(card),
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new Error('The card terminal cannot reach the card processor. Check the connection, or take another tender.');
  }
  const body = (await res.json().catch(() => null)) as { id?: string; card?: { brand: string; last4: string }; error?: { message?: string } } | null;
  if (!res.ok || !body?.id) throw new Error(body?.error?.message ?? `The card processor refused the card (${res.status}).`);
  return { id: body.id, brand: body.card?.brand ?? 'card', last4: body.card?.last4 ?? '' };
}
