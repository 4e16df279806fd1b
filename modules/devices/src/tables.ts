import type { Transaction } from 'kysely';

// bigint columns come back as numbers (platform type parser)
export interface DeviceRow {
  tenant_id: string;
  id: string;
  store_id: string;
  register_id: string;
  last_applied_seq: number;
  push_owner: string | null;
  push_lease_until: Date | null;
  created_by: string | null;
  created_at: Date;
  last_push_at: Date | null;
}

export interface PushLogRow {
  tenant_id: string;
  device_id: string;
  seq: number;
  mutation_id: string;
  name: string;
  status: 'applied' | 'rejected';
  order_id: string | null;
  result: { order?: unknown; problem?: Record<string, unknown> | null };
  captured_offline: boolean;
  offline_card_amount: number;
  cashier_id: string | null;
  pushed_by: string | null;
  processed_at: Date;
}

export interface DevicesTables {
  'devices.devices': DeviceRow;
  'devices.push_log': PushLogRow;
}

export type DevTrx = Transaction<DevicesTables>;
