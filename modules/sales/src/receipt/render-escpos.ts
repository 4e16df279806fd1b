import CodepageEncoder, { type Codepage } from '@point-of-sale/codepage-encoder';
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { receiptBlocks, type Block, type Row } from './layout.ts';
import { ReceiptModel } from './model.ts';
import { textLines } from './render-text.ts';
import { displayWidth, graphemes } from './text-width.ts';

export const ESCPOS_CONTENT_TYPE = 'application/vnd.escpos';

export interface EscposOptions {
  /** characters per line in Font A: 48 on 203 dpi 80 mm printers (TM-T20, TM-m30), 42 on 180 dpi ones (TM-T88) */
  columns?: 42 | 48;
}

/**
 * Code pages a line may use, in order of preference (all in Epson's ESC t table): US, Western
 * European with €, Windows Western (§ ¶ •), Central European, Cyrillic, Greek, Turkish, Hebrew, Baltic.
 */
const CODEPAGES: readonly Codepage[] = ['cp437', 'cp858', 'windows1252', 'cp852', 'cp866', 'cp737', 'cp857', 'cp862', 'cp775'];

let coverage: ReadonlyMap<Codepage, ReadonlySet<number>> | null = null;
let printableCodepoints: ReadonlySet<number> = new Set();

/**
 * Code points each page prints safely. The DOS pages put glyphs such as • ♥ § ► at 0x01–0x1F,
 * which a printer reads as commands (► ♦ is DLE EOT, a status request), and the encoder uses
 * that low byte even when the glyph also sits higher up (§ in CP858): such a character does not
 * count for that page at all.
 */
function pageCoverage(): ReadonlyMap<Codepage, ReadonlySet<number>> {
  if (coverage) return coverage;
  const all = new Set<number>();
  const map = new Map<Codepage, Set<number>>();
  for (const page of CODEPAGES) {
    const codepoints = CodepageEncoder.getCodepoints(page, true);
    const control = new Set(codepoints.filter((_, byte) => byte < 0x20 || byte === 0x7f));
    const set = new Set(codepoints.filter((cp, byte) => byte >= 0x20 && byte !== 0x7f && !control.has(cp)));
    map.set(page, set);
    for (const cp of set) all.add(cp);
  }
  printableCodepoints = all;
  coverage = map;
  return map;
}

/**
 * The receipt as ESC/POS bytes: init (ESC @), the same fixed-width layout as the text receipt with
 * a bold double-height header, the order number as a CODE128 barcode (GS k) with its text below,
 * then feed and partial cut (GS V). Each run of text is sent in the first code page of CODEPAGES
 * that has all its characters; a character none has prints as "?".
 */
export function renderEscpos(model: ReceiptModel, options: EscposOptions = {}): Uint8Array {
  const columns = options.columns ?? 48;
  // "*" masks card digits: "•" exists only at 0x07 in CP437, a control code to the printer.
  const blocks = receiptBlocks(ReceiptModel.parse(model), { mask: '*' }).map(printable);
  const encoder = new ReceiptPrinterEncoder({ language: 'esc-pos', columns, feedBeforeCut: 4, codepageMapping: 'epson' });
  encoder.initialize();
  const write = lineWriter(encoder);

  let barcodeDone: string | null = null;
  for (const line of textLines(blocks, columns)) {
    // Lines are padded to the full width; trailing spaces only push the printer's own wrap.
    const text = line.text.trimEnd();
    if ('barcode' in line) {
      if (barcodeDone === line.barcode) continue;
      barcodeDone = line.barcode;
      encoder
        .align('center')
        .barcode(line.barcode, 'code128', { height: 64, width: barcodeModuleWidth(line.barcode, encoder.printableWidth), text: 'below' })
        .align('left');
    } else if (line.style === 'title') {
      encoder.bold(true).height(2);
      write(text);
      encoder.height(1).bold(false);
    } else if (line.style === 'banner' || line.style === 'strong') {
      encoder.bold(true);
      write(text);
      encoder.bold(false);
    } else {
      write(text);
    }
  }
  return encoder.cut('partial').encode();
}

/** Writes a line, switching code page only where a character needs another one. */
function lineWriter(encoder: ReceiptPrinterEncoder): (text: string) => void {
  const pages = pageCoverage();
  let current: Codepage = CODEPAGES[0]!;
  encoder.codepage(current);
  return (text) => {
    let run = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (!pages.get(current)!.has(cp)) {
        const next = CODEPAGES.find((p) => pages.get(p)!.has(cp));
        if (next) {
          if (run) encoder.text(run);
          run = '';
          encoder.codepage(next);
          current = next;
        }
      }
      run += ch;
    }
    if (run) encoder.text(run);
    encoder.newline();
  };
}

/**
 * The encoder's bar width (1–3, sent as GS w 2–4 dots per module) that fits a Code 128 set B
 * symbol with quiet zones on the paper. At 2 dots a module, 80 mm paper holds about 21
 * characters (576 dots) or 18 (512 dots); order numbers such as S1-R2-000042 take 12.
 */
export function barcodeModuleWidth(value: string, printableDots: number): number {
  const modules = 11 * (value.length + 3) + 2 + 20; // start, data, check, stop (13) + 10-module quiet zones
  return Math.max(1, Math.min(3, Math.floor(printableDots / modules) - 1));
}

/**
 * What a code-page printer shows, one column per character, so the layout measured in
 * text-width.ts is what gets printed: spaces of any kind become " ", accents are composed (NFC),
 * other combining marks dropped, and a character no code page has — CJK, emoji, most scripts
 * beyond Latin, Greek, Cyrillic and Hebrew — becomes "?" per column it was measured at.
 */
export function printableText(s: string): string {
  pageCoverage();
  let out = '';
  for (const g of graphemes(s.normalize('NFC').replace(/\p{Zs}/gu, ' '))) {
    const w = displayWidth(g);
    if (w === 0) continue;
    const base = [...g.replace(/\p{M}/gu, '')];
    const ch = base.length === 1 ? base[0]! : '';
    out += w === 1 && printableCodepoints.has(ch.codePointAt(0) ?? -1) ? ch : '?'.repeat(w);
  }
  return out;
}

function printable(block: Block): Block {
  const row = (r: Row): Row => ({ ...r, left: printableText(r.left), right: printableText(r.right) });
  switch (block.kind) {
    case 'title':
    case 'center':
    case 'banner':
      return { ...block, text: printableText(block.text) };
    case 'rows':
      return { ...block, rows: block.rows.map(row) };
    case 'item':
      return { ...block, name: printableText(block.name), total: printableText(block.total), details: block.details.map(row) };
    case 'note':
      return { ...block, lines: block.lines.map(printableText) };
    case 'rule':
    case 'barcode':
      return block;
  }
}
