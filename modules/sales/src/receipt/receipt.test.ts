import { describe, expect, it } from 'vitest';
import { ReceiptModel, barcodeModuleWidth, displayWidth, renderEscpos, renderHtml, renderReceipt, renderText, type ReceiptFormat } from './index.ts';
import { SAMPLE_FACTS, sampleReceipt } from './receipt.fixture.ts';

const LONG_NAME = 'Organic Cotton T-Shirt with a Remarkably Long Descriptive Name';

/** The printable text of ESC/POS bytes: printable ASCII runs kept, commands and line ends become breaks. */
function escposText(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '\n')).join('');
}

function textOf(format: ReceiptFormat, model: ReceiptModel = sampleReceipt()): string {
  const { body } = renderReceipt(model, format);
  return typeof body === 'string' ? body : escposText(body);
}

/** Text as read on paper: HTML tags dropped. */
const plain = (format: ReceiptFormat, model?: ReceiptModel) => textOf(format, model).replace(/<[^>]+>/g, ' ');

const containsWords = (text: string, phrase: string) => phrase.split(' ').every((w) => text.includes(w));

describe('renderReceipt', () => {
  it.each(['html', 'text42', 'text48', 'escpos'] as const)('prints every fact of the sale in %s', (format) => {
    const text = textOf(format).replaceAll('&amp;', '&');
    for (const fact of SAMPLE_FACTS) expect(text, fact).toContain(fact);
    expect(containsWords(text, LONG_NAME)).toBe(true);
    expect(containsWords(text, 'alert(1) Mug')).toBe(true);
  });

  it('masks the card as brand, four bullets and the last four digits on screen formats', () => {
    for (const format of ['html', 'text42', 'text48'] as const) expect(textOf(format)).toContain('VISA •••• 4242');
    expect(textOf('escpos')).toContain('VISA **** 4242');
    expect(textOf('text48')).toContain('Gift card •••• 9876');
  });

  it('returns the validated model as JSON', () => {
    const out = renderReceipt(sampleReceipt(), 'json');
    expect(out.contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(out.body as string)).toEqual(sampleReceipt());
  });

  it('gives each format its content type', () => {
    expect(renderReceipt(sampleReceipt(), 'html').contentType).toBe('text/html; charset=utf-8');
    expect(renderReceipt(sampleReceipt(), 'text42').contentType).toBe('text/plain; charset=utf-8');
    expect(renderReceipt(sampleReceipt(), 'escpos').contentType).toBe('application/vnd.escpos');
    expect(renderReceipt(sampleReceipt(), 'escpos').body).toBeInstanceOf(Uint8Array);
  });

  it('marks a reprint as a copy with its number, and only a reprint', () => {
    const copy = sampleReceipt({ copy: { is_copy: true, reprint_number: 2 } });
    for (const format of ['html', 'text42', 'text48', 'escpos'] as const) {
      expect(textOf(format, copy)).toContain('COPY - REPRINT 2');
      expect(textOf(format)).not.toContain('COPY');
    }
  });

  it('prints BALANCE DUE on an open order not yet paid in full', () => {
    const open = sampleReceipt({
      order: { ...sampleReceipt().order, status: 'open', completed_at: null },
      tenders: [sampleReceipt().tenders[0]!],
      change_due: 0,
      amount_due: 10817,
    });
    for (const format of ['html', 'text42', 'text48', 'escpos'] as const) {
      expect(plain(format, open)).toMatch(/BALANCE DUE\s+\$108\.17/);
      expect(textOf(format, open)).not.toContain('CHANGE');
    }
    expect(textOf('text48')).not.toContain('BALANCE DUE');
  });

  it('marks a voided order', () => {
    const voided = sampleReceipt({ order: { ...sampleReceipt().order, status: 'voided' } });
    expect(textOf('text48', voided)).toContain('*** VOIDED ***');
  });

  it('prints tip and cash rounding only when there are some', () => {
    expect(textOf('text48')).not.toMatch(/Tip|Cash rounding/);
    const text = textOf('text48', sampleReceipt({ tip_total: 300, cash_rounding: -2 }));
    expect(text).toMatch(/Tip\s+\$3\.00/);
    expect(text).toMatch(/Cash rounding\s+-\$0\.02/);
  });

  it('formats money by the currency’s minor units and the locale', () => {
    const yen = sampleReceipt({ order: { ...sampleReceipt().order, currency: 'JPY', locale: 'ja-JP', timezone: 'Asia/Tokyo' }, total: 25817 });
    expect(textOf('text48', yen)).toMatch(/TOTAL\s+￥25,817/);
    const euro = sampleReceipt({ order: { ...sampleReceipt().order, currency: 'EUR', locale: 'de-DE', timezone: 'Europe/Berlin' } });
    expect(textOf('text48', euro)).toMatch(/TOTAL\s+258,17 €/);
    expect(textOf('text48', euro)).toContain('14.03.2026, 16:04');
  });

  it('refuses a model with float money as a bug', () => {
    expect(() => renderReceipt(sampleReceipt({ total: 258.17 }), 'text48')).toThrow();
    expect(() => renderReceipt(sampleReceipt({ order: { ...sampleReceipt().order, timezone: 'Mars/Olympus' } }), 'html')).toThrow();
  });
});

