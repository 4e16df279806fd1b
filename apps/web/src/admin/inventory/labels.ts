import type { AdjustmentReason, MovementKind, TransferStatus } from './inventory-api';

export const REASON_LABELS: Record<AdjustmentReason, string> = {
  damaged: 'Damaged',
  lost: 'Lost',
  theft: 'Theft',
  found: 'Found',
  expired: 'Expired',
  internal_use: 'Internal use',
  supplier_return: 'Returned to supplier',
  initial_stock: 'Initial stock',
  correction: 'Correction',
  other: 'Other',
};
/** Reasons that usually add stock come first when adding, and the others when removing. */
export const ADDING_REASONS: AdjustmentReason[] = ['found', 'initial_stock', 'correction', 'other'];
export const REMOVING_REASONS: AdjustmentReason[] = ['damaged', 'lost', 'theft', 'expired', 'internal_use', 'supplier_return', 'correction', 'other'];

export const KIND_LABELS: Record<MovementKind, string> = {
  sale: 'Sale',
  return: 'Return',
  receive: 'Received',
  adjustment: 'Adjustment',
  transfer_out: 'Transfer out',
  transfer_in: 'Transfer in',
  count_correction: 'Count correction',
};

export const TRANSFER_STATUS: Record<TransferStatus, { label: string; badge: string }> = {
  draft: { label: 'Draft', badge: 'badge' },
  shipped: { label: 'In transit', badge: 'badge badge--info' },
  received: { label: 'Received', badge: 'badge badge--ok' },
  cancelled: { label: 'Cancelled', badge: 'badge badge--off' },
};

export const DIFFERENCE_REASONS = [
  { value: 'damaged', label: 'Damaged' },
  { value: 'missing', label: 'Missing' },
  { value: 'short_shipped', label: 'Short shipped' },
  { value: 'other', label: 'Other' },
] as const;

export const reasonLabel = (r: string | null) => (r ? (REASON_LABELS[r as AdjustmentReason] ?? DIFFERENCE_REASONS.find((d) => d.value === r)?.label ?? r.replaceAll('_', ' ')) : '');

/** One serial per line (or separated by commas or spaces), as typed or scanned. */
export function parseSerials(text: string): string[] {
  return text
    .split(/[\n,;\t]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
