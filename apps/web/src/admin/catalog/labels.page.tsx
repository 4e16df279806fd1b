import { memo, useEffect, useMemo, useState } from 'react';
import { toSVG } from 'bwip-js/browser';
import { Link, useSearchParams } from 'react-router-dom';
import { SelectField } from '../../ui/field';
import { PageHeader } from '../admin-layout';
import { formatMoney } from '../shared/money';
import { useVariantInfo, variantLabel, type VariantInfo } from '../shared/variants';
import { VariantPicker } from '../shared/variant-picker';
import './labels.css';

// Sheets of 3 × 10 labels: a common A4 stock (70 × 29.7 mm, edge to edge) and Avery 5160 on Letter.
const LAYOUTS = {
  a4: { label: 'A4 — 3 × 10, 70 × 29.7 mm', page: 'A4', width: '210mm', height: '297mm', padding: '0', gap: '0', cols: 3, rows: 10, cell: ['70mm', '29.7mm'] },
  letter: { label: 'Letter — 3 × 10, Avery 5160 (2⅝ × 1 in)', page: 'letter', width: '8.5in', height: '11in', padding: '0.5in 0.1875in', gap: '0 0.125in', cols: 3, rows: 10, cell: ['2.625in', '1in'] },
} as const;
type LayoutId = keyof typeof LAYOUTS;

type Line = { variant: VariantInfo; quantity: number };

