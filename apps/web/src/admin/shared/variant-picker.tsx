import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { catalogApi } from '../catalog/catalog-api';
import { formatMoney } from './money';
import { useDebounced } from './use-debounced';
import { rememberProduct, variantInfo, variantLabel, type VariantInfo } from './variants';

type Props = {
  label: string;
  onPick: (v: VariantInfo) => void;
  hint?: string;
  /** Archived variants are left out unless asked for. */
  includeArchived?: boolean;
  autoFocus?: boolean;
  error?: string | undefined;
};

/**
 * Search by name, SKU or barcode and pick a variant: a combobox (arrow keys, Enter, Escape). A
 * scanner's code followed by Enter picks the variant with that barcode or SKU at once.
 */
export function VariantPicker({ label, onPick, hint, includeArchived = false, autoFocus, error }: Props) {
  const id = useId();
  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [results, setResults] = useState<VariantInfo[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const q = useDebounced(text.trim(), 250);
  const run = useRef(0);

  async function search(term: string): Promise<VariantInfo[]> {
    const page = await catalogApi.listProducts({ q: term, limit: 10, ...(includeArchived ? {} : { status: 'active' }) });
    page.data.forEach(rememberProduct);
    return page.data.flatMap((p) => p.variants.filter((v) => includeArchived || v.status === 'active').map((v) => variantInfo(p, v))).slice(0, 40);
  }

  useEffect(() => {
    const n = ++run.current;
    if (!q) {
      setResults([]);
      setStatus('');
      return;
    }
    setBusy(true);
    search(q).then(
      (found) => {
        if (n !== run.current) return;
        setResults(found);
        setActive(0);
        setBusy(false);
        setStatus(found.length ? `${found.length} ${found.length === 1 ? 'match' : 'matches'}; use the arrow keys to choose.` : 'No matching variants.');
      },
      () => {
        if (n !== run.current) return;
        setBusy(false);
        setStatus('Search failed. Check the connection and try again.');
      },
    );
    // search only depends on includeArchived, which does not change while mounted
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);

  function pick(v: VariantInfo) {
    onPick(v);
    setText('');
    setResults([]);
    setOpen(false);
    setStatus(`Added ${variantLabel(v)} (${v.sku}).`);
    inputRef.current?.focus();
  }

  /** Enter on a typed or scanned code: an exact barcode or SKU wins without opening the list. */
  async function exact(code: string): Promise<VariantInfo | null> {
    const byBarcode = await catalogApi.productsByBarcode(code).catch(() => null);
    for (const p of byBarcode?.data ?? []) {
      rememberProduct(p);
      const v = p.variants.find((x) => x.barcodes.some((b) => b.code === code) && (includeArchived || x.status === 'active'));
      if (v) return variantInfo(p, v);
    }
    const bySku = (await search(code).catch(() => [])).filter((v) => v.sku.toLowerCase() === code.toLowerCase());
    return bySku.length === 1 ? bySku[0]! : null;
  }

  async function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!results.length) return;
      e.preventDefault();
      setOpen(true);
      setActive((a) => (e.key === 'ArrowDown' ? (a + 1) % results.length : (a - 1 + results.length) % results.length));
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
      }
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const chosen = open && results[active];
      if (chosen && q === text.trim()) return pick(chosen);
      const code = text.trim();
      if (!code) return;
      setBusy(true);
      const hit = await exact(code);
      setBusy(false);
      if (hit) pick(hit);
      else setOpen(true);
    }
  }

  const expanded = open && results.length > 0;
  const describedBy = [error ? `${id}-error` : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined;

  return (
    <div className={error ? 'field field--invalid combobox' : 'field combobox'}>
      <label htmlFor={id}>{label}</label>
      <input
        ref={inputRef}
        id={id}
        type="search"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded ? `${listId}-${active}` : undefined}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        aria-busy={busy || undefined}
        placeholder="Name, SKU or barcode"
        value={text}
        autoFocus={autoFocus}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => results.length && setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label={`${label} results`} className="combobox__list" hidden={!expanded}>
        {results.map((v, i) => (
          <li
            key={v.id}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'combobox__option combobox__option--active' : 'combobox__option'}
            onMouseDown={(e) => {
              e.preventDefault();
              pick(v);
            }}
            onMouseEnter={() => setActive(i)}
          >
            <span className="combobox__name">{variantLabel(v)}</span>
            <span className="combobox__meta">
              {v.sku}
              {v.price ? ` · ${formatMoney(v.price)}` : ''}
              {v.track_serials ? ' · serials' : ''}
            </span>
          </li>
        ))}
      </ul>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      <p className="visually-hidden" role="status" aria-live="polite">
        {status}
      </p>
    </div>
  );
}
