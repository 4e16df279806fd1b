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
