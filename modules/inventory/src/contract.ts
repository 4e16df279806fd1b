import { z } from 'zod';

/** `order.completed` as inventory reads it (the sales module publishes it). */
export const OrderCompletedPayload = z.object({
  order_id: z.string(),
  store_id: z.string(),
  register_id: z.string().nullable().optional(),
  completed_at: z.string(),
  lines: z.array(z.object({ line_id: z.string(), variant_id: z.string(), quantity: z.number().int(), serial_numbers: z.array(z.string()).optional() })),
});
export type OrderCompletedPayload = z.infer<typeof OrderCompletedPayload>;

// ---------------------------------------------------------------- names and codes

export const MOVEMENT_KINDS = ['sale', 'return', 'receive', 'adjustment', 'transfer_out', 'transfer_in', 'count_correction'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export const ADJUSTMENT_REASONS = ['damaged', 'lost', 'theft', 'found', 'expired', 'internal_use', 'supplier_return', 'initial_stock', 'correction', 'other'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

/** in_stock and returned units are on the shelf and may be sold; the others are not. */
export const SERIAL_STATES = ['in_stock', 'in_transit', 'sold', 'returned', 'removed'] as const;
export type SerialState = (typeof SERIAL_STATES)[number];
export const SELLABLE_SERIAL_STATES: readonly SerialState[] = ['in_stock', 'returned'];

export const TRANSFER_STATUSES = ['draft', 'shipped', 'received', 'cancelled'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];
export const COUNT_STATUSES = ['open', 'submitted', 'cancelled'] as const;
export type CountStatus = (typeof COUNT_STATUSES)[number];

export const TRANSFER_DIFFERENCE_REASONS = ['damaged', 'missing', 'short_shipped', 'other'] as const;

export const InventoryEvents = {
  /** available went from above the threshold to at or below it (once per crossing) */
  lowStock: 'inventory.low_stock',
  /** available went from above zero to zero or below (once per crossing) */
  outOfStock: 'inventory.out_of_stock',
  /** available went from zero or below back above zero */
  backInStock: 'inventory.back_in_stock',
  adjusted: 'inventory.adjusted',
  received: 'inventory.received',
  transferShipped: 'inventory.transfer_shipped',
  transferReceived: 'inventory.transfer_received',
  transferCancelled: 'inventory.transfer_cancelled',
  countSubmitted: 'inventory.count_submitted',
  /** a sale or return named serials that were not where the ledger had them */
  serialDiscrepancy: 'inventory.serial_discrepancy',
} as const;

/** Stable codes of expected failures (problem+json `code`). */
export const InventoryErrors = {
  insufficientStock: 'insufficient_stock',
  serialNotInStock: 'serial_not_in_stock',
  serialRequired: 'serial_required',
  serialNotTracked: 'serial_not_tracked',
  serialExists: 'serial_exists',
  duplicateSerial: 'duplicate_serial',
  unknownVariant: 'unknown_variant',
  invalidTransition: 'invalid_transition',
  countAlreadyOpen: 'count_already_open',
  notInCount: 'not_in_count',
  reasonRequired: 'reason_required',
} as const;

// ---------------------------------------------------------------- building blocks

export const Id = z.uuid('must be a UUID');
const Quantity = z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1,000,000');
export const SerialNumber = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const SerialList = z.array(SerialNumber).max(10_000);
const Text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const Threshold = z.number().int('must be a whole number').min(0, 'must be 0 or more').max(1_000_000);
/** ?flag=true|false|1|0 */
const QueryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const Money = z.object({
  amount: z.number().int('must be integer minor units').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO 4217 code such as USD'),
});
export type Money = z.infer<typeof Money>;

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});
const ts = z.string().describe('ISO 8601 timestamp');

// ---------------------------------------------------------------- levels and movements

