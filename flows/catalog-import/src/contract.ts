import { z } from 'zod';

/** POST /api/v1/imports/products?dry_run=true|false */
export const ImportQuery = z.object({
  dry_run: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
});

/** 200: applied, or (dry run) what applying would do. */
export const ImportResult = z
  .object({
    status: z.enum(['applied', 'validated']),
    /** data rows in the file */
    rows: z.number().int(),
    products_created: z.number().int(),
    products_updated: z.number().int(),
    variants_created: z.number().int(),
    /** existing variants that changed (unchanged rows write nothing) */
    variants_updated: z.number().int(),
    /** stock cells that changed on hand at a store */
    stock_rows: z.number().int(),
  })
  .meta({ id: 'ImportResult' });
export type ImportResult = z.infer<typeof ImportResult>;

/** The `report` of a 422 import_rejected problem. */
export const ImportReport = z.object({
  rows: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), column: z.string().nullable(), reason: z.string() })),
});
export type ImportReport = z.infer<typeof ImportReport>;

/** The largest CSV a request may carry (about 400,000 variants of typical width). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
