import { formatRate } from '@novapos/domain';
import { ActionButton } from './action-button';
import { fmt } from './money';
import type { Till } from './use-till';

const discountText = (d: { type: 'amount' | 'percent'; value: number }, currency: string) => (d.type === 'percent' ? `${d.value / 100} % off` : `${fmt(d.value, currency)} off`);

export function CartPane({ till, heading }: { till: Till; heading: string }) {
  const { state, totals, ctx } = till;
  const c = ctx.currency;
  const byId = new Map(totals.lines.map((l) => [l.id, l]));
  return (
    <section className="till-cart" aria-label="Sale">
      <h1 id="cashier-heading" className="till-cart__who" tabIndex={-1}>
        {heading}
      </h1>
      {state.cart.lines.length === 0 ? (
        <p className="till-empty">Scan an item, search, or tap a product to start a sale.</p>
      ) : (
        <ol className="till-lines" aria-label="Lines">
          {state.cart.lines.map((l) => {
            const t = byId.get(l.id);
            const selected = l.id === state.cart.selected;
            return (
              <li key={l.id} className={selected ? 'till-line till-line--on' : 'till-line'} aria-current={selected ? 'true' : undefined}>
                <button type="button" className="till-line__pick" onClick={() => till.run('selectLine', l.id)}>
                  <span className="till-line__name">{l.name}</span>
                  <span className="till-line__meta">
                    {l.quantity} × {fmt(l.unit_price, c)} · {l.sku}
                    {l.discount && <span className="till-line__discount"> · {discountText(l.discount, c)}</span>}
                  </span>
                </button>
                <span className="till-line__total" data-testid="line-total">
                  {fmt(t?.total ?? 0, c)}
                </span>
              </li>
            );
          })}
        </ol>
      )}
      {state.mode === 'sell' && (
        <div className="till-line-actions" aria-label="Line actions">
          <ActionButton till={till} id="quantityDown" className="button button--secondary till-square" />
          <ActionButton till={till} id="quantityUp" className="button button--secondary till-square" />
          <ActionButton till={till} id="removeSelected" />
          <ActionButton till={till} id="openLineDiscount" />
          <ActionButton till={till} id="toggleFavourite">
            ☆ Favourite
          </ActionButton>
        </div>
      )}
      <dl className="till-totals" aria-label="Totals">
        <div>
          <dt>Subtotal</dt>
          <dd data-testid="subtotal">{fmt(totals.subtotal, c)}</dd>
        </div>
        {totals.discount_total > 0 && (
          <div>
            <dt>Discounts{state.cart.order_discount ? ` (order: ${discountText(state.cart.order_discount, c)})` : ''}</dt>
            <dd data-testid="discount-total">−{fmt(totals.discount_total, c)}</dd>
          </div>
        )}
        {totals.breakdown.map((b) => (
          <div key={b.rate_id} className="till-totals__tax">
            <dt>
              {b.name ?? 'Tax'} {formatRate(b.rate_ppm)}
              {ctx.pricesIncludeTax ? ' (included)' : ''}
            </dt>
            <dd>{fmt(b.tax, c)}</dd>
          </div>
        ))}
        <div className="till-totals__total">
          <dt>Total</dt>
          <dd data-testid="total">{fmt(totals.total, c)}</dd>
        </div>
      </dl>
      {state.mode === 'sell' && (
        <div className="till-sale-actions">
          <ActionButton till={till} id="openOrderDiscount" />
          <ActionButton till={till} id="clearSale" />
          <ActionButton till={till} id="parkSale" />
          <ActionButton till={till} id="openParkedSales" />
          <ActionButton till={till} id="switchCashier" />
          <ActionButton till={till} id="openDrawerScreen" />
          <ActionButton till={till} id="pay" className="button button--large till-pay">
            Pay {fmt(totals.total, c)}
          </ActionButton>
        </div>
      )}
    </section>
  );
}
