// A refused sale as a manager edits it: its lines with what the catalog cache knows about them
// now (archived? tax rates), and the totals of the edited sale from packages/domain's priceCart,
// the same maths the server runs.
import { priceCart, type TaxRate } from '@novapos/domain';
import { ratesIn, variantsById } from '../catalog/catalog-query';
import type { CatalogDb } from '../db/catalog-db';
import type { QueuedSale } from '../db/till-db';
import type { SaleFix } from '../../sync/sale-queue';

export type FixLine = {
  id: string;
  variant_id: string;
  name: string;
  sku: string;
  quantity: number;
  /** as rung */
  original_price: number;
  unit_price: number;
  discount: QueuedSale['body']['order']['lines'][number]['discount'] | null;
  rates: TaxRate[];
  /** the variant is archived now, or gone from the catalog */
  archived: boolean;
  removed: boolean;
};

/** Roles that may fix or discard a refused sale (they hold sales.void / discount override). */
export const MANAGER_ROLES: ReadonlySet<string> = new Set(['owner', 'admin', 'manager']);

export async function fixLinesOf(db: CatalogDb, sale: QueuedSale): Promise<FixLine[]> {
  const body = sale.body.order.lines;
  const variants = await variantsById(db, body.map((l) => l.variant_id));
  return Promise.all(
    body.map(async (l, i) => {
      const v = variants.get(l.variant_id);
      const shown = sale.receipt.lines[i];
      return {
        id: l.id,
        variant_id: l.variant_id,
        name: shown?.name ?? v?.name ?? l.variant_id,
        sku: shown?.sku ?? v?.sku ?? '',
        quantity: l.quantity,
        original_price: l.unit_price.amount,
        unit_price: l.unit_price.amount,
        discount: l.discount ?? null,
        rates: v ? await ratesIn(db, v, sale.store_id) : [],
        archived: !v || v.status !== 'active',
        removed: false,
      };
    }),
  );
}

/** The receipt of the edited sale; throws (priceCart) when a discount no longer fits. */
export function fixedReceipt(sale: QueuedSale, lines: readonly FixLine[]): QueuedSale['receipt'] {
  const kept = lines.filter((l) => !l.removed);
  const r = sale.receipt;
  const t = priceCart({
    lines: kept.map((l) => ({ id: l.id, unit_price: l.unit_price, quantity: l.quantity, discount: l.discount, rates: l.rates })),
    order_discount: sale.body.order.order_discount ?? null,
    pricesIncludeTax: r.prices_include_tax,
    currency: r.currency,
  });
  const byId = new Map(t.lines.map((l) => [l.id, l]));
  return {
    ...r,
    lines: kept.map((l) => ({ name: l.name, sku: l.sku, quantity: l.quantity, unit_price: l.unit_price, discount_total: byId.get(l.id)?.discount_total ?? 0, total: byId.get(l.id)?.total ?? 0 })),
    subtotal: t.subtotal,
    discount_total: t.discount_total,
    tax_total: t.tax_total,
    total: t.total,
  };
}

/**
 * The fix to resend. A cash-only sale is sent with the cash the drawer kept (what was handed over
 * less the change given), so the server records what really happened: when the new total is
 * lower it shows change due to the customer, when higher the order stays open for the rest.
 */
export function saleFix(sale: QueuedSale, lines: readonly FixLine[], manager: { id: string; name: string }): SaleFix {
  const receipt = fixedReceipt(sale, lines);
  const currency = sale.receipt.currency;
  const cashOnly = sale.body.payments.length > 0 && sale.body.payments.every((p) => p.tender === 'cash');
  return {
    lines: lines.filter((l) => !l.removed).map((l) => ({ id: l.id, unit_price: { amount: l.unit_price, currency } })),
    receipt,
    ...(cashOnly ? { payments: [{ tender: 'cash' as const, amount: { amount: Math.max(0, sale.receipt.tendered - sale.receipt.change_due), currency } }] } : {}),
    manager,
  };
}
