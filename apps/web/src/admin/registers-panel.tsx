import { useState, type FormEvent } from 'react';
import { listAll, type Register, type Store } from '../api/client';
import { TextField } from '../ui/field';
import { fieldError, ProblemAlert } from '../ui/problem-alert';
import { LoadError, Loading } from '../ui/status';
import { useAsync } from '../ui/use-async';
import { useIdempotencyKey } from '../ui/use-idempotency-key';
import { useAdmin } from './admin-context';
import { formatDate } from './labels';

export function RegistersPanel({ store }: { store: Store }) {
  const { api, can } = useAdmin();
  const registers = useAsync(() => listAll((cursor) => api.listRegisters(store.id, cursor)), [api, store.id]);
  const [unlocking, setUnlocking] = useState<string | null>(null);
  const [unlocked, setUnlocked] = useState<string | null>(null);
  const [unlockError, setUnlockError] = useState<unknown>(null);
  const canUnlock = can('users.pin_manage');

  // The API does not say whether a pad is locked, so the button is always there; unlocking an
  // unlocked pad is harmless.
  async function unlockPin(r: Register) {
    setUnlocking(r.id);
    setUnlocked(null);
    setUnlockError(null);
    try {
      await api.unlockRegisterPin(r.id);
      setUnlocked(`The PIN pad of ${r.name} is unlocked. Cashiers can enter their PIN there again.`);
    } catch (err) {
      setUnlockError(err);
    } finally {
      setUnlocking(null);
    }
  }

  return (
    <section className="panel" aria-labelledby="registers-heading">
      <h2 id="registers-heading">Registers</h2>
      {unlocked && (
        <p className="alert alert--success" role="status">
          {unlocked}
        </p>
      )}
      <ProblemAlert error={unlockError} />
      {registers.status === 'loading' && <Loading label="Loading registers…" />}
      {registers.status === 'error' && <LoadError error={registers.error} onRetry={registers.reload} />}
      {registers.status === 'ready' &&
        (registers.data.length === 0 ? (
          <p className="empty">This store has no registers yet.</p>
        ) : (
          <ul className="register-list" aria-label={`Registers of ${store.name}`}>
            {registers.data.map((r) => (
              <li key={r.id} className="register-list__item">
                <span className="register-list__name">{r.name}</span>
                <span className="register-list__side">
                  <span className="muted">Added {formatDate(r.created_at)}</span>
                  {canUnlock && (
                    <button
                      type="button"
                      className="button button--secondary button--small"
                      aria-label={`Unlock PIN pad for ${r.name}`}
                      onClick={() => unlockPin(r)}
                      disabled={unlocking === r.id}
                    >
                      {unlocking === r.id ? 'Unlocking…' : 'Unlock PIN pad'}
                    </button>
                  )}
                </span>
              </li>
            ))}
          </ul>
        ))}
      {can('registers.manage') && (
        <AddRegisterForm storeId={store.id} onAdded={(r) => registers.setData((list) => [...list, r])} />
      )}
    </section>
  );
}

function AddRegisterForm({ storeId, onAdded }: { storeId: string; onAdded: (r: Register) => void }) {
  const { api } = useAdmin();
  const idem = useIdempotencyKey();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = { name: name.trim() };
    setBusy(true);
    setError(null);
    setAdded(null);
    try {
      const register = await api.createRegister(storeId, body, idem.keyFor(body));
      idem.done();
      onAdded(register);
      setName('');
      setAdded(`Register “${register.name}” added.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form" onSubmit={submit}>
      <ProblemAlert error={error} shownFields={['name']} />
      {added && (
        <p className="alert alert--success" role="status">
          {added}
        </p>
      )}
      <div className="inline-form__row">
        <TextField label="New register name" value={name} onChange={setName} required error={fieldError(error, 'name')} />
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Adding…' : 'Add register'}
        </button>
      </div>
    </form>
  );
}
