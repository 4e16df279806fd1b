import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, type Store, type StoreInput } from '../api/client';
import { LoadError, Loading } from '../ui/status';
import { useAsync } from '../ui/use-async';
import { useAdmin } from './admin-context';
import { Flash, PageHeader } from './admin-layout';
import { formatAddress } from './labels';
import { RegistersPanel } from './registers-panel';
import { StoreForm } from './store-form';

export function StorePage() {
  const { storeId = '' } = useParams();
  const { api } = useAdmin();
  const store = useAsync(async () => {
    try {
      return await api.getStore(storeId);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.code === 'validation_failed')) return null;
      throw err;
    }
  }, [api, storeId]);

  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/stores">Stores</Link>
      </p>
      {store.status === 'loading' && <Loading label="Loading store…" />}
      {store.status === 'error' && <LoadError error={store.error} onRetry={store.reload} />}
      {store.status === 'ready' && !store.data && (
        <>
          <PageHeader title="Store not found" />
          <p>This store does not exist or you cannot see it.</p>
        </>
      )}
      {store.status === 'ready' && store.data && (
        <StoreDetails key={store.data.id} store={store.data} onSaved={(s) => store.setData(() => s)} />
      )}
    </>
  );
}

function StoreDetails({ store, onSaved }: { store: Store; onSaved: (s: Store) => void }) {
  const { api, can } = useAdmin();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);

  async function save(input: StoreInput) {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const updated = await api.updateStore(store.id, input);
      onSaved(updated);
      setSaved('Store details saved.');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageHeader title={store.name} />
      <Flash hidden={!!saved} />
      <section className="panel" aria-labelledby="store-details-heading">
        <h2 id="store-details-heading">Details</h2>
        {saved && (
          <p className="alert alert--success" role="status">
            {saved}
          </p>
        )}
        {can('stores.manage') ? (
          <StoreForm store={store} submitLabel="Save store" busy={busy} error={error} onSubmit={save} />
        ) : (
          <dl className="details">
            <dt>Time zone</dt>
            <dd>{store.timezone.replaceAll('_', ' ')}</dd>
            <dt>Address</dt>
            <dd>{formatAddress(store.address) || 'No address'}</dd>
          </dl>
        )}
      </section>
      <RegistersPanel store={store} />
    </>
  );
}