export const LevelDto = z
  .object({
    store_id: z.string(),
    variant_id: z.string(),
    sku: z.string().nullable(),
    name: z.string().nullable(),
    on_hand: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int(),
    /** effective threshold: the override for this store and variant, else the tenant default */
    low_stock_threshold: z.number().int(),
    threshold_override: z.number().int().nullable(),
    negative: z.boolean(),
    low: z.boolean(),
    out_of_stock: z.boolean(),
    updated_at: ts,
  })
  .meta({ id: 'StockLevel' });
export type LevelDto = z.infer<typeof LevelDto>;

export const LevelsQuery = Page.extend({
  store_id: Id.optional(),
  variant_id: Id.optional(),
  low_stock: QueryBool.optional(),
  negative: QueryBool.optional(),
});
export const LowStockQuery = Page.extend({ store_id: Id.optional() });

export const MovementDto = z
  .object({
    id: z.string(),
    store_id: z.string(),
    variant_id: z.string(),
    kind: z.enum(MOVEMENT_KINDS),
    quantity: z.number().int(),
    on_hand_after: z.number().int(),
    reason: z.string().nullable(),
    note: z.string().nullable(),
    reference_type: z.string().nullable(),
    reference_id: z.string().nullable(),
    reference_line: z.string().nullable(),
    serial_numbers: z.array(z.string()).nullable(),
    unit_cost: Money.nullable(),
    actor_kind: z.string(),
    actor_id: z.string().nullable(),
    occurred_at: ts,
    recorded_at: ts,
  })
  .meta({ id: 'StockMovement' });
export type MovementDto = z.infer<typeof MovementDto>;

export const MovementsQuery = Page.extend({
  store_id: Id.optional(),
  variant_id: Id.optional(),
  kind: z.enum(MOVEMENT_KINDS).optional(),
  reference_id: Id.optional(),
});

export const AdjustmentBody = z.object({
  store_id: Id,
  variant_id: Id,
  delta: z.number().int('must be a whole number').min(-1_000_000).max(1_000_000).refine((d) => d !== 0, 'must not be 0'),
  reason: z.enum(ADJUSTMENT_REASONS),
  note: z.string().trim().max(500).optional(),
  /** tracked variants: one serial per unit added or removed */
  serial_numbers: SerialList.optional(),
});
export type AdjustmentBody = z.infer<typeof AdjustmentBody>;
export const AdjustmentResponse = z.object({ movement: MovementDto, level: LevelDto.omit({ sku: true, name: true }) });

export const ThresholdsBody = z
  .object({
    /** tenant-wide default; owners and admins only */
    default_low_stock_threshold: Threshold.optional(),
    items: z.array(z.object({ store_id: Id, variant_id: Id, low_stock_threshold: Threshold.nullable() })).max(1000).optional(),
  })
  .refine((v) => v.default_low_stock_threshold !== undefined || (v.items?.length ?? 0) > 0, 'send default_low_stock_threshold or items');
export const ThresholdsDto = z.object({ default_low_stock_threshold: z.number().int(), updated: z.number().int() });

// ---------------------------------------------------------------- serials

export const SerialDto = z
  .object({ variant_id: z.string(), serial_number: z.string(), store_id: z.string(), state: z.enum(SERIAL_STATES), created_at: ts, updated_at: ts })
  .meta({ id: 'SerialNumber' });
export type SerialDto = z.infer<typeof SerialDto>;
export const SerialDetailDto = SerialDto.extend({ history: z.array(MovementDto) });
export const SerialsQuery = Page.extend({
  serial_number: SerialNumber.optional(),
  variant_id: Id.optional(),
  store_id: Id.optional(),
  state: z.enum(SERIAL_STATES).optional(),
});

export const SerialCheckLine = z.object({ variant_id: Id, quantity: Quantity.optional(), serial_numbers: SerialList.optional() });
export type SerialCheckLine = z.infer<typeof SerialCheckLine>;
export const SerialValidateBody = z.object({ store_id: Id, lines: z.array(SerialCheckLine).min(1).max(500) });

// ---------------------------------------------------------------- sales and returns (service API)