describe('text receipts', () => {
  it.each([42, 48])('are exactly %i columns on every line, amounts right-aligned', (columns) => {
    const lines = renderText(sampleReceipt(), columns).replace(/\n$/, '').split('\n');
    for (const line of lines) expect(displayWidth(line), JSON.stringify(line)).toBe(columns);
    expect(lines.find((l) => l.startsWith('TOTAL'))).toMatch(/\$258\.17$/);
    expect(lines.find((l) => l.startsWith('Espresso Machine'))).toMatch(/\$199\.99$/);
  });

  it('wraps a long name and keeps its amount on the first line', () => {
    const lines = renderText(sampleReceipt(), 42).split('\n');
    const first = lines.findIndex((l) => l.startsWith('Organic Cotton'));
    expect(lines[first]).toMatch(/\$35\.00$/);
    expect(lines[first + 1]).toMatch(/^\S.*Name\s*$/);
  });

  it('measures wide and combining characters so no line overflows', () => {
    const names = ['日本語の商品名がとても長いのでこの行は折り返されるはずです全角文字', 'Cafe\u0301 cre\u0300me bru\u0302le\u0301e', '👍🏽👨‍👩‍👧‍👦 party pack '.repeat(4), 'ＦＵＬＬＷＩＤＴＨ'.repeat(5)];
    const model = sampleReceipt({ lines: names.map((name, i) => ({ ...sampleReceipt().lines[1]!, name, sku: `W-${i}` })) });
    for (const columns of [42, 48]) {
      const lines = renderText(model, columns).replace(/\n$/, '').split('\n');
      for (const line of lines) expect(displayWidth(line)).toBe(columns);
      expect(lines.join('\n')).toContain('日本語の商品名');
    }
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('👨‍👩‍👧‍👦')).toBe(2);
    expect(displayWidth('a\u0007b')).toBe(2);
  });

  it('keeps control characters and line breaks in names from breaking the layout', () => {
    const model = sampleReceipt({ lines: [{ ...sampleReceipt().lines[1]!, name: 'Two\nlines\tand\u0007bell' }] });
    const text = renderText(model, 42);
    expect(text).toContain('Two lines and bell');
    expect(text).not.toContain('\u0007');
  });
});

describe('HTML receipt', () => {
  const html = renderHtml(sampleReceipt());

  it('is a complete printable 80 mm document without external assets', () => {
    expect(html).toMatch(/^<!doctype html>/);
    // "80mm auto" is invalid CSS that Chrome drops (then prints on Letter): the height is computed.
    expect(html).toMatch(/@page \{ size: 80mm \d+mm; margin: 0 \}/);
    const longer = renderHtml(sampleReceipt({ lines: Array(30).fill(sampleReceipt().lines[0]) }));
    const height = (doc: string) => Number(/size: 80mm (\d+)mm/.exec(doc)![1]);
    expect(height(longer)).toBeGreaterThan(height(html) + 30 * 3 * 4);
    expect(html).toContain('</html>');
    expect(html).not.toMatch(/<link|<img|<script|\bsrc=|url\(/i);
  });

  it('draws the order number as an inline SVG Code 128 barcode', () => {
    expect(html).toMatch(/<svg class="barcode" role="img" aria-label="Barcode S1-R2-000042"[^>]*viewBox="[^"]+"/);
    expect(html).toMatch(/<svg[\s\S]*<path[^>]+d="M[\d .ML]+"[\s\S]*<\/svg>/);
    expect(html).toContain('<figcaption>S1-R2-000042</figcaption>');
    const tricky = renderHtml(sampleReceipt({ barcode_value: `$&$'$\`"<` }));
    expect(tricky.match(/<svg/g)).toHaveLength(1);
    expect(tricky).toContain('aria-label="Barcode $&amp;$&#39;$`&quot;&lt;"');
    const other = renderHtml(sampleReceipt({ barcode_value: 'S1-R2-000043' }));
    expect(other.match(/<svg[\s\S]*<\/svg>/)![0]).not.toBe(html.match(/<svg[\s\S]*<\/svg>/)![0]);
  });

  it('escapes model text so markup in a product name renders as text', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Mug');
    expect(html).not.toContain('<script');
    const hostile = renderHtml(sampleReceipt({ business_name: '"><img src=x onerror=alert(1)>', footer: '</style><b>x</b>' }));
    expect(hostile).not.toMatch(/<img|<b>|<\/style><b/);
    expect(hostile).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows the card masked with its approval code and the change due', () => {
    expect(html).toContain('VISA •••• 4242');
    expect(html).toContain('Approval A1B2C3');
    expect(html).toMatch(/CHANGE<\/span><span class="r">\$1\.83/);
    expect(html).toMatch(/State tax 6\.25% on \$238\.49<\/span><span class="r">\$14\.91/);
  });
});

