import type { ColumnType, Generated, Transaction } from 'kysely';
import type { CountStatus, MovementKind, SerialState, TransferStatus } from './contract.ts';

export interface SettingsRow { tenant_id: string; default_low_stock_threshold: number; updated_at: Generated<Date> }
export interface LevelRow {
  tenant_id: string;
  store_id: string;
  variant_id: string;
  on_hand: Generated<number>;
  reserved: Generated<number>;
  available: ColumnType<number, never, never>;
  low_stock_threshold: number | null;
  updated_at: Generated<Date>;
}
export interface MovementRow {
  tenant_id: string;
  id: string;
  store_id: string;
  variant_id: string;
  kind: MovementKind;
  quantity: number;
  on_hand_after: number;
  reason: string | null;
  note: string | null;
  reference_type: string | null;
  reference_id: string | null;
  reference_line: string | null;
  serial_numbers: string[] | null;
  // bigint comes back as a number (platform type parser); cost amounts stay far below 2^53
  unit_cost_amount: number | null;
  unit_cost_currency: string | null;
  actor_kind: string;
  actor_id: string | null;
  occurred_at: Date;
  recorded_at: Generated<Date>;
}
export interface AppliedReferenceRow { tenant_id: string; reference_type: string; reference_id: string; applied_at: Generated<Date> }
export interface SerialRow {
  tenant_id: string;
  variant_id: string;
  serial_number: string;
  store_id: string;
  state: SerialState;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export interface TransferRow {
  tenant_id: string;
  id: string;
  from_store_id: string;
  to_store_id: string;
  status: Generated<TransferStatus>;
  note: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  shipped_by: string | null;
  shipped_at: Date | null;
  received_by: string | null;
  received_at: Date | null;
  cancelled_by: string | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  updated_at: Generated<Date>;
}
export interface TransferLineRow {
  tenant_id: string;
  transfer_id: string;
  id: string;
  variant_id: string;
  quantity: number;
  serial_numbers: string[] | null;
  received_quantity: number | null;
  received_serial_numbers: string[] | null;
  difference_reason: string | null;
}
export interface ReceiptRow {
  tenant_id: string;
  id: string;
  store_id: string;
  supplier: string;
  supplier_reference: string | null;
  note: string | null;
  received_by: string | null;
  received_at: Date;
}
export interface ReceiptLineRow {
  tenant_id: string;
  receipt_id: string;
  line_no: number;
  variant_id: string;
  quantity: number;
  unit_cost_amount: number;
  unit_cost_currency: string;
  serial_numbers: string[] | null;
}
export interface CountRow {
  tenant_id: string;
  id: string;
  store_id: string;
  category_id: string | null;
  status: Generated<CountStatus>;
  note: string | null;
  opened_by: string | null;
  opened_at: Date;
  closed_by: string | null;
  closed_at: Date | null;
}
export interface CountLineRow {
  tenant_id: string;
  count_id: string;
  variant_id: string;
  sku: string | null;
  name: string | null;
  expected: number;
  counted: number | null;
  on_hand_at_count: number | null;
  counted_by: string | null;
  counted_at: Date | null;
  correction: number | null;
}
export interface CountCodeRow { tenant_id: string; count_id: string; code: string; variant_id: string }

export interface InventoryTables {
  'inventory.settings': SettingsRow;
  'inventory.levels': LevelRow;
  'inventory.movements': MovementRow;
  'inventory.applied_references': AppliedReferenceRow;
  'inventory.serials': SerialRow;
  'inventory.transfers': TransferRow;
  'inventory.transfer_lines': TransferLineRow;
  'inventory.receipts': ReceiptRow;
  'inventory.receipt_lines': ReceiptLineRow;
  'inventory.counts': CountRow;
  'inventory.count_lines': CountLineRow;
  'inventory.count_codes': CountCodeRow;
}

export type InvTrx = Transaction<InventoryTables>;
