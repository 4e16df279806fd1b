import { fileURLToPath } from 'node:url';
import { conflict, defineRoute, notFound, type AnyRouteDef, type Ctx, type Kernel, type MigrationSource, type NovaModule } from '@novapos/platform';
import { DeviceDto, DeviceErrors, DeviceParams, type StoredResult } from './contract.ts';
import * as repo from './devices.repository.ts';

export * from './contract.ts';

export const devicesMigrations: MigrationSource = {
  module: 'devices',
  schema: 'devices',
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
};

export interface DeviceState {
  device_id: string;
  store_id: string;
  register_id: string;
  last_applied_seq: number;
}

/** One processed mutation, as the push log keeps it. */
export interface LogEntry {
  device_id: string;
  seq: number;
  mutation_id: string;
  name: string;
  status: 'applied' | 'rejected';
  order_id: string | null;
  order: unknown;
  problem: Record<string, unknown> | null;
  captured_offline: boolean;
  offline_card_amount: number;
  cashier_id: string | null;
}

/**
 * Devices' service API for the offline-sync flow. Every function runs in the caller's transaction
 * (`ctx.trx`) and returns plain data.
 */
export interface DevicesApi {
  /** The device, created at its first push bound to the register; 409 device_register_mismatch if it was paired to another. */
  ensure(ctx: Ctx, input: { deviceId: string; storeId: string; registerId: string }): Promise<DeviceState>;
  /** The device with a row lock (`FOR UPDATE`), or null. */
  lock(ctx: Ctx, deviceId: string): Promise<DeviceState | null>;
  /** Takes or renews the push lease (free, expired, or already `owner`'s); false while another push holds it. */
  takeLease(ctx: Ctx, deviceId: string, owner: string, seconds: number): Promise<boolean>;
  dropLease(ctx: Ctx, deviceId: string, owner: string): Promise<void>;
  /** What was answered for the seqs in [from, to] that were processed. */
  storedResults(ctx: Ctx, deviceId: string, from: number, to: number): Promise<Map<number, StoredResult>>;
  /** Offline card amounts the device held before `seq` (since its last online sale). */
  offlineCardHeld(ctx: Ctx, deviceId: string, seq: number): Promise<number>;
  /** Logs a processed mutation and moves the sequence to it; false when its seq is not the next one (another push got there first). */
  record(ctx: Ctx, entry: LogEntry): Promise<boolean>;
}

export interface DevicesModule extends NovaModule {
  migrations: MigrationSource;
  routes(kernel: Kernel): AnyRouteDef[];
  service: DevicesApi;
}

const stateOf = (r: { id: string; store_id: string; register_id: string; last_applied_seq: number }): DeviceState => ({
  device_id: r.id,
  store_id: r.store_id,
  register_id: r.register_id,
  last_applied_seq: Number(r.last_applied_seq),
});

const reachable = (ctx: Ctx, storeId: string) => ctx.actor.storeIds === null || ctx.actor.storeIds.includes(storeId);

export function createDevicesModule(): DevicesModule {
  const service: DevicesApi = {
    async ensure(ctx, input) {
      let row = await repo.findDevice(ctx.trx, input.deviceId);
      if (!row) {
        await repo.insertDevice(ctx.trx, { tenant_id: ctx.tenantId, id: input.deviceId, store_id: input.storeId, register_id: input.registerId, created_by: ctx.actor.id, created_at: ctx.clock.now() });
        row = (await repo.findDevice(ctx.trx, input.deviceId))!;
      }
      if (row.register_id !== input.registerId) {
        throw conflict(DeviceErrors.deviceRegisterMismatch, 'This device was paired with another register: pair it again (a new device id) to sell on this one', { register_id: row.register_id });
      }
      return stateOf(row);
    },
    async lock(ctx, deviceId) {
      const row = await repo.findDevice(ctx.trx, deviceId, true);
      return row ? stateOf(row) : null;
    },
    takeLease: (ctx, deviceId, owner, seconds) => repo.takeLease(ctx.trx, deviceId, owner, seconds),
    dropLease: (ctx, deviceId, owner) => repo.dropLease(ctx.trx, deviceId, owner),
    storedResults: (ctx, deviceId, from, to) => repo.storedResults(ctx.trx, deviceId, from, to),
    offlineCardHeld: (ctx, deviceId, seq) => repo.offlineCardHeld(ctx.trx, deviceId, seq),
    record: (ctx, e) =>
      repo.logMutation(ctx.trx, {
        tenant_id: ctx.tenantId,
        device_id: e.device_id,
        seq: e.seq,
        mutation_id: e.mutation_id,
        name: e.name,
        status: e.status,
        order_id: e.order_id,
        result: { order: e.order ?? null, problem: e.problem },
        captured_offline: e.captured_offline,
        offline_card_amount: e.offline_card_amount,
        cashier_id: e.cashier_id,
        pushed_by: ctx.actor.id,
        processed_at: ctx.clock.now(),
      }),
  };
  return {
    name: 'devices',
    migrations: devicesMigrations,
    routes: () => [
      defineRoute({
        method: 'GET', url: '/api/v1/devices/:device_id', summary: "A till's sync state: the last seq the server processed and the mutations it refused", tags: ['devices'],
        permission: 'sales.sell', params: DeviceParams, response: DeviceDto,
        handler: async (ctx, { params }) => {
          const row = await repo.findDevice(ctx.trx, params.device_id);
          if (!row || !reachable(ctx, row.store_id)) throw notFound('Device');
          return {
            ...stateOf(row),
            last_push_at: row.last_push_at?.toISOString() ?? null,
            rejected: await repo.rejectedOf(ctx.trx, row.id),
          };
        },
      }),
    ],
    service,
  };
}
