import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { ConfirmDialog } from '../../ui/dialog';
import { ProblemAlert } from '../../ui/problem-alert';
import { LoadError, Loading } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { newIdempotencyKey } from '../../ui/use-idempotency-key';
import { useAdmin } from '../admin-context';
import { Flash, PageHeader } from '../admin-layout';
import { errorUnder, pathsUnder } from '../shared/field-errors';
import { formatMoney } from '../shared/money';
import { rememberProduct } from '../shared/variants';
import { catalogApi, type Category, type Product, type ProductPatch, type TaxCode, type Variant } from './catalog-api';
import {
  comboKey,
  DETAIL_FIELDS,
  DetailsFields,
  GridFill,
  OptionsEditor,
  RemovedCombinations,
  rowsToVariants,
  toOptions,
  useVariantGrid,
  VariantGrid,
  type DetailsDraft,
  type OptionDraft,
  type RowProblems,
} from './product-form';
import { VariantDialog } from './variant-dialog';

type Refs = { categories: Category[]; taxCodes: TaxCode[] };

export function ProductEditPage() {
  const { productId = '' } = useParams();
  const data = useAsync(async () => {
    const [product, c, t] = await Promise.all([
      catalogApi.getProduct(productId).catch((err: unknown) => {
        if (err instanceof ApiError && (err.status === 404 || err.code === 'validation_failed')) return null;
        throw err;
      }),
      catalogApi.listCategories(),
      catalogApi.listTaxCodes(),
    ]);
    if (product) rememberProduct(product);
    return { product, refs: { categories: c.data, taxCodes: t.data } };
  }, [productId]);

  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/catalog/products">Products</Link>
      </p>
      {data.status === 'loading' && <Loading label="Loading product…" />}
      {data.status === 'error' && <LoadError error={data.error} onRetry={data.reload} />}
      {data.status === 'ready' && !data.data.product && (
        <>
          <PageHeader title="Product not found" />
          <p>This product does not exist or was removed.</p>
        </>
      )}
      {data.status === 'ready' && data.data.product && (
        <ProductEditor
          key={data.data.product.id}
          product={data.data.product}
          refs={data.data.refs}
          onChange={(p) => {
            rememberProduct(p);
            data.setData((d) => ({ ...d, product: p }));
          }}
        />
      )}
    </>
  );
}

