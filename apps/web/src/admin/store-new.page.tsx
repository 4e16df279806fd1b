import { useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import type { StoreInput } from '../api/client';
import { useIdempotencyKey } from '../ui/use-idempotency-key';
import { useAdmin } from './admin-context';
import { PageHeader } from './admin-layout';
import { StoreForm } from './store-form';

export function StoreNewPage() {
  const { api, can } = useAdmin();
  const navigate = useNavigate();
  const idem = useIdempotencyKey();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (!can('stores.manage')) return <Navigate to="/admin/stores" replace />;

  async function create(input: StoreInput) {
    setBusy(true);
    setError(null);
    try {
      const store = await api.createStore(input, idem.keyFor(input));
      idem.done();
      navigate(`/admin/stores/${store.id}`, { state: { flash: `Store “${store.name}” created. Add its registers below.` } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/stores">Stores</Link>
      </p>
      <PageHeader title="New store" />
      <StoreForm submitLabel="Create store" busy={busy} error={error} onSubmit={create} />
    </>
  );
}
