import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ProblemAlert } from '../../ui/problem-alert';
import { LoadError, Loading } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { useAdmin } from '../admin-context';
import { PageHeader } from '../admin-layout';
import { errorUnder } from '../shared/field-errors';
import { formatDateTime } from '../shared/format';
import { formatMoney, moneyToInput, parseMoney } from '../shared/money';
import { useStoreName } from '../shared/store-select';
import { catalogApi, type PriceVersion, type Product, type Variant } from './catalog-api';

export function PricesPage() {
  const { productId = '', variantId = '' } = useParams();
  const data = useAsync(async () => {
    const [product, history] = await Promise.all([catalogApi.getProduct(productId), catalogApi.priceHistory(variantId)]);
    return { product, history: history.data };
  }, [productId, variantId]);
  const variant = data.data?.product.variants.find((v) => v.id === variantId);

  return (
    <>
      <p className="breadcrumb">
        <Link to={`/admin/catalog/products/${productId}`}>{data.data?.product.name ?? 'Product'}</Link>
      </p>
      {data.status === 'loading' && <Loading label="Loading prices…" />}
      {data.status === 'error' && <LoadError error={data.error} onRetry={data.reload} />}
      {data.status === 'ready' && !variant && <PageHeader title="Variant not found" />}
      {data.status === 'ready' && variant && (
        <PricesBody
          product={data.data.product}
          variant={variant}
          history={data.data.history}
          onChanged={async (v) => {
            const history = await catalogApi.priceHistory(variantId).catch(() => null);
            data.setData((d) => ({
              product: { ...d.product, variants: d.product.variants.map((x) => (x.id === v.id ? v : x)) },
              history: history?.data ?? d.history,
            }));
          }}
        />
      )}
    </>
  );
}

function PricesBody({ product, variant, history, onChanged }: { product: Product; variant: Variant; history: PriceVersion[]; onChanged: (v: Variant) => Promise<void> }) {
  const { me, can } = useAdmin();
  const storeName = useStoreName();
  const [message, setMessage] = useState<string | null>(null);
  const title = variant.title ? `${product.name} — ${variant.title}` : product.name;

  return (
    <>
      <PageHeader title={`Prices: ${title}`} />
      <p className="muted">
        SKU <span className="mono">{variant.sku}</span> · base price <strong>{formatMoney(variant.price) || 'none'}</strong>. A store override replaces the base price in that
        store; every change starts a new price version, so past sales can be checked against the price valid then.
      </p>
      {message && (
        <p className="alert alert--success" role="status">
          {message}
        </p>
      )}
      <section className="panel" aria-labelledby="overrides-heading">
        <h2 id="overrides-heading">Store prices</h2>
        <table className="table">
          <caption className="visually-hidden">Price in each store</caption>
          <thead>
            <tr>
              <th scope="col">Store</th>
              <th scope="col" className="num">
                Price now
              </th>
              <th scope="col">Source</th>
              {can('catalog.manage') && <th scope="col">Override</th>}
            </tr>
          </thead>
          <tbody>
            {me.stores.map((s) => {
              const override = variant.store_prices.find((p) => p.store_id === s.id);
              return (
                <tr key={s.id}>
                  <th scope="row" data-label="Store">
                    {s.name}
                  </th>
                  <td data-label="Price now" className="num nowrap">
                    {formatMoney(override?.price ?? variant.price)}
                  </td>
                  <td data-label="Source">{override ? <span className="badge badge--info">Store override</span> : <span className="muted">Base price</span>}</td>
                  {can('catalog.manage') && (
                    <td data-label="Override">
                      <OverrideForm
                        variant={variant}
                        storeId={s.id}
                        storeName={s.name}
                        current={override?.price}
                        currency={variant.price?.currency ?? me.tenant.currency}
                        onDone={async (v, text) => {
                          await onChanged(v);
                          setMessage(text);
                        }}
                      />
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section className="panel" aria-labelledby="history-heading">
        <h2 id="history-heading">Price history</h2>
        {history.length === 0 ? (
          <p className="muted">No price versions yet.</p>
        ) : (
          <table className="table table--dense">
            <caption className="visually-hidden">Price versions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Applies to</th>
                <th scope="col" className="num">
                  Price
                </th>
                <th scope="col">Valid from</th>
                <th scope="col">Valid until</th>
              </tr>
            </thead>
            <tbody>
              {history
                .toSorted((a, b) => b.valid_from.localeCompare(a.valid_from))
                .map((h) => (
                  <tr key={h.id}>
                    <th scope="row" data-label="Applies to">
                      {h.store_id ? storeName(h.store_id) : 'Base price (all stores)'}
                    </th>
                    <td data-label="Price" className="num nowrap">
                      {formatMoney(h.price)}
                    </td>
                    <td data-label="Valid from" className="nowrap">
                      {formatDateTime(h.valid_from)}
                    </td>
                    <td data-label="Valid until" className="nowrap">
                      {h.valid_to ? formatDateTime(h.valid_to) : <span className="badge badge--ok">Current</span>}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function OverrideForm({
  variant,
  storeId,
  storeName,
  current,
  currency,
  onDone,
}: {
  variant: Variant;
  storeId: string;
  storeName: string;
  current: { amount: number; currency: string } | undefined;
  currency: string;
  onDone: (v: Variant, text: string) => Promise<void>;
}) {
  const [text, setText] = useState(moneyToInput(current));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<string | null>(null);

  async function set(e: FormEvent) {
    e.preventDefault();
    const price = parseMoney(text, currency);
    setLocal(price ? null : 'Enter an amount such as 12.50.');
    if (!price) return;
    setBusy(true);
    setError(null);
    try {
      const v = await catalogApi.setStorePrice(variant.id, storeId, price);
      await onDone(v, `${storeName} now sells ${variant.sku} at ${formatMoney(price)}.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await catalogApi.removeStorePrice(variant.id, storeId);
      const v = await catalogApi.getVariant(variant.id);
      setText('');
      await onDone(v, `${storeName} uses the base price of ${variant.sku} again.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const msg = local ?? errorUnder(error, 'price');
  return (
    <form className="override-form" onSubmit={set}>
      <input
        className="grid-input"
        aria-label={`Override price for ${storeName} (${currency})`}
        inputMode="decimal"
        placeholder={moneyToInput(variant.price)}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={msg ? true : undefined}
      />
      <button type="submit" className="button button--small" disabled={busy}>
        Set
      </button>
      {current && (
        <button type="button" className="button button--secondary button--small" onClick={remove} disabled={busy} aria-label={`Remove the override in ${storeName}`}>
          Remove
        </button>
      )}
      {msg && <span className="field__error grid-error">{msg}</span>}
      {error && !msg ? <ProblemAlert error={error} /> : null}
    </form>
  );
}
