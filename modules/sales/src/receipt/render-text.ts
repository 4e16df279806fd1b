import { receiptBlocks, type Block, type LayoutOptions, type Row } from './layout.ts';
import { ReceiptModel } from './model.ts';
import { center, clean, displayWidth, padEnd, padStart, wrap } from './text-width.ts';

/** One printed line, exactly `columns` wide (see text-width.ts for how width is measured). */
export type TextLine = { text: string; style: 'plain' | 'title' | 'banner' | 'strong' } | { text: string; barcode: string };

export const MIN_COLUMNS = 24;
const INDENT = '  ';
/** the name column never narrows below this to keep an amount on the same line */
const MIN_LEFT = 12;

/** Lays the blocks out in fixed columns: names wrap, amounts are right-aligned, every line is padded to `columns`. */
export function textLines(blocks: Block[], columns: number): TextLine[] {
  if (!Number.isInteger(columns) || columns < MIN_COLUMNS) throw new RangeError(`columns must be an integer ≥ ${MIN_COLUMNS}`);
  const out: TextLine[] = [];
  const centered = (text: string, style: 'plain' | 'title' | 'banner') => {
    for (const l of wrap(text, columns)) out.push({ text: center(l, columns), style });
  };
  for (const block of blocks) {
    switch (block.kind) {
      case 'title':
        centered(block.text, 'title');
        break;
      case 'center':
        centered(block.text, 'plain');
        break;
      case 'banner':
        centered(`*** ${block.text} ***`, 'banner');
        break;
      case 'rule':
        out.push({ text: '-'.repeat(columns), style: 'plain' });
        break;
      case 'rows':
        for (const row of block.rows) pushRow(out, row, columns);
        break;
      case 'item':
        pushRow(out, { left: block.name, right: block.total }, columns);
        for (const row of block.details) pushRow(out, row, columns);
        break;
      case 'barcode':
        for (const l of wrap(block.value, columns)) out.push({ text: center(l, columns), barcode: block.value });
        break;
      case 'note':
        for (const line of block.lines) centered(line, 'plain');
        break;
    }
  }
  return out;
}

function pushRow(out: TextLine[], row: Row, columns: number): void {
  const indent = row.detail ? INDENT : '';
  const style = row.strong ? 'strong' : 'plain';
  for (const l of rowLines(row.left, row.right, columns - indent.length)) out.push({ text: indent + l, style });
}

/** A label and an amount in `width` columns: the amount right-aligned on the label's first line when it fits. */
export function rowLines(left: string, right: string, width: number): string[] {
  const amount = clean(right);
  const rw = displayWidth(amount);
  if (amount === '') return wrap(left, width).map((l) => padEnd(l, width));
  const leftWidth = width - rw - 1;
  if (leftWidth >= 2 && (leftWidth >= MIN_LEFT || displayWidth(clean(left)) <= leftWidth)) {
    const [first = '', ...rest] = wrap(left, leftWidth);
    return [padEnd(first, leftWidth) + ' ' + amount, ...rest.map((l) => padEnd(l, width))];
  }
  // An amount too wide to share a line: the label on its own lines, then the amount right-aligned.
  const labels = clean(left) === '' ? [] : wrap(left, width).map((l) => padEnd(l, width));
  return [...labels, ...wrap(amount, width).map((l) => padStart(l, width))];
}

/** The receipt as plain text, every line exactly `columns` wide (42 or 48 for 80 mm paper), ending with a newline. */
export function renderText(model: ReceiptModel, columns: number, options: LayoutOptions = {}): string {
  const lines = textLines(receiptBlocks(ReceiptModel.parse(model), options), columns);
  return lines.map((l) => l.text).join('\n') + '\n';
}
