import { toSVG } from 'bwip-js/generic';
import { receiptBlocks, type Block, type Row } from './layout.ts';
import { ReceiptModel } from './model.ts';
import { textLines } from './render-text.ts';

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values escaped for HTML; every model string goes through here. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The value as a Code 128 symbol, inline SVG (bars only; the text is printed under it as HTML). */
export function barcodeSvg(value: string): string {
  const svg = toSVG({ bcid: 'code128', text: value, scale: 2, height: 12, includetext: false, paddingwidth: 10 });
  // Stretched to the paper width: a 1D symbol scales freely across, and wider modules scan better.
  // A replacer function, not a string: "$&" or "$'" in the value must not act as patterns.
  const attrs = `class="barcode" role="img" aria-label="${escapeHtml(`Barcode ${value}`)}" preserveAspectRatio="none"`;
  return svg.replace('<svg ', () => `<svg ${attrs} `);
}

/**
 * The page height in mm for `@page { size }`: "80mm auto" is not valid CSS (Chrome drops it and
 * prints on Letter), so the height comes from the layout: the text lines at 36 columns (about
 * what 72 mm of 12 px monospace holds), rules, banners and the barcode, with slack so a receipt
 * never spills onto a second page; the spare paper is a few millimetres of blank tail.
 */
export function pageHeightMm(blocks: Block[]): number {
  const lineMm = 4.4; // 12 px × 1.35 line height ≈ 4.29 mm
  const count = (kind: Block['kind']) => blocks.filter((b) => b.kind === kind).length;
  const lines = textLines(blocks, 36).length;
  const mm = 8 + lines * lineMm + count('rule') * 3.5 + count('banner') * 3 + count('barcode') * 18 + 6 + 4 + 10;
  return Math.ceil(mm);
}

const STYLE = `
* { box-sizing: border-box }
html { background: #fff; color: #000 }
body { width: 80mm; margin: 0; padding: 4mm; font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, "Courier New", monospace }
h1 { font-size: 16px; margin: 0 0 2px; text-align: center; overflow-wrap: anywhere }
p { margin: 0 }
.center { text-align: center; overflow-wrap: anywhere }
.banner { margin: 6px 0; padding: 2px; border: 2px solid #000; text-align: center; font-weight: bold; letter-spacing: .1em }
hr { border: 0; border-top: 1px dashed #000; margin: 6px 0 }
.row { display: flex; justify-content: space-between; gap: 1ch }
.row .l { overflow-wrap: anywhere }
.row .r { white-space: nowrap; text-align: right }
.detail { padding-left: 2ch; font-size: 11px }
.strong { font-weight: bold; font-size: 14px }
.item { margin: 2px 0 }
.item > .row:first-child { font-weight: bold }
figure { margin: 8px 0 0; text-align: center }
.barcode { display: block; width: 100%; height: 14mm; margin: 0 auto }
figcaption { letter-spacing: .1em }
.note { margin-top: 6px; text-align: center; font-size: 11px }
@media screen { body { margin: 1em auto; box-shadow: 0 0 4px #999 } }
`;

/** A complete printable HTML document for 80 mm paper, no external assets. */
export function renderHtml(model: ReceiptModel): string {
  const m = ReceiptModel.parse(model);
  const blocks = receiptBlocks(m);
  const body = blocks.map(blockHtml).join('\n');
  return `<!doctype html>
<html lang="${escapeHtml(m.order.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`Receipt ${m.order.number}`)}</title>
<style>
@page { size: 80mm ${pageHeightMm(blocks)}mm; margin: 0 }${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function rowHtml(row: Row): string {
  const cls = ['row', row.detail ? 'detail' : '', row.strong ? 'strong' : ''].filter(Boolean).join(' ');
  const right = row.right === '' ? '' : `<span class="r">${escapeHtml(row.right)}</span>`;
  return `<div class="${cls}"><span class="l">${escapeHtml(row.left)}</span>${right}</div>`;
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'title':
      return `<h1>${escapeHtml(block.text)}</h1>`;
    case 'center':
      return `<p class="center">${escapeHtml(block.text)}</p>`;
    case 'banner':
      return `<div class="banner">${escapeHtml(block.text)}</div>`;
    case 'rule':
      return '<hr>';
    case 'rows':
      return `<div class="rows">${block.rows.map(rowHtml).join('')}</div>`;
    case 'item':
      return `<div class="item">${[{ left: block.name, right: block.total }, ...block.details].map(rowHtml).join('')}</div>`;
    case 'barcode':
      return `<figure>${barcodeSvg(block.value)}<figcaption>${escapeHtml(block.value)}</figcaption></figure>`;
    case 'note':
      return `<div class="note">${block.lines.map((l) => `<p>${escapeHtml(l) || '&nbsp;'}</p>`).join('')}</div>`;
  }
}
