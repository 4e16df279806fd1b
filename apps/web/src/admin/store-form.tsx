import { useMemo, useState, type FormEvent } from 'react';
import type { Address, Store, StoreInput } from '../api/client';
import { SelectField, TextField } from '../ui/field';
import { browserTimeZone, countryOptions, timeZoneOptions } from '../ui/locale-options';
import { fieldError, ProblemAlert } from '../ui/problem-alert';

type AddressDraft = { line1: string; line2: string; city: string; region: string; postal_code: string; country: string };
const EMPTY_ADDRESS: AddressDraft = { line1: '', line2: '', city: '', region: '', postal_code: '', country: '' };
const FIELDS = ['name', 'timezone', 'address', ...Object.keys(EMPTY_ADDRESS).map((k) => `address.${k}`)];

function toDraft(a: Address | null | undefined): AddressDraft {
  if (!a) return EMPTY_ADDRESS;
  return {
    line1: a.line1 ?? '',
    line2: a.line2 ?? '',
    city: a.city ?? '',
    region: a.region ?? '',
    postal_code: a.postal_code ?? '',
    country: a.country ?? '',
  };
}

function fromDraft(d: AddressDraft): Address | null {
  const t = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.trim()])) as AddressDraft;
  if (Object.values(t).every((v) => v === '')) return null;
  return {
    line1: t.line1,
    city: t.city,
    country: t.country,
    ...(t.line2 ? { line2: t.line2 } : {}),
    ...(t.region ? { region: t.region } : {}),
    ...(t.postal_code ? { postal_code: t.postal_code } : {}),
  };
}

type Props = {
  store?: Store;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit: (input: StoreInput) => void;
};

/** Name, time zone and an optional address; the address is all-or-nothing. */
export function StoreForm({ store, submitLabel, busy, error, onSubmit }: Props) {
  const defaultZone = useMemo(browserTimeZone, []);
  const [name, setName] = useState(store?.name ?? '');
  const [timezone, setTimezone] = useState(store?.timezone ?? defaultZone);
  const [address, setAddress] = useState<AddressDraft>(toDraft(store?.address));
  const setAddr = (k: keyof AddressDraft) => (v: string) => setAddress((a) => ({ ...a, [k]: v }));
  const addressFilled = Object.values(address).some((v) => v.trim() !== '');

  function submit(e: FormEvent) {
    e.preventDefault();
    const addr = fromDraft(address);
    // Clearing an existing address sends null; a new store without one leaves it out.
    const input: StoreInput = { name: name.trim(), timezone, ...(addr || store?.address ? { address: addr } : {}) };
    onSubmit(input);
  }

  const err = (path: string) => fieldError(error, path);

  return (
    <form className="form form--wide" onSubmit={submit}>
      <ProblemAlert error={error} shownFields={FIELDS} />
      <div className="form__row">
        <TextField label="Store name" value={name} onChange={setName} required autoFocus={!store} error={err('name')} />
        <SelectField
          label="Time zone"
          value={timezone}
          onChange={setTimezone}
          options={timeZoneOptions(timezone)}
          required
          hint="Reports use this zone for the store's business day."
          error={err('timezone')}
        />
      </div>
      <fieldset className="fieldset">
        <legend>Address (optional)</legend>
        {err('address') && <p className="field__error">{err('address')}</p>}
        <TextField label="Address line 1" value={address.line1} onChange={setAddr('line1')} autoComplete="address-line1" required={addressFilled} error={err('address.line1')} />
        <TextField label="Address line 2" value={address.line2} onChange={setAddr('line2')} autoComplete="address-line2" error={err('address.line2')} />
        <div className="form__row">
          <TextField label="City" value={address.city} onChange={setAddr('city')} autoComplete="address-level2" required={addressFilled} error={err('address.city')} />
          <TextField label="Region or state" value={address.region} onChange={setAddr('region')} autoComplete="address-level1" error={err('address.region')} />
        </div>
        <div className="form__row">
          <TextField label="Postal code" value={address.postal_code} onChange={setAddr('postal_code')} autoComplete="postal-code" error={err('address.postal_code')} />
          <SelectField
            label="Country"
            value={address.country}
            onChange={setAddr('country')}
            options={countryOptions()}
            placeholder="Choose a country"
            required={addressFilled}
            error={err('address.country')}
          />
        </div>
      </fieldset>
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
