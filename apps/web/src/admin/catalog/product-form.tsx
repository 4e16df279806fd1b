// Pieces of the product editor: details, images, options and the variants grid they generate.
import { useId, useState } from 'react';
import { FieldShell, SelectField, TextField } from '../../ui/field';
import { errorUnder } from '../shared/field-errors';
import { parseMoney } from '../shared/money';
import type { BarcodeInput, Category, TaxCode, VariantInput } from './catalog-api';
import { categoryOptions } from './category-tree';

// ---------------------------------------------------------------- details

export type DetailsDraft = { name: string; description: string; category_id: string; tax_code_id: string; image_urls: string[] };

type DetailsProps = {
  value: DetailsDraft;
  onChange: (d: DetailsDraft) => void;
  categories: readonly Category[];
  taxCodes: readonly TaxCode[];
  error: unknown;
  disabled?: boolean;
  autoFocus?: boolean;
};

export const DETAIL_FIELDS = ['name', 'description', 'category', 'category_id', 'tax_code', 'tax_code_id', 'image_urls'];

export function DetailsFields({ value, onChange, categories, taxCodes, error, disabled, autoFocus }: DetailsProps) {
  const set = <K extends keyof DetailsDraft>(k: K) => (v: DetailsDraft[K]) => onChange({ ...value, [k]: v });
  const err = (p: string) => errorUnder(error, p);
  return (
    <>
      <TextField label="Name" value={value.name} onChange={set('name')} required maxLength={200} error={err('name')} disabled={disabled} {...(autoFocus ? { autoFocus } : {})} />
      <FieldShell label="Description (optional)" error={err('description')}>
        {(a11y) => <textarea {...a11y} rows={3} maxLength={5000} value={value.description} onChange={(e) => set('description')(e.target.value)} disabled={disabled} />}
      </FieldShell>
      <div className="form__row">
        <SelectField
          label="Category"
          value={value.category_id}
          onChange={set('category_id')}
          options={[{ value: '', label: 'No category' }, ...categoryOptions(categories)]}
          error={err('category') ?? err('category_id')}
          disabled={disabled}
        />
        <SelectField
          label="Tax code"
          value={value.tax_code_id}
          onChange={set('tax_code_id')}
          options={[{ value: '', label: 'No tax code (not taxed)' }, ...taxCodes.map((t) => ({ value: t.id, label: t.name }))]}
          error={err('tax_code') ?? err('tax_code_id')}
          disabled={disabled}
        />
      </div>
      <ImagesEditor urls={value.image_urls} onChange={set('image_urls')} error={error} disabled={disabled} />
    </>
  );
}

function ImagesEditor({ urls, onChange, error, disabled }: { urls: string[]; onChange: (u: string[]) => void; error: unknown; disabled?: boolean | undefined }) {
  const setAt = (i: number, v: string) => onChange(urls.map((u, j) => (j === i ? v : u)));
  return (
    <fieldset className="fieldset">
      <legend>Images (optional)</legend>
      {errorUnder(error, 'image_urls') && urls.length === 0 && <p className="field__error">{errorUnder(error, 'image_urls')}</p>}
      {urls.map((u, i) => (
        <div key={i} className="image-row">
          {/^https?:\/\//.test(u) ? <img src={u} alt="" width={44} height={44} className="image-row__thumb" /> : <span className="image-row__thumb" aria-hidden="true" />}
          <TextField label={`Image ${i + 1} URL`} value={u} onChange={(v) => setAt(i, v)} error={errorUnder(error, `image_urls.${i}`)} disabled={disabled} />
          <button type="button" className="button button--secondary button--small" onClick={() => onChange(urls.filter((_, j) => j !== i))} aria-label={`Remove image ${i + 1}`} disabled={disabled}>
            Remove
          </button>
        </div>
      ))}
      {urls.length < 20 && (
        <div>
          <button type="button" className="button button--secondary button--small" onClick={() => onChange([...urls, ''])} disabled={disabled}>
            Add image URL
          </button>
        </div>
      )}
    </fieldset>
  );
}

// ---------------------------------------------------------------- options

export type OptionDraft = { name: string; values: string };

export function parseValues(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const v = raw.trim();
    if (v && !seen.has(v.toLowerCase())) {
      seen.add(v.toLowerCase());
      out.push(v);
    }
  }
  return out;
}