function ProductEditor({ product, refs, onChange }: { product: Product; refs: Refs; onChange: (p: Product) => void }) {
  const { can } = useAdmin();
  const manage = can('catalog.manage');
  const [message, setMessage] = useState<string | null>(null);
  const [statusBusy, setStatusBusy] = useState(false);
  const [statusError, setStatusError] = useState<unknown>(null);
  const [confirmArchive, setConfirmArchive] = useState(false);

  async function setStatus(status: 'active' | 'archived') {
    setStatusBusy(true);
    setStatusError(null);
    try {
      onChange(await catalogApi.updateProduct(product.id, { status }));
      setMessage(status === 'archived' ? `“${product.name}” is archived with all its variants.` : `“${product.name}” is active again. Restore the variants you sell.`);
      setConfirmArchive(false);
    } catch (err) {
      setStatusError(err);
    } finally {
      setStatusBusy(false);
    }
  }

  const variantChanged = (v: Variant, text?: string) => {
    onChange({ ...product, variants: product.variants.map((x) => (x.id === v.id ? v : x)) });
    if (text) setMessage(text);
  };
  const variantRemoved = (id: string, text: string) => {
    onChange({ ...product, variants: product.variants.filter((v) => v.id !== id) });
    setMessage(text);
  };
  const variantsAdded = (vs: Variant[]) => {
    onChange({ ...product, variants: [...product.variants, ...vs] });
    setMessage(`${vs.length} ${vs.length === 1 ? 'variant' : 'variants'} added.`);
  };
  const detailsSaved = (p: Product) => {
    onChange(p);
    setMessage('Product details saved.');
  };

  return (
    <>
      <PageHeader title={product.name}>
        <span className={product.status === 'active' ? 'badge badge--ok badge--large' : 'badge badge--off badge--large'}>{product.status === 'active' ? 'Active' : 'Archived'}</span>
        <Link className="button button--secondary" to={`/admin/catalog/labels?${product.variants.map((v) => `variant=${v.id}`).join('&')}`}>
          Print labels
        </Link>
        {manage &&
          (product.status === 'active' ? (
            <button type="button" className="button button--danger-outline" onClick={() => setConfirmArchive(true)}>
              Archive product
            </button>
          ) : (
            <button type="button" className="button button--secondary" onClick={() => setStatus('active')} disabled={statusBusy}>
              Restore product
            </button>
          ))}
      </PageHeader>
      <Flash hidden={!!message} />
      {message && (
        <p className="alert alert--success" role="status">
          {message}
        </p>
      )}
      {!confirmArchive && <ProblemAlert error={statusError} />}
      <DetailsPanel product={product} refs={refs} onSaved={detailsSaved} />
      <VariantsPanel product={product} onVariant={variantChanged} onRemoved={variantRemoved} />
      {manage && product.options.length > 0 && product.status === 'active' && (
        <AddVariantsPanel product={product} onAdded={variantsAdded} />
      )}
      {confirmArchive && (
        <ConfirmDialog
          title={`Archive “${product.name}”?`}
          message={<p>It and its {product.variants.length} variants stop being sold. Sales history stays; you can restore it later.</p>}
          confirmLabel="Archive product"
          danger
          busy={statusBusy}
          error={<ProblemAlert error={statusError} />}
          onConfirm={() => setStatus('archived')}
          onCancel={() => setConfirmArchive(false)}
        />
      )}
    </>
  );
}

const toDraft = (p: Product): DetailsDraft => ({
  name: p.name,
  description: p.description ?? '',
  category_id: p.category_id ?? '',
  tax_code_id: p.tax_code_id ?? '',
  image_urls: p.image_urls,
});

