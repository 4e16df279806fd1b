// Crypto checkout: a charge with a hosted page; paying or expiring it sends a webhook.
import { createHash } from 'node:crypto';
import type { CryptoCharge, CryptoChargeCreate } from './contract.ts';
import { fail, newId, ok, type Result } from './errors.ts';
import type { Timers } from './timers.ts';
import type { WebhookSender } from './webhooks.ts';

export interface CryptoServiceDeps {
  now: () => Date;
  timers: Timers;
  webhooks: WebhookSender;
  /** Where the hosted pages are served from, as the customer's browser reaches them. */
  publicUrl: () => string;
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** A testnet-looking address derived from the charge id (deterministic, never a real one). */
export function depositAddress(chargeId: string): string {
  const digest = createHash('sha256').update(chargeId).digest();
  let out = 'tb1q';
  for (let i = 0; i < 38; i++) out += BECH32[digest[i % digest.length]! % 32];
  return out;
}

export function createCryptoService({ now, timers, webhooks, publicUrl }: CryptoServiceDeps) {
  const charges = new Map<string, CryptoCharge>();
  const byKey = new Map<string, string>();
  const cancelExpiry = new Map<string, () => void>();
  const unix = () => Math.floor(now().getTime() / 1000);
  const copy = <T>(v: T): T => structuredClone(v);

  function expireIfDue(charge: CryptoCharge) {
    if (charge.status !== 'pending' || now().getTime() < charge.expires_at * 1000) return;
    charge.status = 'expired';
    charge.expired_at = unix();
    cancelExpiry.get(charge.id)?.();
    cancelExpiry.delete(charge.id);
    webhooks.emit('crypto_charge.expired', copy(charge));
  }

  function expireDue() {
    for (const id of cancelExpiry.keys()) {
      const charge = charges.get(id);
      if (charge) expireIfDue(charge);
    }
  }

  return {
    create(input: CryptoChargeCreate, idempotencyKey: string): CryptoCharge {
      const id = newId('cc');
      const created = unix();
      const charge: CryptoCharge = {
        id,
        object: 'crypto_charge',
        amount: input.amount,
        currency: input.currency,
        status: 'pending',
        hosted_url: `${publicUrl()}/pay/${id}`,
        address: depositAddress(id),
        metadata: input.metadata,
        idempotency_key: idempotencyKey,
        created,
        expires_at: created + input.expires_in_seconds,
        paid_at: null,
        expired_at: null,
      };
      charges.set(id, charge);
      byKey.set(idempotencyKey, id);
      // a timer for the usual case; the sweep catches an injected clock that jumps ahead
      cancelExpiry.set(id, timers.after(charge.expires_at * 1000 - now().getTime(), expireDue));
      return copy(charge);
    },

    get(id: string): Result<CryptoCharge> {
      const charge = charges.get(id);
      if (!charge) return fail('resource_missing', `No such crypto charge: '${id}'`, { param: 'id' });
      expireIfDue(charge);
      return ok(copy(charge));
    },

    /** By idempotency key, else newest first. */
    list(query: { idempotency_key?: string | undefined; limit: number }): CryptoCharge[] {
      let list: CryptoCharge[];
      if (query.idempotency_key !== undefined) {
        const id = byKey.get(query.idempotency_key);
        const charge = id ? charges.get(id) : undefined;
        list = charge ? [charge] : [];
      } else {
        list = [...charges.values()].toReversed().slice(0, query.limit);
      }
      for (const c of list) expireIfDue(c);
      return list.map(copy);
    },

    /** Paying twice is harmless: the second call returns the paid charge and sends nothing. */
    pay(id: string): Result<CryptoCharge> {
      const charge = charges.get(id);
      if (!charge) return fail('resource_missing', `No such crypto charge: '${id}'`, { param: 'id' });
      expireIfDue(charge);
      if (charge.status === 'expired') return fail('crypto_charge_expired', `Crypto charge ${id} expired; create a new one.`);
      if (charge.status === 'pending') {
        charge.status = 'paid';
        charge.paid_at = unix();
        cancelExpiry.get(id)?.();
        cancelExpiry.delete(id);
        webhooks.emit('crypto_charge.paid', copy(charge));
      }
      return ok(copy(charge));
    },

    expireDue,

    stats() {
      const byStatus: Record<string, number> = {};
      const keys: Record<string, number> = {};
      for (const c of charges.values()) {
        byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
        keys[c.idempotency_key] = (keys[c.idempotency_key] ?? 0) + 1;
      }
      return { count: charges.size, by_status: byStatus, by_idempotency_key: keys };
    },
  };
}

export type CryptoService = ReturnType<typeof createCryptoService>;