export const toOptions = (drafts: readonly OptionDraft[]) =>
  drafts.map((o) => ({ name: o.name.trim(), values: parseValues(o.values) })).filter((o) => o.name && o.values.length);

type OptionsProps = {
  value: OptionDraft[];
  onChange: (o: OptionDraft[]) => void;
  error: unknown;
  /** Existing products: option names and values in use cannot be removed, only renamed or added to. */
  fixedCount?: number;
  disabled?: boolean;
};

export function OptionsEditor({ value, onChange, error, fixedCount = 0, disabled }: OptionsProps) {
  const setAt = (i: number, patch: Partial<OptionDraft>) => onChange(value.map((o, j) => (j === i ? { ...o, ...patch } : o)));
  return (
    <fieldset className="fieldset">
      <legend>Options</legend>
      <p className="field__hint">
        {fixedCount
          ? 'Rename an option or a value, or add values; values that variants use stay. Save, then add the new combinations below.'
          : 'Such as Size or Color. Each combination of values becomes a variant; remove the ones you do not sell.'}
      </p>
      {errorUnder(error, 'options') && !value.length && <p className="field__error">{errorUnder(error, 'options')}</p>}
      {value.map((o, i) => (
        <div key={i} className="option-row">
          <TextField label={`Option ${i + 1} name`} value={o.name} onChange={(v) => setAt(i, { name: v })} maxLength={60} error={errorUnder(error, `options.${i}.name`)} disabled={disabled} />
          <TextField
            label={`Option ${i + 1} values`}
            value={o.values}
            onChange={(v) => setAt(i, { values: v })}
            hint="Separate with commas: S, M, L"
            error={errorUnder(error, `options.${i}.values`) ?? (i === value.length - 1 ? errorUnder(error, 'options') : undefined)}
            disabled={disabled}
          />
          {i >= fixedCount ? (
            <button type="button" className="button button--secondary button--small option-row__remove" onClick={() => onChange(value.filter((_, j) => j !== i))} aria-label={`Remove option ${i + 1}`} disabled={disabled}>
              Remove
            </button>
          ) : (
            <span />
          )}
        </div>
      ))}
      {value.length < 5 && fixedCount === 0 && (
        <div>
          <button type="button" className="button button--secondary button--small" onClick={() => onChange([...value, { name: '', values: '' }])} disabled={disabled}>
            Add option
          </button>
        </div>
      )}
    </fieldset>
  );
}

// ---------------------------------------------------------------- variants grid

export type GridRow = { key: string; option_values: string[]; sku: string; barcodes: string; price: string; cost: string; track_serials: boolean };

export const comboKey = (values: readonly string[]) => JSON.stringify(values.map((v) => v.toLowerCase()));

export function combinations(options: readonly { values: string[] }[]): string[][] {
  return options.reduce<string[][]>((acc, o) => acc.flatMap((prefix) => o.values.map((v) => [...prefix, v])), [[]]);
}

/** The grid for these options: rows keep what was typed for a combination that is still there. */
export function syncGrid(rows: readonly GridRow[], options: readonly { values: string[] }[], skip: ReadonlySet<string>): GridRow[] {
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return combinations(options)
    .map((values) => {
      const key = comboKey(values);
      const had = byKey.get(key);
      return had ? { ...had, option_values: values } : { key, option_values: values, sku: '', barcodes: '', price: '', cost: '', track_serials: false };
    })
    .filter((r) => !skip.has(r.key));
}

/** Codes of digits only are GTINs (the server checks the check digit); others are marked internal. */
export function parseBarcodes(text: string): BarcodeInput[] {
  return text
    .split(/[\s,;]+/)
    .map((c) => c.trim())
    .filter(Boolean)
    .map((code) => (/^\d+$/.test(code) ? code : { code, type: 'internal' as const }));
}

export const barcodesText = (codes: readonly { code: string }[]) => codes.map((b) => b.code).join(' ');

