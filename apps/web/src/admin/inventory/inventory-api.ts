// Calls to the inventory module. Shapes come from its contract as types only: no zod in the bundle.
import type { z } from 'zod';
import type {
  AdjustmentBody,
  AdjustmentReason,
  CountDto,
  CountLinesBody,
  LevelDto,
  MovementDto,
  MovementKind,
  ReceiptCreate,
  ReceiptDto,
  TransferCreate,
  TransferDto,
  TransferReceive,
  TransferStatus,
  CountDetailDto,
} from '@novapos/inventory/contract';
import { authedCalls } from '../../api/authed-calls';
import { query, type Page } from '../../api/client';
import { sessionAuth } from '../../auth/session';

export type { AdjustmentReason, CountDto as Count, LevelDto as Level, MovementDto as Movement, MovementKind, ReceiptDto as Receipt, TransferDto as Transfer, TransferStatus };
export type CountDetail = z.output<typeof CountDetailDto>;
export type CountLine = CountDetail['lines'][number];
export type TransferLine = TransferDto['lines'][number];
export type AdjustmentInput = z.input<typeof AdjustmentBody>;
export type TransferInput = z.input<typeof TransferCreate>;
export type TransferReceiveInput = NonNullable<z.input<typeof TransferReceive>>;
export type ReceiptInput = z.input<typeof ReceiptCreate>;
export type CountLinesInput = z.input<typeof CountLinesBody>;
type Paging = { limit?: number; cursor?: string | null };

const { get, post, put } = authedCalls(sessionAuth);
const id = encodeURIComponent;

export const inventoryApi = {
  levels: (f: Paging & { store_id?: string; variant_id?: string; low_stock?: boolean; negative?: boolean }) =>
    get<Page<LevelDto>>(`/inventory${query({ limit: 50, ...f, low_stock: flag(f.low_stock), negative: flag(f.negative) })}`),
  lowStock: (f: Paging & { store_id?: string }) => get<Page<LevelDto>>(`/inventory/low-stock${query({ limit: 50, ...f })}`),
  movements: (f: Paging & { store_id?: string; variant_id?: string; kind?: MovementKind; reference_id?: string }) =>
    get<Page<MovementDto>>(`/inventory/movements${query({ limit: 50, ...f })}`),
  adjust: (body: AdjustmentInput, key: string) => post<{ movement: MovementDto; level: Omit<LevelDto, 'sku' | 'name'> }>('/inventory/adjustments', body, key),

  transfers: (f: Paging & { store_id?: string; status?: TransferStatus }) => get<Page<TransferDto>>(`/inventory/transfers${query({ limit: 25, ...f })}`),
  transfer: (transferId: string) => get<TransferDto>(`/inventory/transfers/${id(transferId)}`),
  createTransfer: (body: TransferInput, key: string) => post<TransferDto>('/inventory/transfers', body, key),
  shipTransfer: (transferId: string, key: string) => post<TransferDto>(`/inventory/transfers/${id(transferId)}/ship`, {}, key),
  receiveTransfer: (transferId: string, body: TransferReceiveInput, key: string) => post<TransferDto>(`/inventory/transfers/${id(transferId)}/receive`, body, key),
  cancelTransfer: (transferId: string, body: { reason?: string }, key: string) => post<TransferDto>(`/inventory/transfers/${id(transferId)}/cancel`, body, key),

  receipts: (f: Paging & { store_id?: string }) => get<Page<ReceiptDto>>(`/inventory/receipts${query({ limit: 25, ...f })}`),
  receipt: (receiptId: string) => get<ReceiptDto>(`/inventory/receipts/${id(receiptId)}`),
  createReceipt: (body: ReceiptInput, key: string) => post<ReceiptDto>('/inventory/receipts', body, key),

  counts: (f: Paging & { store_id?: string; status?: 'open' | 'submitted' | 'cancelled' }) => get<Page<CountDto>>(`/inventory/counts${query({ limit: 25, ...f })}`),
  count: (countId: string, f: Paging & { lines?: 'all' | 'counted' | 'uncounted' | 'differences' }) =>
    get<CountDetail>(`/inventory/counts/${id(countId)}${query({ limit: 100, ...f })}`),
  openCount: (body: { store_id: string; category_id?: string | null; note?: string }, key: string) => post<CountDto>('/inventory/counts', body, key),
  enterCounts: (countId: string, body: CountLinesInput) => put<CountDetail>(`/inventory/counts/${id(countId)}/lines`, body),
  submitCount: (countId: string, body: { uncounted: 'skip' | 'zero' }, key: string) => post<CountDto>(`/inventory/counts/${id(countId)}/submit`, body, key),
  cancelCount: (countId: string, key: string) => post<CountDto>(`/inventory/counts/${id(countId)}/cancel`, {}, key),
};

const flag = (v: boolean | undefined) => (v === undefined ? undefined : v ? 'true' : 'false');