function DetailsPanel({ product, refs, onSaved }: { product: Product; refs: Refs; onSaved: (p: Product) => void }) {
  const { can } = useAdmin();
  const manage = can('catalog.manage');
  const [details, setDetails] = useState<DetailsDraft>(() => toDraft(product));
  const [optionDrafts, setOptionDrafts] = useState<OptionDraft[]>(() => product.options.map((o) => ({ name: o.name, values: o.values.join(', ') })));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const d = details;
    const urls = d.image_urls.map((u) => u.trim()).filter(Boolean);
    const options = toOptions(optionDrafts);
    const body: ProductPatch = {
      ...(d.name.trim() !== product.name ? { name: d.name.trim() } : {}),
      ...(d.description.trim() !== (product.description ?? '') ? { description: d.description.trim() || null } : {}),
      ...(d.category_id !== (product.category_id ?? '') ? { category_id: d.category_id || null } : {}),
      ...(d.tax_code_id !== (product.tax_code_id ?? '') ? { tax_code_id: d.tax_code_id || null } : {}),
      ...(JSON.stringify(urls) !== JSON.stringify(product.image_urls) ? { image_urls: urls } : {}),
      ...(JSON.stringify(options) !== JSON.stringify(product.options) ? { options } : {}),
    };
    if (Object.keys(body).length === 0) return onSaved(product);
    setBusy(true);
    setError(null);
    try {
      const saved = await catalogApi.updateProduct(product.id, body);
      setOptionDrafts(saved.options.map((o) => ({ name: o.name, values: o.values.join(', ') })));
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="details-heading">
      <h2 id="details-heading">Details</h2>
      <form className="form form--wide" onSubmit={submit}>
        <ProblemAlert error={error} shownFields={[...DETAIL_FIELDS, ...pathsUnder(error, ['options'])]} />
        <DetailsFields value={details} onChange={setDetails} categories={refs.categories} taxCodes={refs.taxCodes} error={error} disabled={!manage} />
        {product.options.length > 0 && (
          <OptionsEditor value={optionDrafts} onChange={setOptionDrafts} error={error} fixedCount={product.options.length} disabled={!manage} />
        )}
        {manage && (
          <div className="form__actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Saving…' : 'Save details'}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}

type Pending = { kind: 'edit' | 'delete'; variant: Variant } | null;

function VariantsPanel({ product, onVariant, onRemoved }: { product: Product; onVariant: (v: Variant, text?: string) => void; onRemoved: (id: string, text: string) => void }) {
  const { can } = useAdmin();
  const manage = can('catalog.manage');
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const label = (v: Variant) => (v.title ? `${product.name} — ${v.title}` : product.name);

  async function act(v: Variant, action: 'archive' | 'restore' | 'delete') {
    setBusy(v.id);
    setError(null);
    try {
      if (action === 'delete') {
        await catalogApi.deleteVariant(v.id);
        setPending(null);
        onRemoved(v.id, `${v.sku} deleted.`);
      } else {
        const updated = action === 'archive' ? await catalogApi.archiveVariant(v.id) : await catalogApi.restoreVariant(v.id);
        onVariant(updated, action === 'archive' ? `${v.sku} is archived: no longer sold, kept for history.` : `${v.sku} is on sale again.`);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="panel" aria-labelledby="variant-list-heading">
      <h2 id="variant-list-heading">Variants ({product.variants.length})</h2>
      {!pending && <ProblemAlert error={error} />}
      <div className="grid-scroll">
        <table className="table table--dense">
          <caption className="visually-hidden">Variants of {product.name}</caption>
          <thead>
            <tr>
              <th scope="col">Variant</th>
              <th scope="col">SKU</th>
              <th scope="col">Barcodes</th>
              <th scope="col" className="num">
                Price
              </th>
              <th scope="col" className="num">
                Cost
              </th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {product.variants.map((v) => (
              <tr key={v.id} className={v.status === 'archived' ? 'table__row--muted' : undefined}>
                <th scope="row" data-label="Variant">
                  {v.title || 'Default'}
                  {v.track_serials && <span className="badge badge--info">Serials</span>}
                </th>
                <td data-label="SKU" className="mono">
                  {v.sku}
                </td>
                <td data-label="Barcodes" className="mono">
                  {v.barcodes.map((b) => b.code).join(', ') || <span className="muted">None</span>}
                </td>
                <td data-label="Price" className="num nowrap">
                  {formatMoney(v.price)}
                  {v.store_prices.length > 0 && (
                    <span className="cell-note">
                      {v.store_prices.length} store {v.store_prices.length === 1 ? 'price' : 'prices'}
                    </span>
                  )}
                </td>
                <td data-label="Cost" className="num nowrap">
                  {formatMoney(v.cost) || <span className="muted">—</span>}
                </td>
                <td data-label="Status">
                  <span className={v.status === 'active' ? 'badge badge--ok' : 'badge badge--off'}>{v.status === 'active' ? 'Active' : 'Archived'}</span>
                </td>
                <td className="table__actions">
                  <div className="action-group">
                    <Link className="button button--secondary button--small" to={`/admin/catalog/products/${product.id}/variants/${v.id}/prices`} aria-label={`Prices of ${label(v)}`}>
                      Prices
                    </Link>
                    {manage && (
                      <button type="button" className="button button--secondary button--small" onClick={() => setPending({ kind: 'edit', variant: v })} aria-label={`Edit ${label(v)}`}>
                        Edit
                      </button>
                    )}
                    {manage &&
                      (v.status === 'active' ? (
                        <button type="button" className="button button--secondary button--small" onClick={() => act(v, 'archive')} disabled={busy === v.id} aria-label={`Archive ${label(v)}`}>
                          Archive
                        </button>
                      ) : (
                        product.status === 'active' && (
                          <button type="button" className="button button--secondary button--small" onClick={() => act(v, 'restore')} disabled={busy === v.id} aria-label={`Restore ${label(v)}`}>
                            Restore
                          </button>
                        )
                      ))}
                    {manage && !v.ever_sold && product.variants.length > 1 && (
                      <button type="button" className="button button--danger-outline button--small" onClick={() => setPending({ kind: 'delete', variant: v })} aria-label={`Delete ${label(v)}`}>
                        Delete
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="field__hint">A variant that was ever sold can be archived but not deleted.</p>
      {pending?.kind === 'edit' && (
        <VariantDialog
          variant={pending.variant}
          label={label(pending.variant)}
          onClose={() => setPending(null)}
          onSaved={(v) => {
            setPending(null);
            onVariant(v, `${v.sku} saved.`);
          }}
        />
      )}
      {pending?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${pending.variant.sku}?`}
          message={<p>{label(pending.variant)} was never sold, so it can be deleted for good. Archive it instead to keep it on record.</p>}
          confirmLabel="Delete variant"
          danger
          busy={busy === pending.variant.id}
          error={<ProblemAlert error={error} />}
          onConfirm={() => act(pending.variant, 'delete')}
          onCancel={() => {
            setPending(null);
            setError(null);
          }}
        />
      )}
    </section>
  );
}

function AddVariantsPanel({ product, onAdded }: { product: Product; onAdded: (vs: Variant[]) => void }) {
  const { me } = useAdmin();
  const currency = me.tenant.currency;
  const existing = new Set(product.variants.map((v) => comboKey(v.option_values)));
  const grid = useVariantGrid(product.options, existing);
  const [problems, setProblems] = useState<RowProblems>({});
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  // One key per combination for this panel's life: a retry after a failure replays instead of duplicating.
  const [keys] = useState(() => new Map<string, string>());

  async function submit(e: FormEvent) {
    e.preventDefault();
    const { variants, problems: found } = rowsToVariants(grid.rows, currency);
    setProblems(found);
    if (Object.keys(found).length || variants.length === 0) return;
    setBusy(true);
    const added: Variant[] = [];
    const failed: Record<string, unknown> = {};
    for (const [i, body] of variants.entries()) {
      const row = grid.rows[i]!;
      const key = keys.get(row.key + JSON.stringify(body)) ?? newIdempotencyKey();
      keys.set(row.key + JSON.stringify(body), key);
      try {
        added.push(await catalogApi.addVariant(product.id, body, key));
      } catch (err) {
        failed[row.key] = err;
      }
    }
    setErrors(failed);
    setBusy(false);
    if (added.length) onAdded(added);
  }

  const errorFor = (key: string, field: string) => errorUnder(errors[key], field);
  const firstError = Object.values(errors)[0];

  return (
    <section className="panel" aria-labelledby="add-variants-heading">
      <h2 id="add-variants-heading">Add variants</h2>
      {grid.rows.length === 0 && grid.removedRows.length === 0 ? (
        <p className="muted">Every combination of the options exists. Add a value to an option above (and save) to create more.</p>
      ) : (
        <form className="form" onSubmit={submit}>
          {firstError !== undefined && <ProblemAlert error={firstError} shownFields={pathsUnder(firstError, ['sku', 'barcodes', 'barcode', 'price', 'cost', 'option_values'])} />}
          <p className="muted">Combinations that do not exist yet. Remove the ones you do not want, fill in the rest, then add them.</p>
          <GridFill onFill={grid.fill} disabled={busy} />
          <VariantGrid
            rows={grid.rows}
            optionNames={product.options.map((o) => o.name)}
            onChange={grid.update}
            onRemove={grid.remove}
            errorFor={errorFor}
            problems={problems}
            currency={currency}
            caption="Variants to add"
            disabled={busy}
          />
          <RemovedCombinations rows={grid.removedRows} onRestore={grid.restore} onRestoreAll={grid.restoreAll} />
          <div className="form__actions">
            <button type="submit" className="button" disabled={busy || grid.rows.length === 0}>
              {busy ? 'Adding…' : `Add ${grid.rows.length} ${grid.rows.length === 1 ? 'variant' : 'variants'}`}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
