import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../../ui/dialog';
import { TextField } from '../../ui/field';
import { fieldError, ProblemAlert } from '../../ui/problem-alert';
import { LoadError, Loading } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { useIdempotencyKey } from '../../ui/use-idempotency-key';
import { useAdmin } from '../admin-context';
import { PageHeader } from '../admin-layout';
import { percentToPpm, ppmToPercent } from '../shared/money';
import { StoreSelect, useStoreName } from '../shared/store-select';
import { catalogApi, type CatalogSettings, type TaxCode, type TaxRate } from './catalog-api';

export function TaxPage() {
  const { can } = useAdmin();
  const manage = can('catalog.manage');
  const data = useAsync(() => Promise.all([catalogApi.getSettings(), catalogApi.listTaxCodes()]).then(([settings, codes]) => ({ settings, codes: codes.data })), []);
  const [message, setMessage] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<TaxCode | null>(null);

  const settingsSaved = (s: CatalogSettings) => {
    data.setData((d) => ({ ...d, settings: s }));
    setMessage(s.prices_include_tax ? 'Prices now include tax.' : 'Tax is now added on top of prices.');
  };
  const putCode = (c: TaxCode, text?: string) => {
    data.setData((d) => ({ ...d, codes: d.codes.some((x) => x.id === c.id) ? d.codes.map((x) => (x.id === c.id ? c : x)) : [...d.codes, c] }));
    if (text) setMessage(text);
  };

  return (
    <>
      <PageHeader title="Tax" />
      {message && (
        <p className="alert alert--success" role="status">
          {message}
        </p>
      )}
      {data.status === 'loading' && <Loading label="Loading tax codes…" />}
      {data.status === 'error' && <LoadError error={data.error} onRetry={data.reload} />}
      {data.status === 'ready' && (
        <>
          <SettingsPanel settings={data.data.settings} manage={manage} onSaved={settingsSaved} />
          <section className="panel" aria-labelledby="codes-heading">
            <h2 id="codes-heading">Tax codes</h2>
            <p className="muted">A product has one tax code; each store gives the code its rates (for example a state and a city rate, each charged on the price).</p>
            {data.data.codes.length === 0 && <p className="empty">No tax codes yet: products are sold without tax.</p>}
            {data.data.codes.map((c) => (
              <TaxCodeCard key={c.id} code={c} manage={manage} onChange={putCode} onDelete={() => setDeleting(c)} />
            ))}
            {manage && <NewTaxCodeForm onCreated={(c) => putCode(c, `Tax code “${c.name}” created. Add its rates per store.`)} />}
          </section>
        </>
      )}
      {deleting && (
        <DeleteCodeDialog
          code={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            data.setData((d) => ({ ...d, codes: d.codes.filter((x) => x.id !== deleting.id) }));
            setMessage(`Tax code “${deleting.name}” deleted.`);
            setDeleting(null);
          }}
        />
      )}
    </>
  );
}

