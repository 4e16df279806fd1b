import { roleRank, roles, type Role, type Store } from '../api/client';
import { roleLabel } from './labels';

/** The server lets a user manage only lower ranks (owners: anyone); offer what it will accept. */
export function mayManage(myRole: Role, theirRole: Role): boolean {
  return myRole === 'owner' || roleRank[theirRole] < roleRank[myRole];
}

export function assignableRoles(myRole: Role, current?: Role) {
  const allowed = roles.filter((r) => mayManage(myRole, r) || r === current);
  return allowed.map((r) => ({ value: r, label: roleLabel(r) }));
}

type StoreCheckboxesProps = {
  stores: readonly Store[];
  value: readonly string[];
  onChange: (ids: string[]) => void;
  error?: string | undefined;
  hint?: string;
};

export function StoreCheckboxes({ stores, value, onChange, error, hint }: StoreCheckboxesProps) {
  const toggle = (id: string, on: boolean) => onChange(on ? [...value, id] : value.filter((v) => v !== id));
  return (
    <fieldset className={error ? 'fieldset field--invalid' : 'fieldset'}>
      <legend>Stores</legend>
      {hint && <p className="field__hint">{hint}</p>}
      {stores.length === 0 && <p className="muted">No stores yet.</p>}
      <div className="checkbox-list">
        {stores.map((s) => (
          <label key={s.id} className="checkbox">
            <input type="checkbox" checked={value.includes(s.id)} onChange={(e) => toggle(s.id, e.target.checked)} />
            {s.name}
          </label>
        ))}
      </div>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

export const PIN_HINT = '4 to 6 digits. Cashiers use it to sign in at a register.';
export const PIN_PATTERN = '[0-9]{4,6}';