export function skuPart(v: string): string {
  return v.toUpperCase().replace(/[^A-Z0-9]+/g, '').slice(0, 12);
}

export type RowProblems = Record<string, Partial<Record<'price' | 'cost' | 'sku', string>>>;

/** Variant bodies for the rows, or the rows' typing mistakes (by row key) when there are any. */
export function rowsToVariants(rows: readonly GridRow[], currency: string): { variants: VariantInput[]; problems: RowProblems } {
  const problems: RowProblems = {};
  const variants = rows.map((r) => {
    const price = parseMoney(r.price, currency);
    const cost = r.cost.trim() ? parseMoney(r.cost, currency) : null;
    const p: RowProblems[string] = {};
    if (!r.sku.trim()) p.sku = 'Enter a SKU.';
    if (!price) p.price = r.price.trim() ? 'Enter an amount such as 12.50.' : 'Enter a price.';
    if (r.cost.trim() && !cost) p.cost = 'Enter an amount such as 6.25.';
    if (Object.keys(p).length) problems[r.key] = p;
    const barcodes = parseBarcodes(r.barcodes);
    return {
      sku: r.sku.trim(),
      price: price ?? { amount: 0, currency },
      ...(cost ? { cost } : {}),
      ...(barcodes.length ? { barcodes } : {}),
      option_values: r.option_values,
      track_serials: r.track_serials,
    } satisfies VariantInput;
  });
  return { variants, problems };
}

type GridProps = {
  rows: GridRow[];
  optionNames: string[];
  onChange: (key: string, patch: Partial<GridRow>) => void;
  onRemove: (key: string) => void;
  /** Server errors: `errorFor(rowKey, field)` */
  errorFor: (key: string, field: string) => string | undefined;
  problems: RowProblems;
  currency: string;
  caption: string;
  disabled?: boolean;
};