export const SaleInput = z.object({
  order_id: Id,
  store_id: Id,
  /** when the sale happened (the till's time); default now */
  occurred_at: z.string().optional(),
  lines: z.array(z.object({ line_id: z.string().min(1), variant_id: Id, quantity: z.number().int(), serial_numbers: z.array(z.string()).optional() })),
});
export type SaleInput = z.infer<typeof SaleInput>;

export const ReturnInput = z.object({
  return_id: Id,
  order_id: Id.optional(),
  store_id: Id,
  occurred_at: z.string().optional(),
  /** returned units go back on the shelf; write damaged ones off with an adjustment */
  lines: z.array(z.object({ line_id: z.string().min(1), variant_id: Id, quantity: z.number().int().positive(), serial_numbers: z.array(z.string()).optional() })),
});
export type ReturnInput = z.infer<typeof ReturnInput>;

export interface RecordResult {
  /** false when this order or return had already been recorded: nothing changed */
  applied: boolean;
  movements: number;
}

// ---------------------------------------------------------------- transfers

export const TransferLineDto = z.object({
  id: z.string(),
  variant_id: z.string(),
  quantity: z.number().int(),
  serial_numbers: z.array(z.string()).nullable(),
  received_quantity: z.number().int().nullable(),
  received_serial_numbers: z.array(z.string()).nullable(),
  /** received minus shipped once received (0 or negative) */
  difference: z.number().int().nullable(),
  difference_reason: z.string().nullable(),
});
export const TransferDto = z
  .object({
    id: z.string(),
    from_store_id: z.string(),
    to_store_id: z.string(),
    status: z.enum(TRANSFER_STATUSES),
    note: z.string().nullable(),
    lines: z.array(TransferLineDto),
    created_by: z.string().nullable(),
    created_at: ts,
    shipped_by: z.string().nullable(),
    shipped_at: ts.nullable(),
    received_by: z.string().nullable(),
    received_at: ts.nullable(),
    cancelled_by: z.string().nullable(),
    cancelled_at: ts.nullable(),
    cancel_reason: z.string().nullable(),
  })
  .meta({ id: 'Transfer' });
export type TransferDto = z.infer<typeof TransferDto>;

export const TransferCreate = z
  .object({
    from_store_id: Id,
    to_store_id: Id,
    note: z.string().trim().max(500).optional(),
    lines: z.array(z.object({ variant_id: Id, quantity: Quantity, serial_numbers: SerialList.optional() })).min(1, 'must have at least one line').max(1000),
  })
  .superRefine((v, c) => {
    if (v.from_store_id === v.to_store_id) c.addIssue({ code: 'custom', path: ['to_store_id'], message: 'must differ from from_store_id' });
    const seen = new Set<string>();
    v.lines.forEach((l, i) => {
      if (seen.has(l.variant_id)) c.addIssue({ code: 'custom', path: ['lines', i, 'variant_id'], message: 'appears on another line; one line per variant' });
      seen.add(l.variant_id);
    });
  });
export type TransferCreate = z.infer<typeof TransferCreate>;

const ReceivedLine = z.object({
  variant_id: Id,
  received_quantity: z.number().int().min(0).max(1_000_000),
  /** required when less than shipped arrived */
  reason: z.enum(TRANSFER_DIFFERENCE_REASONS).optional(),
  /** tracked variants: the serials that arrived (default: all shipped, when all arrived) */
  serial_numbers: SerialList.optional(),
});
/** No body, or lines left out: received in full. */
export const TransferReceive = z
  .object({ lines: z.array(ReceivedLine).max(1000).optional() })
  .nullish()
  .transform((v) => v ?? {});
export type TransferReceive = z.output<typeof TransferReceive>;
/** The body may be left out. */
export const TransferCancel = z
  .object({ reason: z.string().trim().max(500).optional() })
  .nullish()
  .transform((v) => v ?? {});
export const TransfersQuery = Page.extend({ store_id: Id.optional(), status: z.enum(TRANSFER_STATUSES).optional() });

// ---------------------------------------------------------------- receipts

