import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import { ProblemAlert } from '../../ui/problem-alert';
import { LoadError, Loading } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { useIdempotencyKey } from '../../ui/use-idempotency-key';
import { useAdmin } from '../admin-context';
import { PageHeader } from '../admin-layout';
import { errorUnder, pathsUnder } from '../shared/field-errors';
import { catalogApi, type ProductInput } from './catalog-api';
import {
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

const EMPTY: DetailsDraft = { name: '', description: '', category_id: '', tax_code_id: '', image_urls: [] };

export function ProductNewPage() {
  const { can, me } = useAdmin();
  const navigate = useNavigate();
  const idem = useIdempotencyKey();
  const refs = useAsync(() => Promise.all([catalogApi.listCategories(), catalogApi.listTaxCodes()]).then(([c, t]) => ({ categories: c.data, taxCodes: t.data })), []);
  const [details, setDetails] = useState<DetailsDraft>(EMPTY);
  const [optionDrafts, setOptionDrafts] = useState<OptionDraft[]>([]);
  const options = toOptions(optionDrafts);
  const grid = useVariantGrid(options);
  const [problems, setProblems] = useState<RowProblems>({});
  const [submitted, setSubmitted] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const currency = me.tenant.currency;

  if (!can('catalog.manage')) return <Navigate to="/admin/catalog/products" replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const { variants, problems: found } = rowsToVariants(grid.rows, currency);
    setProblems(found);
    if (Object.keys(found).length) {
      setError(new Error('Some variants need a fix: see the highlighted cells.'));
      return;
    }
    if (variants.length === 0) {
      setError(new Error('Keep at least one variant.'));
      return;
    }
    const body: ProductInput = {
      name: details.name.trim(),
      ...(details.description.trim() ? { description: details.description.trim() } : {}),
      ...(details.category_id ? { category_id: details.category_id } : {}),
      ...(details.tax_code_id ? { tax_code_id: details.tax_code_id } : {}),
      ...(details.image_urls.some((u) => u.trim()) ? { image_urls: details.image_urls.map((u) => u.trim()).filter(Boolean) } : {}),
      ...(options.length ? { options } : {}),
      variants,
    };
    setBusy(true);
    setError(null);
    setSubmitted(grid.rows.map((r) => r.key));
    try {
      const product = await catalogApi.createProduct(body, idem.keyFor(body));
      idem.done();
      navigate(`/admin/catalog/products/${product.id}`, {
        state: { flash: `“${product.name}” created with ${product.variants.length} ${product.variants.length === 1 ? 'variant' : 'variants'}.` },
      });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const errorFor = (key: string, field: string) => {
    const i = submitted.indexOf(key);
    return i < 0 ? undefined : errorUnder(error, `variants.${i}.${field}`);
  };
  const shown = [...DETAIL_FIELDS, ...pathsUnder(error, ['options', ...submitted.map((_, i) => `variants.${i}`)])];

  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/catalog/products">Products</Link>
      </p>
      <PageHeader title="New product" />
      {refs.status === 'loading' && <Loading />}
      {refs.status === 'error' && <LoadError error={refs.error} onRetry={refs.reload} />}
      {refs.status === 'ready' && (
        <form className="form form--editor" onSubmit={submit}>
          <ProblemAlert error={error} shownFields={shown} />
          <section className="panel" aria-labelledby="details-heading">
            <h2 id="details-heading">Details</h2>
            <div className="form">
              <DetailsFields value={details} onChange={setDetails} categories={refs.data.categories} taxCodes={refs.data.taxCodes} error={error} autoFocus />
            </div>
          </section>
          <section className="panel" aria-labelledby="variants-heading">
            <h2 id="variants-heading">Options and variants</h2>
            <div className="form">
              <OptionsEditor value={optionDrafts} onChange={setOptionDrafts} error={error} />
              <p className="muted" aria-live="polite">
                {grid.rows.length} {grid.rows.length === 1 ? 'variant' : 'variants'} will be created
                {options.length ? ` from ${options.map((o) => `${o.values.length} ${o.name}`).join(' × ')}` : ''}.
              </p>
              <GridFill onFill={grid.fill} disabled={busy} />
              <VariantGrid
                rows={grid.rows}
                optionNames={options.map((o) => o.name)}
                onChange={grid.update}
                onRemove={grid.remove}
                errorFor={errorFor}
                problems={problems}
                currency={currency}
                caption="Variants to create"
                disabled={busy}
              />
              <RemovedCombinations rows={grid.removedRows} onRestore={grid.restore} onRestoreAll={grid.restoreAll} />
              <p className="field__hint">
                Barcodes: UPC-A, EAN-13 or EAN-8 digits (check digit verified); codes with letters are saved as internal codes. Separate several with spaces.
              </p>
            </div>
          </section>
          <div className="form__actions">
            <Link className="button button--secondary" to="/admin/catalog/products">
              Cancel
            </Link>
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Creating…' : 'Create product'}
            </button>
          </div>
        </form>
      )}
    </>
  );
}