export function VariantGrid({ rows, optionNames, onChange, onRemove, errorFor, problems, currency, caption, disabled }: GridProps) {
  const id = useId();
  return (
    <div className="grid-scroll">
      <table className="table table--dense variant-grid">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col">SKU</th>
            <th scope="col">Barcodes</th>
            <th scope="col">Price ({currency})</th>
            <th scope="col">Cost</th>
            <th scope="col">Serials</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const name = r.option_values.length ? r.option_values.join(' / ') : 'Default';
            const cell = (field: 'sku' | 'barcodes' | 'price' | 'cost', label: string, extra: { inputMode?: 'decimal'; placeholder?: string } = {}) => {
              const msg = problems[r.key]?.[field as 'sku'] ?? errorFor(r.key, field) ?? (field === 'barcodes' ? errorFor(r.key, 'barcode') : undefined);
              const errId = `${id}-${i}-${field}-err`;
              return (
                <td data-label={label}>
                  <input
                    className="grid-input"
                    aria-label={`${label} for ${name}`}
                    value={r[field]}
                    onChange={(e) => onChange(r.key, { [field]: e.target.value })}
                    aria-invalid={msg ? true : undefined}
                    aria-describedby={msg ? errId : undefined}
                    disabled={disabled}
                    {...extra}
                  />
                  {msg && (
                    <span className="field__error grid-error" id={errId}>
                      {msg}
                    </span>
                  )}
                </td>
              );
            };
            const comboErr = errorFor(r.key, 'option_values');
            return (
              <tr key={r.key}>
                <th scope="row" data-label="Variant">
                  {name}
                  {comboErr && <span className="field__error grid-error">{comboErr}</span>}
                </th>
                {cell('sku', 'SKU')}
                {cell('barcodes', 'Barcodes', { placeholder: 'UPC / EAN' })}
                {cell('price', 'Price', { inputMode: 'decimal', placeholder: '0.00' })}
                {cell('cost', 'Cost', { inputMode: 'decimal', placeholder: 'optional' })}
                <td data-label="Serials" className="center">
                  <input type="checkbox" aria-label={`Track serial numbers for ${name}`} checked={r.track_serials} onChange={(e) => onChange(r.key, { track_serials: e.target.checked })} disabled={disabled} />
                </td>
                <td className="table__actions">
                  {optionNames.length > 0 && (
                    <button type="button" className="button button--secondary button--small" onClick={() => onRemove(r.key)} aria-label={`Remove variant ${name}`} disabled={disabled}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Fill SKUs from a prefix and the option values, and one price into the empty price cells. */
export function GridFill({ onFill, disabled }: { onFill: (f: { prefix: string; price: string }) => void; disabled?: boolean }) {
  const id = useId();
  const [prefix, setPrefix] = useState('');
  const [price, setPrice] = useState('');
  return (
    <div className="grid-fill" role="group" aria-labelledby={`${id}-label`}>
      <span id={`${id}-label`} className="grid-fill__label">
        Fill empty cells
      </span>
      <label>
        SKU prefix <input className="grid-input" value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="TEE" disabled={disabled} />
      </label>
      <label>
        Price for all <input className="grid-input" value={price} onChange={(e) => setPrice(e.target.value)} inputMode="decimal" placeholder="0.00" disabled={disabled} />
      </label>
      <button type="button" className="button button--secondary button--small" disabled={disabled || (!prefix.trim() && !price.trim())} onClick={() => onFill({ prefix: prefix.trim(), price: price.trim() })}>
        Fill
      </button>
    </div>
  );
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The grid's state: what was typed per combination survives option edits, and pruned
 * combinations stay pruned until restored. `exclude` hides combinations that already exist.
 */
export function useVariantGrid(options: readonly { name: string; values: string[] }[], exclude: ReadonlySet<string> = NONE) {
  const [typed, setTyped] = useState<Record<string, Partial<GridRow>>>({});
  const [removed, setRemoved] = useState<ReadonlySet<string>>(NONE);
  const all = combinations(options)
    .map((values) => ({ key: comboKey(values), values }))
    .filter((c) => !exclude.has(c.key));
  const toRow = (c: { key: string; values: string[] }): GridRow => ({
    key: c.key,
    option_values: c.values,
    sku: '',
    barcodes: '',
    price: '',
    cost: '',
    track_serials: false,
    ...typed[c.key],
  });
  const rows = all.filter((c) => !removed.has(c.key)).map(toRow);
  const removedRows = all.filter((c) => removed.has(c.key)).map(toRow);
  return {
    rows,
    removedRows,
    update: (key: string, patch: Partial<GridRow>) => setTyped((t) => ({ ...t, [key]: { ...t[key], ...patch } })),
    remove: (key: string) => setRemoved((r) => new Set([...r, key])),
    restore: (key: string) => setRemoved((r) => new Set([...r].filter((k) => k !== key))),
    restoreAll: () => setRemoved(NONE),
    fill: ({ prefix, price }: { prefix: string; price: string }) =>
      setTyped((t) => {
        const next = { ...t };
        for (const r of rows) {
          const patch: Partial<GridRow> = {};
          if (prefix && !r.sku) patch.sku = [prefix, ...r.option_values.map(skuPart)].filter(Boolean).join('-');
          if (price && !r.price) patch.price = price;
          next[r.key] = { ...next[r.key], ...patch };
        }
        return next;
      }),
    reset: () => {
      setTyped({});
      setRemoved(NONE);
    },
  };
}

export function RemovedCombinations({ rows, onRestore, onRestoreAll }: { rows: GridRow[]; onRestore: (key: string) => void; onRestoreAll: () => void }) {
  if (rows.length === 0) return null;
  return (
    <div className="removed-combos">
      <span>
        {rows.length} {rows.length === 1 ? 'combination' : 'combinations'} left out:
      </span>
      <ul>
        {rows.map((r) => (
          <li key={r.key}>
            <button type="button" className="chip" onClick={() => onRestore(r.key)} aria-label={`Put back ${r.option_values.join(' / ')}`}>
              {r.option_values.join(' / ')} <span aria-hidden="true">↺</span>
            </button>
          </li>
        ))}
      </ul>
      {rows.length > 1 && (
        <button type="button" className="link-button" onClick={onRestoreAll}>
          Put all back
        </button>
      )}
    </div>
  );
}
