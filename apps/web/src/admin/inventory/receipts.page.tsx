import { Link, useSearchParams } from 'react-router-dom';
import { LoadError, Loading } from '../../ui/status';
import { useAdmin } from '../admin-context';
import { Flash, PageHeader } from '../admin-layout';
import { formatDateTime, plural } from '../shared/format';
import { formatMoney } from '../shared/money';
import { Pager, useCursorPages } from '../shared/paging';
import { StoreSelect, useStoreName } from '../shared/store-select';
import { inventoryApi, type Receipt } from './inventory-api';

export function ReceiptsPage() {
  const { can } = useAdmin();
  const [params, setParams] = useSearchParams();
  const storeId = params.get('store') ?? '';
  const storeName = useStoreName();
  const list = useCursorPages((cursor) => inventoryApi.receipts({ cursor, ...(storeId ? { store_id: storeId } : {}) }), storeId);

  return (
    <>
      <PageHeader title="Receiving">
        {can('inventory.receive') && (
          <Link className="button" to="/admin/inventory/receiving/new">
            Receive stock
          </Link>
        )}
      </PageHeader>
      <Flash />
      <div className="filters">
        <StoreSelect label="Store" value={storeId} onChange={(v) => setParams(v ? { store: v } : {}, { replace: true })} allLabel="All my stores" />
      </div>
      {list.status === 'loading' && <Loading label="Loading receipts…" />}
      {list.status === 'error' && <LoadError error={list.error} onRetry={list.reload} />}
      {list.status === 'ready' &&
        (list.data.data.length === 0 ? (
          <p className="empty">No deliveries recorded yet.</p>
        ) : (
          <table className="table">
            <caption className="visually-hidden">Supplier receipts, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Supplier</th>
                <th scope="col">Store</th>
                <th scope="col">Items</th>
                <th scope="col" className="num">
                  Cost
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((r) => (
                <tr key={r.id}>
                  <th scope="row" data-label="Received" className="nowrap">
                    <Link to={`/admin/inventory/receiving/${r.id}`}>{formatDateTime(r.received_at)}</Link>
                  </th>
                  <td data-label="Supplier">
                    {r.supplier}
                    {r.supplier_reference && <span className="cell-note">{r.supplier_reference}</span>}
                  </td>
                  <td data-label="Store">{storeName(r.store_id)}</td>
                  <td data-label="Items">
                    {plural(r.lines.length, 'line')}, {plural(r.lines.reduce((s, l) => s + l.quantity, 0), 'unit')}
                  </td>
                  <td data-label="Cost" className="num nowrap">
                    {receiptTotal(r)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      <Pager label="Receipt pages" pageNumber={list.pageNumber} hasPrev={list.hasPrev} hasNext={list.hasNext} onPrev={list.prev} onNext={list.next} />
    </>
  );
}

export function receiptTotal(r: Receipt): string {
  const currency = r.lines[0]?.unit_cost.currency;
  if (!currency) return '';
  return formatMoney({ amount: r.lines.reduce((s, l) => s + l.quantity * l.unit_cost.amount, 0), currency });
}