function SettingsPanel({ settings, manage, onSaved }: { settings: CatalogSettings; manage: boolean; onSaved: (s: CatalogSettings) => void }) {
  const [value, setValue] = useState(settings.prices_include_tax);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await catalogApi.updateSettings({ prices_include_tax: value }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="panel" aria-labelledby="pricing-heading">
      <h2 id="pricing-heading">How prices are entered</h2>
      <form className="form" onSubmit={submit}>
        <ProblemAlert error={error} />
        <fieldset className="fieldset" disabled={!manage}>
          <legend>Prices in the catalog</legend>
          <label className="checkbox">
            <input type="radio" name="prices_include_tax" checked={!value} onChange={() => setValue(false)} />
            Exclude tax: tax is added at the till (usual in the US and Canada)
          </label>
          <label className="checkbox">
            <input type="radio" name="prices_include_tax" checked={value} onChange={() => setValue(true)} />
            Include tax: the shelf price is what the customer pays (usual in Europe and Australia)
          </label>
        </fieldset>
        {manage && (
          <div className="form__actions">
            <button type="submit" className="button" disabled={busy || value === settings.prices_include_tax}>
              {busy ? 'Saving…' : 'Save'}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}

function TaxCodeCard({ code, manage, onChange, onDelete }: { code: TaxCode; manage: boolean; onChange: (c: TaxCode, text?: string) => void; onDelete: () => void }) {
  const storeName = useStoreName();
  const [renaming, setRenaming] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const byStore = new Map<string, TaxRate[]>();
  for (const r of code.rates) byStore.set(r.store_id, [...(byStore.get(r.store_id) ?? []), r]);

  async function removeRate(r: TaxRate) {
    setBusy(r.id);
    setError(null);
    try {
      await catalogApi.deleteTaxRate(r.id);
      onChange({ ...code, rates: code.rates.filter((x) => x.id !== r.id) }, `Rate “${r.name}” removed from ${storeName(r.store_id)}.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <article className="tax-code" aria-labelledby={`tax-${code.id}`}>
      <div className="tax-code__head">
        <h3 id={`tax-${code.id}`}>{code.name}</h3>
        {code.description && <span className="muted">{code.description}</span>}
        {manage && (
          <span className="action-group">
            <button type="button" className="button button--secondary button--small" onClick={() => setRenaming((r) => !r)} aria-expanded={renaming} aria-label={`Rename tax code ${code.name}`}>
              Rename
            </button>
            <button type="button" className="button button--danger-outline button--small" onClick={onDelete} aria-label={`Delete tax code ${code.name}`}>
              Delete
            </button>
          </span>
        )}
      </div>
      {renaming && (
        <RenameCodeForm
          code={code}
          onSaved={(c) => {
            setRenaming(false);
            onChange(c, `Tax code renamed to “${c.name}”.`);
          }}
        />
      )}
      <ProblemAlert error={error} />
      {code.rates.length === 0 ? (
        <p className="muted">No rates yet: products with this code are not taxed in any store.</p>
      ) : (
        <table className="table table--dense">
          <caption className="visually-hidden">Rates of {code.name} per store</caption>
          <thead>
            <tr>
              <th scope="col">Store</th>
              <th scope="col">Rate name</th>
              <th scope="col" className="num">
                Rate
              </th>
              {manage && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {[...byStore.entries()].flatMap(([storeId, rates]) => [
              ...rates.map((r) => (
                <RateRow key={r.id} rate={r} storeName={storeName(storeId)} manage={manage} busy={busy === r.id} onRemove={() => removeRate(r)} onSaved={(nr) => onChange({ ...code, rates: code.rates.map((x) => (x.id === nr.id ? nr : x)) }, `Rate “${nr.name}” saved.`)} />
              )),
              rates.length > 1 ? (
                <tr key={`${storeId}-total`} className="table__row--total">
                  <th scope="row">{storeName(storeId)}</th>
                  <td>Combined</td>
                  <td className="num">{ppmToPercent(rates.reduce((s, r) => s + r.rate_ppm, 0))} %</td>
                  {manage && <td />}
                </tr>
              ) : null,
            ])}
          </tbody>
        </table>
      )}
      {manage && <AddRateForm code={code} onAdded={(c, name) => onChange(c, `Rate “${name}” added.`)} />}
    </article>
  );
}

function RateRow({ rate, storeName, manage, busy, onRemove, onSaved }: { rate: TaxRate; storeName: string; manage: boolean; busy: boolean; onRemove: () => void; onSaved: (r: TaxRate) => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(rate.name);
  const [pct, setPct] = useState(ppmToPercent(rate.rate_ppm));
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  async function save(e: FormEvent) {
    e.preventDefault();
    const ppm = percentToPpm(pct);
    if (ppm === null) return setError(new Error('Enter a percentage such as 8.875.'));
    setSaving(true);
    setError(null);
    try {
      onSaved(await catalogApi.updateTaxRate(rate.id, { ...(name.trim() !== rate.name ? { name: name.trim() } : {}), ...(ppm !== rate.rate_ppm ? { rate_ppm: ppm } : {}) }));
      setEditing(false);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  if (editing) {
    return (
      <tr>
        <th scope="row">{storeName}</th>
        <td colSpan={3}>
          <form className="override-form" onSubmit={save}>
            <input className="grid-input" aria-label="Rate name" value={name} onChange={(e) => setName(e.target.value)} required />
            <input className="grid-input grid-input--short" aria-label="Rate in percent" inputMode="decimal" value={pct} onChange={(e) => setPct(e.target.value)} required />
            <span aria-hidden="true">%</span>
            <button type="submit" className="button button--small" disabled={saving}>
              Save
            </button>
            <button type="button" className="button button--secondary button--small" onClick={() => setEditing(false)}>
              Cancel
            </button>
            {error ? <ProblemAlert error={error} /> : null}
          </form>
        </td>
      </tr>
    );
  }
  return (
    <tr>
      <th scope="row" data-label="Store">
        {storeName}
      </th>
      <td data-label="Rate name">{rate.name}</td>
      <td data-label="Rate" className="num">
        {ppmToPercent(rate.rate_ppm)} %
      </td>
      {manage && (
        <td className="table__actions">
          <span className="action-group">
            <button type="button" className="button button--secondary button--small" onClick={() => setEditing(true)} aria-label={`Edit rate ${rate.name} in ${storeName}`}>
              Edit
            </button>
            <button type="button" className="button button--danger-outline button--small" onClick={onRemove} disabled={busy} aria-label={`Remove rate ${rate.name} in ${storeName}`}>
              Remove
            </button>
          </span>
        </td>
      )}
    </tr>
  );
}

function AddRateForm({ code, onAdded }: { code: TaxCode; onAdded: (c: TaxCode, name: string) => void }) {
  const { me } = useAdmin();
  const idem = useIdempotencyKey();
  const [storeId, setStoreId] = useState(me.stores[0]?.id ?? '');
  const [name, setName] = useState('');
  const [pct, setPct] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<string | undefined>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const ppm = percentToPpm(pct);
    setLocal(ppm === null ? 'Enter a percentage such as 8.875.' : undefined);
    if (ppm === null) return;
    const body = { store_id: storeId, name: name.trim(), rate_ppm: ppm };
    setBusy(true);
    setError(null);
    try {
      const c = await catalogApi.addTaxRate(code.id, body, idem.keyFor(body));
      idem.done();
      setName('');
      setPct('');
      onAdded(c, body.name);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form inline-form--wide" onSubmit={submit} aria-label={`Add a rate to ${code.name}`}>
      <ProblemAlert error={error} shownFields={['store_id', 'name', 'rate_ppm']} />
      <div className="inline-form__row">
        <StoreSelect label="Store" value={storeId} onChange={setStoreId} error={fieldError(error, 'store_id')} required />
        <TextField label="Rate name" value={name} onChange={setName} required maxLength={80} hint="State, City…" error={fieldError(error, 'name')} />
        <TextField label="Rate (%)" value={pct} onChange={setPct} required inputMode="text" hint="8.875" error={local ?? fieldError(error, 'rate_ppm')} />
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Adding…' : 'Add rate'}
        </button>
      </div>
    </form>
  );
}

function RenameCodeForm({ code, onSaved }: { code: TaxCode; onSaved: (c: TaxCode) => void }) {
  const [name, setName] = useState(code.name);
  const [description, setDescription] = useState(code.description ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await catalogApi.updateTaxCode(code.id, { name: name.trim(), description: description.trim() || null }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="inline-form inline-form--wide" onSubmit={submit}>
      <ProblemAlert error={error} shownFields={['name', 'description']} />
      <div className="inline-form__row">
        <TextField label="Name" value={name} onChange={setName} required maxLength={80} error={fieldError(error, 'name')} autoFocus />
        <TextField label="Description" value={description} onChange={setDescription} maxLength={500} error={fieldError(error, 'description')} />
        <button type="submit" className="button" disabled={busy}>
          Save
        </button>
      </div>
    </form>
  );
}

function NewTaxCodeForm({ onCreated }: { onCreated: (c: TaxCode) => void }) {
  const idem = useIdempotencyKey();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = { name: name.trim(), ...(description.trim() ? { description: description.trim() } : {}) };
    setBusy(true);
    setError(null);
    try {
      const c = await catalogApi.createTaxCode(body, idem.keyFor(body));
      idem.done();
      setName('');
      setDescription('');
      onCreated(c);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="inline-form inline-form--wide new-tax-code" onSubmit={submit} aria-labelledby="new-code-heading">
      <h3 id="new-code-heading">New tax code</h3>
      <ProblemAlert error={error} shownFields={['name', 'description']} />
      <div className="inline-form__row">
        <TextField label="Tax code name" value={name} onChange={setName} required maxLength={80} hint="Standard, Clothing, Food…" error={fieldError(error, 'name')} />
        <TextField label="Description (optional)" value={description} onChange={setDescription} maxLength={500} error={fieldError(error, 'description')} />
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Creating…' : 'Create tax code'}
        </button>
      </div>
    </form>
  );
}

function DeleteCodeDialog({ code, onClose, onDeleted }: { code: TaxCode; onClose: () => void; onDeleted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function confirm() {
    setBusy(true);
    try {
      await catalogApi.deleteTaxCode(code.id);
      onDeleted();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return (
    <ConfirmDialog
      title={`Delete tax code “${code.name}”?`}
      message={<p>Its rates in every store go with it. A code that products still use cannot be deleted.</p>}
      confirmLabel="Delete tax code"
      danger
      busy={busy}
      error={<ProblemAlert error={error} />}
      onConfirm={confirm}
      onCancel={onClose}
    />
  );
}