export const ReceiptCreate = z.object({
  store_id: Id,
  supplier: Text(200),
  supplier_reference: z.string().trim().max(200).optional(),
  note: z.string().trim().max(500).optional(),
  lines: z.array(z.object({ variant_id: Id, quantity: Quantity, unit_cost: Money, serial_numbers: SerialList.optional() })).min(1, 'must have at least one line').max(1000),
});
export type ReceiptCreate = z.infer<typeof ReceiptCreate>;
export const ReceiptDto = z
  .object({
    id: z.string(),
    store_id: z.string(),
    supplier: z.string(),
    supplier_reference: z.string().nullable(),
    note: z.string().nullable(),
    received_by: z.string().nullable(),
    received_at: ts,
    lines: z.array(z.object({ line_no: z.number().int(), variant_id: z.string(), quantity: z.number().int(), unit_cost: Money, serial_numbers: z.array(z.string()).nullable() })),
  })
  .meta({ id: 'Receipt' });
export type ReceiptDto = z.infer<typeof ReceiptDto>;
export const ReceiptsQuery = Page.extend({ store_id: Id.optional() });

// ---------------------------------------------------------------- counts

export const CountCreate = z.object({ store_id: Id, category_id: Id.nullish(), note: z.string().trim().max(500).optional() });
export const CountLinesBody = z.object({
  lines: z
    .array(
      z
        .object({
          variant_id: Id.optional(),
          /** a barcode or SKU of a variant in the count */
          barcode: z.string().trim().min(1).max(100).optional(),
          counted: z.number().int().min(0).max(1_000_000),
          /** set (default) replaces the counted quantity; add adds to it, one scan at a time */
          mode: z.enum(['set', 'add']).default('set'),
          /** when the shelf was counted, for counts entered later (paper): movements since then are kept */
          counted_at: z.iso.datetime({ offset: true }).optional(),
        })
        .refine((l) => (l.variant_id === undefined) !== (l.barcode === undefined), 'give variant_id or barcode, not both'),
    )
    .min(1)
    .max(1000),
});
export type CountLinesBody = z.infer<typeof CountLinesBody>;
export const CountSubmit = z
  .object({
    /** skip (default): uncounted variants keep their stock; zero: they are counted as 0 */
    uncounted: z.enum(['skip', 'zero']).default('skip'),
  })
  .nullish()
  .transform((v) => v ?? { uncounted: 'skip' as const });
export const CountLineDto = z.object({
  variant_id: z.string(),
  sku: z.string().nullable(),
  name: z.string().nullable(),
  expected: z.number().int(),
  counted: z.number().int().nullable(),
  /** counted minus expected (the snapshot at open) */
  difference: z.number().int().nullable(),
  on_hand_at_count: z.number().int().nullable(),
  /** what submit posts (or posted): counted minus on_hand when the count was entered */
  correction: z.number().int().nullable(),
  counted_at: ts.nullable(),
});
export const CountSummary = z.object({
  lines: z.number().int(),
  counted: z.number().int(),
  uncounted: z.number().int(),
  with_difference: z.number().int(),
  units_expected: z.number().int(),
  units_counted: z.number().int(),
  net_correction: z.number().int(),
});
export const CountDto = z
  .object({
    id: z.string(),
    store_id: z.string(),
    category_id: z.string().nullable(),
    status: z.enum(COUNT_STATUSES),
    note: z.string().nullable(),
    opened_by: z.string().nullable(),
    opened_at: ts,
    closed_by: z.string().nullable(),
    closed_at: ts.nullable(),
    summary: CountSummary,
  })
  .meta({ id: 'StockCount' });
export type CountDto = z.infer<typeof CountDto>;
export const CountDetailDto = CountDto.extend({ lines: z.array(CountLineDto), next_cursor: z.string().nullable() });
export const CountQuery = Page.extend({ lines: z.enum(['all', 'counted', 'uncounted', 'differences']).default('all') });
export const CountsQuery = Page.extend({ store_id: Id.optional(), status: z.enum(COUNT_STATUSES).optional() });