export default function LabelsPage() {
  const [params] = useSearchParams();
  const preset = useVariantInfo(params.getAll('variant'));
  const [lines, setLines] = useState<Line[]>([]);
  const [layoutId, setLayoutId] = useState<LayoutId>(() => (navigator.language === 'en-US' ? 'letter' : 'a4'));
  const [showPrice, setShowPrice] = useState(true);
  const [skip, setSkip] = useState(0);
  const [seeded, setSeeded] = useState(false);

  // Variants handed over by a product page (?variant=…) start the list, one label each.
  useEffect(() => {
    if (seeded || preset.size === 0) return;
    setSeeded(true);
    setLines((ls) => [...ls, ...[...preset.values()].filter((v) => v.status === 'active' && !ls.some((l) => l.variant.id === v.id)).map((variant) => ({ variant, quantity: 1 }))]);
  }, [preset, seeded]);

  const add = (v: VariantInfo) =>
    setLines((ls) => (ls.some((l) => l.variant.id === v.id) ? ls.map((l) => (l.variant.id === v.id ? { ...l, quantity: l.quantity + 1 } : l)) : [...ls, { variant: v, quantity: 1 }]));
  const setQty = (id: string, q: number) => setLines((ls) => ls.map((l) => (l.variant.id === id ? { ...l, quantity: Math.max(0, Math.min(999, q)) } : l)));

  const layout = LAYOUTS[layoutId];
  const perPage = layout.cols * layout.rows;
  const labels = useMemo(() => [...Array<null>(skip).fill(null), ...lines.flatMap((l) => Array<VariantInfo>(l.quantity).fill(l.variant))], [lines, skip]);
  const pages: (VariantInfo | null)[][] = [];
  for (let i = 0; i < labels.length; i += perPage) pages.push(labels.slice(i, i + perPage));
  const total = labels.length - skip;

  return (
    <div className="label-print-root">
      <style>{`@page { size: ${layout.page}; margin: 0; }`}</style>
      <div className="no-print">
        <p className="breadcrumb">
          <Link to="/admin/catalog/products">Products</Link>
        </p>
        <PageHeader title="Barcode labels">
          <button type="button" className="button" onClick={() => window.print()} disabled={total === 0}>
            Print {total} {total === 1 ? 'label' : 'labels'}
          </button>
        </PageHeader>
        <section className="panel" aria-labelledby="label-items-heading">
          <h2 id="label-items-heading">What to print</h2>
          <VariantPicker label="Add a variant" onPick={add} hint="Search, or scan a barcode and press Enter." />
          {lines.length > 0 && (
            <table className="table table--dense label-lines">
              <caption className="visually-hidden">Variants and how many labels of each</caption>
              <thead>
                <tr>
                  <th scope="col">Variant</th>
                  <th scope="col">SKU</th>
                  <th scope="col" className="num">
                    Price
                  </th>
                  <th scope="col">Labels</th>
                  <th scope="col">
                    <span className="visually-hidden">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((l) => (
                  <tr key={l.variant.id}>
                    <th scope="row" data-label="Variant">
                      {variantLabel(l.variant)}
                    </th>
                    <td data-label="SKU" className="mono">
                      {l.variant.sku}
                    </td>
                    <td data-label="Price" className="num">
                      {formatMoney(l.variant.price)}
                    </td>
                    <td data-label="Labels">
                      <input
                        type="number"
                        className="grid-input grid-input--short"
                        min={0}
                        max={999}
                        value={l.quantity}
                        onChange={(e) => setQty(l.variant.id, Number(e.target.value) || 0)}
                        aria-label={`Number of labels for ${variantLabel(l.variant)}`}
                      />
                    </td>
                    <td className="table__actions">
                      <button type="button" className="button button--secondary button--small" onClick={() => setLines((ls) => ls.filter((x) => x.variant.id !== l.variant.id))} aria-label={`Remove ${variantLabel(l.variant)}`}>
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="form__row label-options">
            <SelectField label="Label sheet" value={layoutId} onChange={(v) => setLayoutId(v as LayoutId)} options={Object.entries(LAYOUTS).map(([value, l]) => ({ value, label: l.label }))} />
            <SelectField
              label="Start at label"
              value={String(skip)}
              onChange={(v) => setSkip(Number(v))}
              options={Array.from({ length: perPage }, (_, i) => ({ value: String(i), label: i === 0 ? '1 (a fresh sheet)' : `${i + 1} (skip ${i} used)` }))}
              hint="Reuse a partly used sheet."
            />
            <label className="checkbox">
              <input type="checkbox" checked={showPrice} onChange={(e) => setShowPrice(e.target.checked)} />
              Show the price
            </label>
          </div>
        </section>
        <h2 className="label-preview-heading">
          Preview{pages.length > 1 ? `: ${pages.length} pages` : ''}
        </h2>
        {total === 0 && <p className="empty">Add variants above to see the sheet.</p>}
      </div>
      <div className="label-sheets" aria-label="Label sheets">
        {total > 0 &&
          pages.map((page, p) => (
            <div
              key={p}
              className="label-sheet"
              style={{
                width: layout.width,
                height: layout.height,
                padding: layout.padding,
                gap: layout.gap,
                gridTemplateColumns: `repeat(${layout.cols}, ${layout.cell[0]})`,
                gridTemplateRows: `repeat(${layout.rows}, ${layout.cell[1]})`,
              }}
            >
              {page.map((v, i) => (v ? <Label key={i} variant={v} showPrice={showPrice} /> : <div key={i} className="label label--blank" aria-hidden="true" />))}
            </div>
          ))}
      </div>
    </div>
  );
}

const Label = memo(function Label({ variant, showPrice }: { variant: VariantInfo; showPrice: boolean }) {
  const code = variant.barcodes[0];
  return (
    <div className="label">
      <div className="label__text">
        <span className="label__name">{variant.product_name}</span>
        {variant.title && <span className="label__options">{variant.title}</span>}
        {showPrice && variant.price && <span className="label__price">{formatMoney(variant.price)}</span>}
      </div>
      <Barcode code={code?.code ?? variant.sku} type={code?.type ?? 'internal'} />
    </div>
  );
});

const BCID: Record<string, string> = { upca: 'upca', ean13: 'ean13', ean8: 'ean8', internal: 'code128' };
const svgCache = new Map<string, string>();

/** The symbol as SVG, drawn by bwip-js in the browser; Code 128 when the code is not a valid GTIN. */
function barcodeSvg(code: string, type: string): string {
  const key = `${type}:${code}`;
  let svg = svgCache.get(key);
  if (svg === undefined) {
    const draw = (bcid: string) => toSVG({ bcid, text: code, scale: 2, height: 9, includetext: true, textxalign: 'center', textsize: 8 });
    try {
      svg = draw(BCID[type] ?? 'code128');
    } catch {
      try {
        svg = draw('code128');
      } catch {
        svg = '';
      }
    }
    svgCache.set(key, svg);
  }
  return svg;
}

function Barcode({ code, type }: { code: string; type: string }) {
  const svg = barcodeSvg(code, type);
  if (!svg) return <span className="label__code">{code}</span>;
  return <span className="label__barcode" role="img" aria-label={`Barcode ${code}`} dangerouslySetInnerHTML={{ __html: svg }} />;
}
