import { SelectField } from '../../ui/field';
import { useAdmin } from '../admin-context';

type Props = {
  label: string;
  value: string;
  onChange: (storeId: string) => void;
  error?: string | undefined;
  hint?: string;
  /** Offer "All stores" (value '') first. */
  allLabel?: string;
  required?: boolean;
  placeholder?: string;
  exclude?: string;
};

/** The stores the signed-in user works in, from /me. */
export function StoreSelect({ label, value, onChange, error, hint, allLabel, required, placeholder, exclude }: Props) {
  const { me } = useAdmin();
  const options = [
    ...(allLabel !== undefined ? [{ value: '', label: allLabel }] : []),
    ...me.stores.filter((s) => s.id !== exclude).map((s) => ({ value: s.id, label: s.name })),
  ];
  return (
    <SelectField
      label={label}
      value={value}
      onChange={onChange}
      options={options}
      error={error}
      hint={hint}
      {...(required ? { required } : {})}
      {...(placeholder !== undefined ? { placeholder } : {})}
    />
  );
}

export function useStoreName() {
  const { me } = useAdmin();
  const byId = new Map(me.stores.map((s) => [s.id, s.name]));
  return (id: string | null | undefined) => (id ? (byId.get(id) ?? 'Another store') : '');
}
