import { Link, useParams, useSearchParams } from 'react-router-dom';
import { SelectField } from '../../ui/field';
import { LoadError, Loading } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { PageHeader } from '../admin-layout';
import { formatDateTime, signed } from '../shared/format';
import { formatMoney } from '../shared/money';
import { Pager, useCursorPages } from '../shared/paging';
import { StoreSelect, useStoreName } from '../shared/store-select';
import { useUserNames } from '../shared/user-names';
import { useVariantInfo, variantLabel } from '../shared/variants';
import { inventoryApi, type Movement, type MovementKind } from './inventory-api';
import { KIND_LABELS, reasonLabel } from './labels';
import { LevelBadge } from './stock.page';

export function MovementsPage() {
  const { variantId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const storeId = params.get('store') ?? '';
  const kind = (params.get('kind') ?? '') as MovementKind | '';
  const info = useVariantInfo([variantId]).get(variantId);
  const storeName = useStoreName();
  const userName = useUserNames();
  const levels = useAsync(() => inventoryApi.levels({ variant_id: variantId, limit: 50 }), [variantId]);
  const moves = useCursorPages(
    (cursor) => inventoryApi.movements({ variant_id: variantId, cursor, ...(storeId ? { store_id: storeId } : {}), ...(kind ? { kind } : {}) }),
    JSON.stringify([variantId, storeId, kind]),
  );
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
  const title = info ? variantLabel(info) : (levels.data?.data[0]?.name ?? 'Item');

  return (
    <>
      <p className="breadcrumb">
        <Link to={`/admin/inventory/stock${storeId ? `?store=${storeId}` : ''}`}>Stock</Link>
      </p>
      <PageHeader title={`Stock history: ${title}`} />
      {info && (
        <p className="muted">
          SKU <span className="mono">{info.sku}</span>
          {info.track_serials ? ' · tracks serial numbers' : ''} ·{' '}
          <Link to={`/admin/catalog/products/${info.product_id}`}>Open the product</Link>
        </p>
      )}
      <section className="panel" aria-labelledby="levels-heading">
        <h2 id="levels-heading">Levels by store</h2>
        {levels.status === 'loading' && <Loading />}
        {levels.status === 'error' && <LoadError error={levels.error} onRetry={levels.reload} />}
        {levels.status === 'ready' &&
          (levels.data.data.length === 0 ? (
            <p className="muted">No stock recorded in any store.</p>
          ) : (
            <table className="table table--dense">
              <caption className="visually-hidden">Stock of this item per store</caption>
              <thead>
                <tr>
                  <th scope="col">Store</th>
                  <th scope="col" className="num">
                    On hand
                  </th>
                  <th scope="col" className="num">
                    Reserved
                  </th>
                  <th scope="col" className="num">
                    Available
                  </th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {levels.data.data.map((l) => (
                  <tr key={l.store_id}>
                    <th scope="row">{storeName(l.store_id)}</th>
                    <td className={l.negative ? 'num qty qty--negative' : 'num qty'}>{l.on_hand}</td>
                    <td className="num">{l.reserved}</td>
                    <td className="num">{l.available}</td>
                    <td>
                      <LevelBadge level={l} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
      </section>
      <section className="panel" aria-labelledby="moves-heading">
        <h2 id="moves-heading">Movements</h2>
        <div className="filters filters--compact">
          <StoreSelect label="Store" value={storeId} onChange={set('store')} allLabel="All stores" />
          <SelectField label="Kind" value={kind} onChange={set('kind')} options={[{ value: '', label: 'All kinds' }, ...Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))]} />
        </div>
        {moves.status === 'loading' && <Loading label="Loading movements…" />}
        {moves.status === 'error' && <LoadError error={moves.error} onRetry={moves.reload} />}
        {moves.status === 'ready' &&
          (moves.data.data.length === 0 ? (
            <p className="muted">No movements.</p>
          ) : (
            <table className="table table--dense">
              <caption className="visually-hidden">Stock movements, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Store</th>
                  <th scope="col">What</th>
                  <th scope="col" className="num">
                    Change
                  </th>
                  <th scope="col" className="num">
                    On hand after
                  </th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {moves.data.data.map((m) => (
                  <tr key={m.id}>
                    <th scope="row" data-label="When" className="nowrap">
                      {formatDateTime(m.occurred_at)}
                    </th>
                    <td data-label="Store">{storeName(m.store_id)}</td>
                    <td data-label="What">
                      {KIND_LABELS[m.kind]}
                      <Reference m={m} />
                    </td>
                    <td data-label="Change" className={m.quantity < 0 ? 'num qty qty--out' : 'num qty qty--in'}>
                      {signed(m.quantity)}
                    </td>
                    <td data-label="On hand after" className="num">
                      {m.on_hand_after}
                    </td>
                    <td data-label="Why">
                      {[reasonLabel(m.reason), m.note].filter(Boolean).join(' — ')}
                      {m.unit_cost && <span className="cell-note">at {formatMoney(m.unit_cost)} each</span>}
                      {m.serial_numbers?.length ? <span className="cell-note mono">{m.serial_numbers.join(', ')}</span> : null}
                      <span className="cell-note">{m.actor_id ? `by ${userName(m.actor_id)}` : `by ${m.actor_kind}`}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        <Pager label="Movement pages" pageNumber={moves.pageNumber} hasPrev={moves.hasPrev} hasNext={moves.hasNext} onPrev={moves.prev} onNext={moves.next} />
      </section>
    </>
  );
}

function Reference({ m }: { m: Movement }) {
  if (!m.reference_id) return null;
  const to =
    m.reference_type === 'transfer'
      ? `/admin/inventory/transfers/${m.reference_id}`
      : m.reference_type === 'receipt'
        ? `/admin/inventory/receiving/${m.reference_id}`
        : m.reference_type === 'count'
          ? `/admin/inventory/counts/${m.reference_id}`
          : null;
  if (!to) return null;
  return (
    <span className="cell-note">
      <Link to={to}>View {m.reference_type}</Link>
    </span>
  );
}
