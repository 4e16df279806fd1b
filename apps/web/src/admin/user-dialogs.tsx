import { useState, type FormEvent } from 'react';
import type { Store, User, UserUpdate } from '../api/client';
import { ConfirmDialog, Dialog } from '../ui/dialog';
import { SelectField, TextField } from '../ui/field';
import { fieldError, ProblemAlert } from '../ui/problem-alert';
import { useIdempotencyKey } from '../ui/use-idempotency-key';
import { useAdmin } from './admin-context';
import { assignableRoles, PIN_HINT, PIN_PATTERN, StoreCheckboxes } from './user-fields';

type Submit = { busy: boolean; error: unknown };

export function EditUserDialog({ user, stores, onClose, onSaved }: { user: User; stores: readonly Store[]; onClose: () => void; onSaved: (u: User) => void }) {
  const { api, me, reloadMe } = useAdmin();
  const self = user.id === me.user.id;
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState(user.role);
  const [storeIds, setStoreIds] = useState<string[]>(user.store_ids);
  const [state, setState] = useState<Submit>({ busy: false, error: null });

  async function submit(e: FormEvent) {
    e.preventDefault();
    // Send only what changed: the server checks rank and store reach per field.
    const sameStores = storeIds.length === user.store_ids.length && storeIds.every((s) => user.store_ids.includes(s));
    const body: UserUpdate = {
      ...(name.trim() !== user.name ? { name: name.trim() } : {}),
      ...(role !== user.role ? { role } : {}),
      ...(sameStores ? {} : { store_ids: storeIds }),
    };
    if (Object.keys(body).length === 0) return onSaved(user);
    setState({ busy: true, error: null });
    try {
      onSaved(await api.updateUser(user.id, body));
      if (self) reloadMe();
    } catch (error) {
      setState({ busy: false, error });
    }
  }

  return (
    <Dialog title={`Edit ${user.name}`} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <ProblemAlert error={state.error} shownFields={['name', 'role', 'store_ids']} />
        <p className="muted">{user.email}</p>
        <TextField label="Name" value={name} onChange={setName} required error={fieldError(state.error, 'name')} />
        <SelectField
          label="Role"
          value={role}
          onChange={(v) => setRole(v as User['role'])}
          options={assignableRoles(me.user.role, user.role)}
          required
          disabled={self}
          hint={self ? 'You cannot change your own role.' : undefined}
          error={fieldError(state.error, 'role')}
        />
        <StoreCheckboxes stores={stores} value={storeIds} onChange={setStoreIds} error={fieldError(state.error, 'store_ids')} />
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={state.busy}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={state.busy}>
            {state.busy ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function ResetPinDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: () => void }) {
  const { api } = useAdmin();
  const idem = useIdempotencyKey();
  const [pin, setPin] = useState('');
  const [state, setState] = useState<Submit>({ busy: false, error: null });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setState({ busy: true, error: null });
    try {
      await api.setUserPin(user.id, pin, idem.keyFor({ user: user.id, pin }));
      idem.done();
      onDone();
    } catch (error) {
      setState({ busy: false, error });
    }
  }

  // `pin_taken` (409) is about the value typed, so it belongs next to the field.
  const pinError = fieldError(state.error, 'pin') ?? (isPinTaken(state.error) ? 'Another user in the same store already has this PIN. Choose a different one.' : undefined);

  return (
    <Dialog title={`Reset PIN for ${user.name}`} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        {!isPinTaken(state.error) && <ProblemAlert error={state.error} shownFields={['pin']} />}
        <TextField
          label="New PIN"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          pattern={PIN_PATTERN}
          minLength={4}
          maxLength={6}
          value={pin}
          onChange={(v) => setPin(v.replace(/\D/g, ''))}
          required
          autoFocus
          hint={PIN_HINT}
          error={pinError}
        />
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={state.busy}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={state.busy}>
            {state.busy ? 'Saving…' : 'Save PIN'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const isPinTaken = (e: unknown) => !!e && typeof e === 'object' && (e as { code?: string }).code === 'pin_taken';

export function DeactivateDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: (u: User) => void }) {
  const { api } = useAdmin();
  const idem = useIdempotencyKey();
  const [state, setState] = useState<Submit>({ busy: false, error: null });

  async function confirm() {
    setState({ busy: true, error: null });
    try {
      const updated = await api.deactivateUser(user.id, idem.keyFor({ deactivate: user.id }));
      idem.done();
      onDone(updated);
    } catch (error) {
      setState({ busy: false, error });
    }
  }

  return (
    <ConfirmDialog
      title={`Deactivate ${user.name}?`}
      message={<p>{user.name} ({user.email}) will be signed out everywhere and can no longer sign in or use a PIN. Their past sales stay on record.</p>}
      confirmLabel="Deactivate user"
      danger
      busy={state.busy}
      error={<ProblemAlert error={state.error} />}
      onConfirm={confirm}
      onCancel={onClose}
    />
  );
}
