// This till's identity towards the push endpoint: a device id minted at pairing (UUIDv7), kept in
// the till database with the register it was minted for, and a sequence per device id. A new
// pairing mints a new device (its sequence starts again at 1); rows of an earlier device keep their
// own id and sequence and are still pushed under it.
import { uuidv7 } from 'uuidv7';
import type { TillDb } from '../pos/db/till-db';
import { raiseCounter } from './sale-queue';

export const DEVICE_RECORD_KEY = 'device';
export const deviceSeqKey = (deviceId: string) => `device_seq:${deviceId}`;
/** the highest seq the server said it processed for the device (shown, and a floor for checks) */
export const deviceAckKey = (deviceId: string) => `device_acked:${deviceId}`;

export type DeviceRecord = { device_id: string; register_id: string; minted_at: string };

/** Mints a device for a (new) pairing of this register. Call inside or outside a transaction. */
export async function mintDevice(db: TillDb, registerId: string, now: Date = new Date()): Promise<DeviceRecord> {
  return db.transaction('rw', db.meta, async () => {
    const record: DeviceRecord = { device_id: uuidv7(), register_id: registerId, minted_at: now.toISOString() };
    await db.setMeta(DEVICE_RECORD_KEY, record);
    await db.setMeta(deviceSeqKey(record.device_id), 0);
    return record;
  });
}

/** The device of this register's pairing; mints one when the till was paired before devices existed. */
export async function currentDevice(db: TillDb, registerId: string): Promise<DeviceRecord> {
  return db.transaction('rw', db.meta, async () => {
    const record = await db.getMeta<DeviceRecord>(DEVICE_RECORD_KEY);
    if (record && record.register_id === registerId) return record;
    return mintDevice(db, registerId);
  });
}

/** The next seq of a device; call inside the transaction that writes the mutation. */
export async function nextDeviceSeq(db: TillDb, deviceId: string): Promise<number> {
  const seq = ((await db.getMeta<number>(deviceSeqKey(deviceId))) ?? 0) + 1;
  await db.setMeta(deviceSeqKey(deviceId), seq);
  return seq;
}

/**
 * The number in a `GET /registers/:id/last-number` answer: the server's highest order number for
 * the register (`S1-R2-000042` or 42; null, or a missing field, when it has none).
 */
export function lastNumberOf(reply: unknown, prefix: string | null): number {
  const pick = (v: unknown): unknown => {
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of ['last_number', 'number', 'last', 'highest', 'sequence']) if (k in o) return pick(o[k]);
      return null;
    }
    return v;
  };
  const v = pick(reply);
  if (typeof v === 'number' && Number.isFinite(v)) return Math.max(0, Math.floor(v));
  if (typeof v !== 'string' || !v) return 0;
  if (prefix && v.startsWith(prefix)) return Number(v.slice(prefix.length)) || 0;
  if (/^\d+$/.test(v)) return Number(v);
  // another prefix (the register was renumbered): its digits still bound what was used
  const m = /(\d+)$/.exec(v);
  return m ? Number(m[1]) : 0;
}

/**
 * At pairing: a new device for the register, and the register's order counter raised to the
 * server's highest number for it (a device paired again, or a replaced one, goes on from there).
 */
export async function pairDevice(
  db: TillDb,
  lastNumber: () => Promise<unknown>,
  registerId: string,
  prefix: string | null,
): Promise<{ device: DeviceRecord; counter: number | null }> {
  const device = await mintDevice(db, registerId);
  let counter: number | null = null;
  try {
    const floor = lastNumberOf(await lastNumber(), prefix);
    counter = await raiseCounter(db, registerId, floor);
  } catch {
    // The till's settings refresh tries again (and falls back to the register's orders).
  }
  return { device, counter };
}