describe('ESC/POS receipt', () => {
  const bytes = renderEscpos(sampleReceipt());
  const ESC = 0x1b;
  const GS = 0x1d;

  const indexOf = (haystack: Uint8Array, needle: number[]): number => {
    outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
      for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
      return i;
    }
    return -1;
  };

  it('starts by initializing the printer (ESC @)', () => {
    expect([bytes[0], bytes[1]]).toEqual([ESC, 0x40]);
  });

  it('prints the order number as a CODE128 barcode (GS k 73 with code set B)', () => {
    const data = [...new TextEncoder().encode('{BS1-R2-000042')];
    const at = indexOf(bytes, [GS, 0x6b, 73, data.length, ...data]);
    expect(at).toBeGreaterThan(0);
    expect(indexOf(bytes, [GS, 0x48, 2])).toBeGreaterThan(0); // human-readable number below the bars
    // 12 characters are 187 modules with quiet zones: 3 dots each (561) fit 576 dots, 4 would not.
    expect(indexOf(bytes, [GS, 0x77, 3])).toBeGreaterThan(0);
  });

  it('narrows the bars so a longer number still fits the paper', () => {
    expect(barcodeModuleWidth('S1-R2-000042', 576)).toBe(2);
    expect(barcodeModuleWidth('S12-R34-00001234567', 576)).toBe(1);
    expect(barcodeModuleWidth('S1-R2-000042', 512)).toBe(1);
  });

  it('makes the header bold and ends with a cut after a feed', () => {
    const bold = indexOf(bytes, [ESC, 0x45, 1]);
    expect(bold).toBeGreaterThan(0);
    expect(escposText(bytes.slice(bold, bold + 40))).toContain('Nova Outfitters');
    const cut = bytes.lastIndexOf(GS);
    expect([bytes[cut], bytes[cut + 1], bytes[cut + 2]]).toEqual([GS, 0x56, 1]);
    expect(bytes.slice(cut + 3).every((b) => b === 0x0a || b === 0x0d)).toBe(true);
    expect(bytes.slice(cut - 8, cut).filter((b) => b === 0x0a).length).toBeGreaterThanOrEqual(4);
  });

  it('lays text out in the chosen number of columns', () => {
    const text42 = escposText(renderEscpos(sampleReceipt(), { columns: 42 }));
    expect(text42).toContain('-'.repeat(42));
    expect(text42).not.toContain('-'.repeat(43));
    expect(escposText(bytes)).toContain('-'.repeat(48));
  });

  it('never turns a CP437 glyph stored below 0x20 into a printer command', () => {
    const model = sampleReceipt({ lines: [{ ...sampleReceipt().lines[1]!, name: 'Rose ♥ §1 ►♦ Привет' }] });
    const out = renderEscpos(model);
    expect(indexOf(out, [0x10, 0x04])).toBe(-1); // ► ♦ in CP437 would be DLE EOT, a status request
    expect(indexOf(out, [...new TextEncoder().encode('Rose ? ')])).toBeGreaterThan(0);
    expect(indexOf(out, [ESC, 0x74, 16, 0xa7, 0x31])).toBeGreaterThan(0); // § from Windows-1252 (ESC t 16), not 0x15 (NAK)
    expect(indexOf(out, [ESC, 0x74, 17, 0x8f, 0xe0, 0xa8])).toBeGreaterThan(0); // "При" from CP866
  });

  it('encodes accents through a code page and prints what it cannot as ?', () => {
    const model = sampleReceipt({ lines: [{ ...sampleReceipt().lines[1]!, name: 'Cafe\u0301 日本' }] });
    const out = renderEscpos(model);
    expect(indexOf(out, [0x43, 0x61, 0x66, 0x82])).toBeGreaterThan(0); // "Caf" + é in CP437
    expect(escposText(out)).toContain(' ????');
  });
});
