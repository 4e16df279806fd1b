import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { SelectField, TextField } from '../../ui/field';
import { LoadError, Loading } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { useAdmin } from '../admin-context';
import { PageHeader } from '../admin-layout';
import { catalogApi } from '../catalog/catalog-api';
import { Pager, useCursorPages } from '../shared/paging';
import { StoreSelect, useStoreName } from '../shared/store-select';
import { useDebounced } from '../shared/use-debounced';
import { rememberProduct, useVariantInfo, variantInfo, variantLabel, type VariantInfo } from '../shared/variants';
import { AdjustDialog } from './adjust-dialog';
import { inventoryApi, type Level } from './inventory-api';

const FILTERS = [
  { value: '', label: 'All items' },
  { value: 'low', label: 'Low stock (emptiest first)' },
  { value: 'negative', label: 'Negative stock' },
];

export function StockPage() {
  const { me, can } = useAdmin();
  const [params, setParams] = useSearchParams();
  const storeId = params.get('store') ?? me.stores[0]?.id ?? '';
  const filter = params.get('filter') ?? '';
  const q = params.get('q') ?? '';
  const term = useDebounced(q.trim(), 300);
  const [adjusting, setAdjusting] = useState<{ level: Level; variant: VariantInfo | undefined } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const storeName = useStoreName();

  const set = (key: string) => (value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  // Browsing: pages of the store's levels. Searching: the catalog finds the variants, then their levels here.
  const pages = useCursorPages((cursor) => {
    if (filter === 'low') return inventoryApi.lowStock({ store_id: storeId, cursor });
    return inventoryApi.levels({ store_id: storeId, cursor, ...(filter === 'negative' ? { negative: true } : {}) });
  }, JSON.stringify(['browse', storeId, filter]));
  const search = useAsync(async () => {
    if (!term) return null;
    const found = await catalogApi.listProducts({ q: term, limit: 10 });
    found.data.forEach(rememberProduct);
    const variants = found.data.flatMap((p) => p.variants.map((v) => variantInfo(p, v))).slice(0, 40);
    const levels = await Promise.all(variants.map((v) => inventoryApi.levels({ store_id: storeId, variant_id: v.id, limit: 1 }).then((r) => r.data[0] ?? emptyLevel(storeId, v))));
    return levels.filter((l) => (filter === 'low' ? l.low : filter === 'negative' ? l.negative : true));
  }, [term, storeId, filter]);

  const searching = !!term;
  const state = searching ? search : pages;
  const rows: Level[] = searching ? (search.data ?? []) : (pages.data?.data ?? []);
  const info = useVariantInfo(rows.map((r) => r.variant_id));

  const replace = (l: Level) => {
    const patch = (list: Level[]) => list.map((x) => (x.variant_id === l.variant_id && x.store_id === l.store_id ? l : x));
    if (searching) search.setData((d) => (d ? patch(d) : d));
    else pages.setData((p) => ({ ...p, data: patch(p.data) }));
  };

  return (
    <>
      <PageHeader title="Stock" />
      {message && (
        <p className="alert alert--success" role="status">
          {message}
        </p>
      )}
      <form className="filters" role="search" aria-label="Filter stock" onSubmit={(e) => e.preventDefault()}>
        <StoreSelect label="Store" value={storeId} onChange={set('store')} />
        <TextField label="Search" type="search" value={q} onChange={set('q')} hint="Name, SKU or barcode" />
        <SelectField label="Show" value={filter} onChange={set('filter')} options={FILTERS} />
      </form>
      {state.status === 'loading' && <Loading label="Loading stock…" />}
      {state.status === 'error' && <LoadError error={state.error} onRetry={state.reload} />}
      {state.status === 'ready' &&
        (rows.length === 0 ? (
          <p className="empty">
            {searching ? `Nothing in ${storeName(storeId)} matches “${term}”.` : filter ? 'No items match this filter. Good news.' : `No stock recorded in ${storeName(storeId)} yet.`}
          </p>
        ) : (
          <table className="table table--dense">
            <caption className="visually-hidden">
              Stock in {storeName(storeId)}
              {filter ? ` (${FILTERS.find((f) => f.value === filter)?.label})` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">SKU</th>
                <th scope="col" className="num">
                  On hand
                </th>
                <th scope="col" className="num">
                  Reserved
                </th>
                <th scope="col" className="num">
                  Available
                </th>
                <th scope="col" className="num">
                  Low at
                </th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((l) => {
                const v = info.get(l.variant_id);
                const name = v ? variantLabel(v) : (l.name ?? l.variant_id);
                return (
                  <tr key={`${l.store_id}:${l.variant_id}`}>
                    <th scope="row" data-label="Item">
                      {name}
                    </th>
                    <td data-label="SKU" className="mono">
                      {l.sku ?? v?.sku}
                    </td>
                    <td data-label="On hand" className={l.negative ? 'num qty qty--negative' : 'num qty'}>
                      {l.on_hand}
                    </td>
                    <td data-label="Reserved" className="num">
                      {l.reserved}
                    </td>
                    <td data-label="Available" className="num">
                      {l.available}
                    </td>
                    <td data-label="Low at" className="num">
                      {l.low_stock_threshold}
                    </td>
                    <td data-label="State">
                      <LevelBadge level={l} />
                    </td>
                    <td className="table__actions">
                      <div className="action-group">
                        <Link className="button button--secondary button--small" to={`/admin/inventory/stock/${l.variant_id}?store=${l.store_id}`} aria-label={`Movement history of ${name}`}>
                          History
                        </Link>
                        {can('inventory.adjust') && (
                          <button type="button" className="button button--secondary button--small" onClick={() => setAdjusting({ level: l, variant: v })} aria-label={`Adjust stock of ${name}`}>
                            Adjust
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ))}
      {!searching && <Pager label="Stock pages" pageNumber={pages.pageNumber} hasPrev={pages.hasPrev} hasNext={pages.hasNext} onPrev={pages.prev} onNext={pages.next} />}
      {searching && search.status === 'ready' && <p className="field__hint">Showing up to 40 variants that match. Refine the search to narrow it down.</p>}
      {adjusting && (
        <AdjustDialog
          storeId={adjusting.level.store_id}
          storeName={storeName(adjusting.level.store_id)}
          variantId={adjusting.level.variant_id}
          name={adjusting.variant ? variantLabel(adjusting.variant) : (adjusting.level.name ?? '')}
          tracksSerials={adjusting.variant?.track_serials ?? false}
          onHand={adjusting.level.on_hand}
          onClose={() => setAdjusting(null)}
          onDone={(level, text) => {
            replace({ ...adjusting.level, ...level });
            setAdjusting(null);
            setMessage(text);
          }}
        />
      )}
    </>
  );
}

export function LevelBadge({ level }: { level: Pick<Level, 'negative' | 'out_of_stock' | 'low'> }) {
  if (level.negative) return <span className="badge badge--danger">Negative</span>;
  if (level.out_of_stock) return <span className="badge badge--warn">Out of stock</span>;
  if (level.low) return <span className="badge badge--warn">Low</span>;
  return <span className="badge badge--ok">In stock</span>;
}

function emptyLevel(storeId: string, v: VariantInfo): Level {
  return {
    store_id: storeId,
    variant_id: v.id,
    sku: v.sku,
    name: variantLabel(v),
    on_hand: 0,
    reserved: 0,
    available: 0,
    low_stock_threshold: 0,
    threshold_override: null,
    negative: false,
    low: true,
    out_of_stock: true,
    updated_at: new Date(0).toISOString(),
  };
}
