import { z } from 'zod';
import { defineRoute, pageOf, type AnyRouteDef, type Kernel } from '@novapos/platform';
import {
  AdjustmentBody,
  AdjustmentResponse,
  CountCreate,
  CountDetailDto,
  CountDto,
  CountLinesBody,
  CountQuery,
  CountSubmit,
  CountsQuery,
  Id,
  LevelDto,
  LevelsQuery,
  LowStockQuery,
  MovementDto,
  MovementsQuery,
  ReceiptCreate,
  ReceiptDto,
  ReceiptsQuery,
  SerialDetailDto,
  SerialDto,
  SerialNumber,
  SerialValidateBody,
  SerialsQuery,
  ThresholdsBody,
  ThresholdsDto,
  TransferCancel,
  TransferCreate,
  TransferDto,
  TransferReceive,
  TransfersQuery,
} from './contract.ts';
import * as counts from './counts.service.ts';
import * as svc from './inventory.service.ts';
import type { InventoryDeps } from './ledger.service.ts';
import * as receipts from './receipts.service.ts';
import * as transfers from './transfers.service.ts';

const IdParams = z.object({ id: Id });
const tags = ['inventory'];

export function inventoryRoutes(_kernel: Kernel, deps: InventoryDeps): AnyRouteDef[] {
  return [
    // ------------------------------------------------------------ levels, movements, thresholds
    defineRoute({
      method: 'GET', url: '/api/v1/inventory', summary: 'Stock levels by store and variant, with low-stock and negative filters', tags,
      permission: 'inventory.read', query: LevelsQuery, response: pageOf(LevelDto),
      handler: async (ctx, { query }) => svc.listLevels(ctx, deps, query),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/inventory/low-stock', summary: 'Levels at or below their low-stock threshold, emptiest first', tags,
      permission: 'inventory.read', query: LowStockQuery, response: pageOf(LevelDto),
      handler: async (ctx, { query }) => svc.listLowStock(ctx, deps, query),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/inventory/movements', summary: 'The stock ledger, newest first', tags,
      permission: 'inventory.read', query: MovementsQuery, response: pageOf(MovementDto),
      handler: async (ctx, { query }) => svc.listMovements(ctx, query),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/inventory/adjustments', summary: 'Adjust stock with a reason (never below zero)', tags,
      permission: 'inventory.adjust', body: AdjustmentBody, response: AdjustmentResponse,
      handler: async (ctx, { body }) => svc.adjust(ctx, deps, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/inventory/thresholds', summary: 'The tenant default low-stock threshold', tags,
      permission: 'inventory.read', response: ThresholdsDto,
      handler: async (ctx) => svc.getThresholds(ctx),
    }),
    defineRoute({
      method: 'PUT', url: '/api/v1/inventory/thresholds', summary: 'Set the tenant default and per store and variant low-stock thresholds', tags,
      permission: 'inventory.adjust', body: ThresholdsBody, response: ThresholdsDto,
      handler: async (ctx, { body }) => svc.setThresholds(ctx, deps, body),
    }),

    // ------------------------------------------------------------ serials
    defineRoute({
      method: 'GET', url: '/api/v1/inventory/serials', summary: 'Look serial numbers up', tags,
      permission: 'inventory.read', query: SerialsQuery, response: pageOf(SerialDto),
      handler: async (ctx, { query }) => svc.listSerials(ctx, query),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/inventory/serials/:variant_id/:serial_number', summary: 'One serial number with its movements', tags,
      permission: 'inventory.read', params: z.object({ variant_id: Id, serial_number: SerialNumber }), response: SerialDetailDto,
      handler: async (ctx, { params }) => svc.getSerial(ctx, params.variant_id, params.serial_number),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/inventory/serials/validate', summary: 'Check that scanned serials are in stock at a store (204 when they are)', tags,
      permission: 'inventory.read', idempotent: false, body: SerialValidateBody,
      handler: async (ctx, { body }) => svc.validateSerials(ctx, deps, body.store_id, body.lines),
    }),

    // ------------------------------------------------------------ transfers
    defineRoute({
      method: 'GET', url: '/api/v1/inventory/transfers', summary: 'Transfers from or to your stores, newest first', tags,
      permission: 'inventory.read', query: TransfersQuery, response: pageOf(TransferDto),
      handler: async (ctx, { query }) => transfers.listTransfers(ctx, query),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/inventory/transfers', summary: 'Draft a transfer between two stores', tags,
      permission: 'inventory.transfer', body: TransferCreate, response: TransferDto,
      handler: async (ctx, { body }) => transfers.createTransfer(ctx, deps, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/inventory/transfers/:id', summary: 'Get a transfer', tags,
      permission: 'inventory.read', params: IdParams, response: TransferDto,
      handler: async (ctx, { params }) => transfers.getTransfer(ctx, params.id),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/inventory/transfers/:id/ship', summary: 'Ship a draft transfer: the stock leaves the source store', tags,
      permission: 'inventory.transfer', params: IdParams, status: 200, response: TransferDto,
      handler: async (ctx, { params }) => transfers.shipTransfer(ctx, params.id),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/inventory/transfers/:id/receive', summary: 'Receive a shipped transfer at the destination, short lines with a reason', tags,
      permission: 'inventory.transfer', params: IdParams, body: TransferReceive, status: 200, response: TransferDto,
      handler: async (ctx, { params, body }) => transfers.receiveTransfer(ctx, params.id, body),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/inventory/transfers/:id/cancel', summary: 'Cancel a draft, or a shipped transfer (stock returns to the source)', tags,
      permission: 'inventory.transfer', params: IdParams, body: TransferCancel, status: 200, response: TransferDto,
      handler: async (ctx, { params, body }) => transfers.cancelTransfer(ctx, params.id, body),
    }),

    // ------------------------------------------------------------ receipts
    defineRoute({
      method: 'GET', url: '/api/v1/inventory/receipts', summary: 'Supplier receipts, newest first', tags,
      permission: 'inventory.read', query: ReceiptsQuery, response: pageOf(ReceiptDto),
      handler: async (ctx, { query }) => receipts.listReceipts(ctx, query),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/inventory/receipts', summary: 'Receive stock from a supplier (serials for tracked variants)', tags,
      permission: 'inventory.receive', body: ReceiptCreate, response: ReceiptDto,
      handler: async (ctx, { body }) => receipts.createReceipt(ctx, deps, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/inventory/receipts/:id', summary: 'Get a supplier receipt', tags,
      permission: 'inventory.read', params: IdParams, response: ReceiptDto,
      handler: async (ctx, { params }) => receipts.getReceipt(ctx, params.id),
    }),

    // ------------------------------------------------------------ counts
    defineRoute({
      method: 'GET', url: '/api/v1/inventory/counts', summary: 'Stock counts, newest first', tags,
      permission: 'inventory.read', query: CountsQuery, response: pageOf(CountDto),
      handler: async (ctx, { query }) => counts.listCounts(ctx, query),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/inventory/counts', summary: 'Open a stock count of a store (all variants or one category)', tags,
      permission: 'inventory.count', body: CountCreate, response: CountDto,
      handler: async (ctx, { body }) => counts.openCount(ctx, deps, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/inventory/counts/:id', summary: 'A count with its summary and a page of lines (differences to review)', tags,
      permission: 'inventory.read', params: IdParams, query: CountQuery, response: CountDetailDto,
      handler: async (ctx, { params, query }) => counts.getCountDetail(ctx, params.id, query),
    }),
    defineRoute({
      method: 'PUT', url: '/api/v1/inventory/counts/:id/lines', summary: 'Enter counted quantities by variant id or barcode', tags,
      permission: 'inventory.count', params: IdParams, body: CountLinesBody, response: CountDetailDto,
      handler: async (ctx, { params, body }) => counts.enterCounts(ctx, params.id, body),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/inventory/counts/:id/submit', summary: 'Submit a count: post the corrections', tags,
      permission: 'inventory.count', params: IdParams, body: CountSubmit, status: 200, response: CountDto,
      handler: async (ctx, { params, body }) => counts.submitCount(ctx, params.id, body),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/inventory/counts/:id/cancel', summary: 'Cancel an open count (nothing is posted)', tags,
      permission: 'inventory.count', params: IdParams, status: 200, response: CountDto,
      handler: async (ctx, { params }) => counts.cancelCount(ctx, params.id),
    }),
  ] as AnyRouteDef[];
}
