import { z } from 'zod';

/**
 * What other modules (inventory, sales) may know of a variant. Plain data; reached through
 * `CatalogModule.service`, never through catalog tables.
 */
export const VariantRef = z.object({
  id: z.string(),
  product_id: z.string(),
  sku: z.string(),
  /** product name plus option values, e.g. "Linen shirt / M / Blue" */
  name: z.string(),
  barcodes: z.array(z.string()),
  category_id: z.string().nullable(),
  track_serials: z.boolean(),
  status: z.enum(['active', 'archived']),
});
export type VariantRef = z.infer<typeof VariantRef>;
