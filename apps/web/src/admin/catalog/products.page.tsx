import { Link, useSearchParams } from 'react-router-dom';
import { SelectField, TextField } from '../../ui/field';
import { LoadError, Loading } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { useAdmin } from '../admin-context';
import { Flash, PageHeader } from '../admin-layout';
import { formatMoney } from '../shared/money';
import { Pager, useCursorPages } from '../shared/paging';
import { useDebounced } from '../shared/use-debounced';
import { rememberProduct } from '../shared/variants';
import { catalogApi, type Product } from './catalog-api';
import { categoryOptions, categoryPath } from './category-tree';

const STATUS_OPTIONS = [
  { value: '', label: 'Active and archived' },
  { value: 'active', label: 'Active' },
  { value: 'archived', label: 'Archived' },
];

export function ProductsPage() {
  const { can } = useAdmin();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const category = params.get('category') ?? '';
  const status = (params.get('status') ?? '') as '' | 'active' | 'archived';
  const debouncedQ = useDebounced(q.trim(), 300);
  const categories = useAsync(() => catalogApi.listCategories().then((r) => r.data), []);

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

  const filterKey = JSON.stringify([debouncedQ, category, status]);
  const products = useCursorPages(
    (cursor) =>
      catalogApi
        .listProducts({ q: debouncedQ, ...(category ? { category_id: category } : {}), ...(status ? { status } : {}), cursor })
        .then((page) => {
          page.data.forEach(rememberProduct);
          return page;
        }),
    filterKey,
  );
  const cats = categories.data ?? [];

  return (
    <>
      <PageHeader title="Products">
        {can('catalog.manage') && (
          <Link className="button" to="/admin/catalog/products/new">
            New product
          </Link>
        )}
      </PageHeader>
      <Flash />
      <form className="filters" role="search" aria-label="Filter products" onSubmit={(e) => e.preventDefault()}>
        <TextField label="Search" type="search" value={q} onChange={set('q')} hint="Name, SKU or barcode" />
        <SelectField label="Category" value={category} onChange={set('category')} options={[{ value: '', label: 'All categories' }, ...categoryOptions(cats)]} />
        <SelectField label="Status" value={status} onChange={set('status')} options={STATUS_OPTIONS} />
      </form>
      {products.status === 'loading' && <Loading label="Loading products…" />}
      {products.status === 'error' && <LoadError error={products.error} onRetry={products.reload} />}
      {products.status === 'ready' &&
        (products.data.data.length === 0 ? (
          <div className="empty">
            <p>{debouncedQ || category || status ? 'No products match these filters.' : 'No products yet.'}</p>
            {can('catalog.manage') && !debouncedQ && <Link to="/admin/catalog/products/new">Create a product</Link>}
          </div>
        ) : (
          <table className="table">
            <caption className="visually-hidden">Products{debouncedQ ? ` matching “${debouncedQ}”` : ''}</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Category</th>
                <th scope="col" className="num">
                  Variants
                </th>
                <th scope="col" className="num">
                  Price
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {products.data.data.map((p) => (
                <tr key={p.id} className={p.status === 'archived' ? 'table__row--muted' : undefined}>
                  <th scope="row" data-label="Product">
                    <span className="product-cell">
                      {p.image_urls[0] ? <img src={p.image_urls[0]} alt="" width={36} height={36} loading="lazy" /> : <span className="product-cell__placeholder" aria-hidden="true" />}
                      <span>
                        <Link to={`/admin/catalog/products/${p.id}`}>{p.name}</Link>
                        <span className="product-cell__skus">{skuSummary(p)}</span>
                      </span>
                    </span>
                  </th>
                  <td data-label="Category">{categoryPath(cats, p.category_id) || <span className="muted">None</span>}</td>
                  <td data-label="Variants" className="num">
                    {p.variants.length}
                  </td>
                  <td data-label="Price" className="num nowrap">
                    {priceRange(p)}
                  </td>
                  <td data-label="Status">
                    <span className={p.status === 'active' ? 'badge badge--ok' : 'badge badge--off'}>{p.status === 'active' ? 'Active' : 'Archived'}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      <Pager label="Product pages" pageNumber={products.pageNumber} hasPrev={products.hasPrev} hasNext={products.hasNext} onPrev={products.prev} onNext={products.next} />
    </>
  );
}

function skuSummary(p: Product): string {
  const skus = p.variants.map((v) => v.sku);
  return skus.length <= 2 ? skus.join(', ') : `${skus.slice(0, 2).join(', ')} +${skus.length - 2}`;
}

function priceRange(p: Product): string {
  const prices = p.variants.map((v) => v.price).filter((x) => !!x);
  if (prices.length === 0) return '';
  const min = prices.reduce((a, b) => (b.amount < a.amount ? b : a));
  const max = prices.reduce((a, b) => (b.amount > a.amount ? b : a));
  return min.amount === max.amount ? formatMoney(min) : `${formatMoney(min)} – ${formatMoney(max)}`;
}
