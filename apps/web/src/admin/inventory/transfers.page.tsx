import { Link, useSearchParams } from 'react-router-dom';
import { SelectField } from '../../ui/field';
import { LoadError, Loading } from '../../ui/status';
import { useAdmin } from '../admin-context';
import { Flash, PageHeader } from '../admin-layout';
import { formatDateTime, plural } from '../shared/format';
import { Pager, useCursorPages } from '../shared/paging';
import { StoreSelect, useStoreName } from '../shared/store-select';
import { inventoryApi, type Transfer, type TransferStatus } from './inventory-api';
import { TRANSFER_STATUS } from './labels';

export function TransfersPage() {
  const { can } = useAdmin();
  const [params, setParams] = useSearchParams();
  const storeId = params.get('store') ?? '';
  const status = (params.get('status') ?? '') as TransferStatus | '';
  const storeName = useStoreName();
  const list = useCursorPages((cursor) => inventoryApi.transfers({ cursor, ...(storeId ? { store_id: storeId } : {}), ...(status ? { status } : {}) }), JSON.stringify([storeId, status]));
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

  return (
    <>
      <PageHeader title="Transfers">
        {can('inventory.transfer') && (
          <Link className="button" to="/admin/inventory/transfers/new">
            New transfer
          </Link>
        )}
      </PageHeader>
      <Flash />
      <div className="filters">
        <StoreSelect label="Store" value={storeId} onChange={set('store')} allLabel="All my stores" />
        <SelectField
          label="Status"
          value={status}
          onChange={set('status')}
          options={[{ value: '', label: 'Any status' }, ...Object.entries(TRANSFER_STATUS).map(([value, s]) => ({ value, label: s.label }))]}
        />
      </div>
      {list.status === 'loading' && <Loading label="Loading transfers…" />}
      {list.status === 'error' && <LoadError error={list.error} onRetry={list.reload} />}
      {list.status === 'ready' &&
        (list.data.data.length === 0 ? (
          <p className="empty">No transfers{status ? ` that are ${TRANSFER_STATUS[status].label.toLowerCase()}` : ''}.</p>
        ) : (
          <table className="table">
            <caption className="visually-hidden">Transfers, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">From → to</th>
                <th scope="col">Items</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((t) => (
                <tr key={t.id}>
                  <th scope="row" data-label="Created" className="nowrap">
                    <Link to={`/admin/inventory/transfers/${t.id}`}>{formatDateTime(t.created_at)}</Link>
                  </th>
                  <td data-label="From → to">
                    {storeName(t.from_store_id)} → {storeName(t.to_store_id)}
                  </td>
                  <td data-label="Items">
                    {plural(t.lines.length, 'line')}, {plural(units(t), 'unit')}
                  </td>
                  <td data-label="Status">
                    <span className={TRANSFER_STATUS[t.status].badge}>{TRANSFER_STATUS[t.status].label}</span>
                  </td>
                  <td className="table__actions">
                    <Link className="button button--secondary button--small" to={`/admin/inventory/transfers/${t.id}`} aria-label={`Open transfer from ${storeName(t.from_store_id)} to ${storeName(t.to_store_id)} created ${formatDateTime(t.created_at)}`}>
                      Open
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      <Pager label="Transfer pages" pageNumber={list.pageNumber} hasPrev={list.hasPrev} hasNext={list.hasNext} onPrev={list.prev} onNext={list.next} />
    </>
  );
}

export const units = (t: Transfer) => t.lines.reduce((s, l) => s + l.quantity, 0);
