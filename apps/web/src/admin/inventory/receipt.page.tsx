import { Link, useParams } from 'react-router-dom';
import { LoadError, Loading } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { Flash, PageHeader } from '../admin-layout';
import { formatDateTime } from '../shared/format';
import { formatMoney } from '../shared/money';
import { useStoreName } from '../shared/store-select';
import { useUserNames } from '../shared/user-names';
import { useVariantInfo, variantLabel } from '../shared/variants';
import { inventoryApi } from './inventory-api';
import { receiptTotal } from './receipts.page';

export function ReceiptPage() {
  const { receiptId = '' } = useParams();
  const r = useAsync(() => inventoryApi.receipt(receiptId), [receiptId]);
  const info = useVariantInfo(r.data?.lines.map((l) => l.variant_id) ?? []);
  const storeName = useStoreName();
  const userName = useUserNames();

  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/inventory/receiving">Receiving</Link>
      </p>
      {r.status === 'loading' && <Loading label="Loading receipt…" />}
      {r.status === 'error' && <LoadError error={r.error} onRetry={r.reload} />}
      {r.status === 'ready' && (
        <>
          <PageHeader title={`Delivery from ${r.data.supplier}`} />
          <Flash />
          <dl className="details details--inline">
            <dt>Store</dt>
            <dd>{storeName(r.data.store_id)}</dd>
            <dt>Received</dt>
            <dd>
              {formatDateTime(r.data.received_at)} by {userName(r.data.received_by)}
            </dd>
            {r.data.supplier_reference && (
              <>
                <dt>Supplier reference</dt>
                <dd>{r.data.supplier_reference}</dd>
              </>
            )}
            {r.data.note && (
              <>
                <dt>Note</dt>
                <dd>{r.data.note}</dd>
              </>
            )}
            <dt>Total cost</dt>
            <dd>{receiptTotal(r.data)}</dd>
          </dl>
          <table className="table table--dense">
            <caption className="visually-hidden">Items received</caption>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">SKU</th>
                <th scope="col" className="num">
                  Quantity
                </th>
                <th scope="col" className="num">
                  Unit cost
                </th>
                <th scope="col">Serial numbers</th>
              </tr>
            </thead>
            <tbody>
              {r.data.lines.map((l) => {
                const v = info.get(l.variant_id);
                return (
                  <tr key={l.line_no}>
                    <th scope="row" data-label="Item">
                      {v ? variantLabel(v) : 'Loading…'}
                    </th>
                    <td data-label="SKU" className="mono">
                      {v?.sku}
                    </td>
                    <td data-label="Quantity" className="num">
                      {l.quantity}
                    </td>
                    <td data-label="Unit cost" className="num">
                      {formatMoney(l.unit_cost)}
                    </td>
                    <td data-label="Serial numbers" className="mono">
                      {l.serial_numbers?.join(', ') ?? <span className="muted">—</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
