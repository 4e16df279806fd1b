import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { SelectField, TextField } from '../../ui/field';
import { ProblemAlert } from '../../ui/problem-alert';
import { LoadError, Loading } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { useIdempotencyKey } from '../../ui/use-idempotency-key';
import { useAdmin } from '../admin-context';
import { Flash, PageHeader } from '../admin-layout';
import { catalogApi } from '../catalog/catalog-api';
import { categoryOptions, categoryPath } from '../catalog/category-tree';
import { errorUnder } from '../shared/field-errors';
import { formatDateTime, signed } from '../shared/format';
import { Pager, useCursorPages } from '../shared/paging';
import { StoreSelect, useStoreName } from '../shared/store-select';
import { inventoryApi, type Count } from './inventory-api';

export const COUNT_STATUS: Record<Count['status'], { label: string; badge: string }> = {
  open: { label: 'Open', badge: 'badge badge--info' },
  submitted: { label: 'Submitted', badge: 'badge badge--ok' },
  cancelled: { label: 'Cancelled', badge: 'badge badge--off' },
};

export function CountsPage() {
  const { can } = useAdmin();
  const storeName = useStoreName();
  const categories = useAsync(() => catalogApi.listCategories().then((r) => r.data), []);
  const list = useCursorPages((cursor) => inventoryApi.counts({ cursor }), 'all');
  const cats = categories.data ?? [];

  return (
    <>
      <PageHeader title="Stock counts" />
      <Flash />
      {can('inventory.count') && <OpenCountForm categories={cats} />}
      <section className="panel" aria-labelledby="counts-heading">
        <h2 id="counts-heading">Counts</h2>
        {list.status === 'loading' && <Loading label="Loading counts…" />}
        {list.status === 'error' && <LoadError error={list.error} onRetry={list.reload} />}
        {list.status === 'ready' &&
          (list.data.data.length === 0 ? (
            <p className="empty">No counts yet.</p>
          ) : (
            <table className="table table--dense">
              <caption className="visually-hidden">Stock counts, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Opened</th>
                  <th scope="col">Store</th>
                  <th scope="col">Scope</th>
                  <th scope="col">Progress</th>
                  <th scope="col" className="num">
                    Net change
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((c) => (
                  <tr key={c.id}>
                    <th scope="row" data-label="Opened" className="nowrap">
                      <Link to={`/admin/inventory/counts/${c.id}`}>{formatDateTime(c.opened_at)}</Link>
                    </th>
                    <td data-label="Store">{storeName(c.store_id)}</td>
                    <td data-label="Scope">{c.category_id ? categoryPath(cats, c.category_id) || 'One category' : 'All items'}</td>
                    <td data-label="Progress">
                      {c.summary.counted} of {c.summary.lines} counted
                    </td>
                    <td data-label="Net change" className="num">
                      {signed(c.summary.net_correction)}
                    </td>
                    <td data-label="Status">
                      <span className={COUNT_STATUS[c.status].badge}>{COUNT_STATUS[c.status].label}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        <Pager label="Count pages" pageNumber={list.pageNumber} hasPrev={list.hasPrev} hasNext={list.hasNext} onPrev={list.prev} onNext={list.next} />
      </section>
    </>
  );
}

function OpenCountForm({ categories }: { categories: Parameters<typeof categoryOptions>[0] }) {
  const { me } = useAdmin();
  const navigate = useNavigate();
  const idem = useIdempotencyKey();
  const [storeId, setStoreId] = useState(me.stores[0]?.id ?? '');
  const [categoryId, setCategoryId] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = { store_id: storeId, category_id: categoryId || null, ...(note.trim() ? { note: note.trim() } : {}) };
    setBusy(true);
    setError(null);
    try {
      const c = await inventoryApi.openCount(body, idem.keyFor(body));
      idem.done();
      navigate(`/admin/inventory/counts/${c.id}`, { state: { flash: `Count opened: ${c.summary.lines} items to count. Scan or type the quantities.` } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const openId = error instanceof ApiError && error.code === 'count_already_open' ? (error.problem as { count_id?: string }).count_id : undefined;

  return (
    <section className="panel" aria-labelledby="open-count-heading">
      <h2 id="open-count-heading">Open a count</h2>
      <form className="form" onSubmit={submit}>
        <ProblemAlert error={error} shownFields={['store_id', 'category_id', 'note']} />
        {openId && (
          <p>
            <Link to={`/admin/inventory/counts/${openId}`}>Go to the open count</Link>
          </p>
        )}
        <div className="form__row">
          <StoreSelect label="Store" value={storeId} onChange={setStoreId} required error={errorUnder(error, 'store_id')} />
          <SelectField
            label="What to count"
            value={categoryId}
            onChange={setCategoryId}
            options={[{ value: '', label: 'Everything in the store' }, ...categoryOptions(categories)]}
            error={errorUnder(error, 'category_id')}
            hint="A category includes its subcategories."
          />
          <TextField label="Note (optional)" value={note} onChange={setNote} maxLength={500} error={errorUnder(error, 'note')} />
        </div>
        <div className="form__actions form__actions--start">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Opening…' : 'Open count'}
          </button>
        </div>
      </form>
    </section>
  );
}
