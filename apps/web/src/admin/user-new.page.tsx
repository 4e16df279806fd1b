import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import { listAll, type Role, type UserCreate } from '../api/client';
import { SelectField, TextField } from '../ui/field';
import { fieldError, ProblemAlert } from '../ui/problem-alert';
import { LoadError, Loading } from '../ui/status';
import { useAsync } from '../ui/use-async';
import { useIdempotencyKey } from '../ui/use-idempotency-key';
import { useAdmin } from './admin-context';
import { PageHeader } from './admin-layout';
import { roleLabel } from './labels';
import { assignableRoles, PIN_HINT, PIN_PATTERN, StoreCheckboxes } from './user-fields';

const FIELDS = ['name', 'email', 'role', 'store_ids', 'password', 'pin'];

export function UserNewPage() {
  const { api, can, me } = useAdmin();
  const navigate = useNavigate();
  const idem = useIdempotencyKey();
  const stores = useAsync(() => listAll((cursor) => api.listStores(cursor)), [api]);
  const [form, setForm] = useState({ name: '', email: '', role: 'cashier' as Role, password: '', pin: '' });
  const [storeIds, setStoreIds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));

  if (!can('users.manage')) return <Navigate to="/admin/users" replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body: UserCreate = {
      name: form.name.trim(),
      email: form.email.trim(),
      role: form.role,
      store_ids: storeIds,
      ...(form.password ? { password: form.password } : {}),
      ...(form.pin ? { pin: form.pin } : {}),
    };
    setBusy(true);
    setError(null);
    try {
      const user = await api.createUser(body, idem.keyFor(body));
      idem.done();
      navigate('/admin/users', { state: { flash: `${user.name} was added as ${roleLabel(user.role).toLowerCase()}.` } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const pinTaken = (error as { code?: string } | null)?.code === 'pin_taken';

  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/users">Users</Link>
      </p>
      <PageHeader title="New user" />
      <form className="form form--wide" onSubmit={submit}>
        <ProblemAlert error={error} shownFields={FIELDS} />
        <div className="form__row">
          <TextField label="Name" value={form.name} onChange={set('name')} autoComplete="off" required autoFocus error={fieldError(error, 'name')} />
          <TextField label="Email" type="email" value={form.email} onChange={set('email')} autoComplete="off" required error={fieldError(error, 'email')} />
        </div>
        <SelectField label="Role" value={form.role} onChange={set('role')} options={assignableRoles(me.user.role)} required error={fieldError(error, 'role')} />
        {stores.status === 'loading' && <Loading label="Loading stores…" />}
        {stores.status === 'error' && <LoadError error={stores.error} onRetry={stores.reload} />}
        {stores.status === 'ready' && (
          <StoreCheckboxes
            stores={stores.data}
            value={storeIds}
            onChange={setStoreIds}
            hint="Where this person works. Cashiers can only sign in at registers of these stores."
            error={fieldError(error, 'store_ids')}
          />
        )}
        <div className="form__row">
          <TextField
            label="Password (optional)"
            type="password"
            value={form.password}
            onChange={set('password')}
            autoComplete="new-password"
            minLength={12}
            hint="At least 12 characters. Needed to sign in to the back office or pair a register; cashiers can work with a PIN only."
            error={fieldError(error, 'password')}
          />
          <TextField
            label="PIN (optional)"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            pattern={PIN_PATTERN}
            maxLength={6}
            value={form.pin}
            onChange={(v) => set('pin')(v.replace(/\D/g, ''))}
            hint={PIN_HINT}
            error={fieldError(error, 'pin') ?? (pinTaken ? 'Another user in one of these stores already has this PIN.' : undefined)}
          />
        </div>
        <div className="form__actions">
          <Link className="button button--secondary" to="/admin/users">
            Cancel
          </Link>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </form>
    </>
  );
}
