import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatters } from './format.ts';
import { displayWidth, renderEscpos, renderHtml, renderText, type ReceiptModel } from './index.ts';

/** Any text a catalogue or a cashier might produce, hostile pieces included. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('<script>alert(1)</script>', '日本語の商品名がとても長いのでこの行は折り返される', 'Cafe\u0301\u0301', '👨‍👩‍👧‍👦👍🏽', 'a\tb\nc\r\nd\u0007', 'x'.repeat(120), ''),
);
const minor = fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 });
const nonNegative = fc.integer({ min: 0, max: 1_000_000_000_000 });
const iso = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
const code128 = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 30 });
const discount = fc.option(fc.record({ amount: nonNegative, reason: fc.option(text) }));

const model: fc.Arbitrary<ReceiptModel> = fc.record({
  business_name: text,
  store: fc.record({ name: text, address_lines: fc.array(text, { maxLength: 3 }), phone: fc.option(text) }),
  register_name: fc.option(text),
  cashier_name: fc.option(text),
  order: fc.record({
    number: code128,
    status: fc.constantFrom('open', 'completed', 'voided', 'partially_refunded', 'refunded'),
    created_at: iso,
    completed_at: fc.option(iso),
    timezone: fc.constantFrom('UTC', 'America/Chicago', 'Asia/Kolkata', 'Pacific/Chatham'),
    currency: fc.constantFrom('USD', 'EUR', 'JPY', 'KWD', 'INR'),
    locale: fc.constantFrom('en-US', 'de-DE', 'fr-FR', 'ja-JP', 'ar-EG', 'hi-IN'),
  }),
  lines: fc.array(
    fc.record({
      name: text,
      sku: fc.option(text),
      options: text,
      quantity: fc.integer({ min: -1000, max: 100_000 }),
      unit_price: minor,
      discount,
      total: minor,
      serial_numbers: fc.array(text, { maxLength: 3 }),
    }),
    { maxLength: 6 },
  ),
  order_discount: discount,
  subtotal: minor,
  discount_total: minor,
  tax_breakdown: fc.array(fc.record({ name: text, rate_ppm: fc.integer({ min: 0, max: 1_000_000 }), taxable: minor, tax: minor }), { maxLength: 3 }),
  tax_total: minor,
  total: minor,
  tip_total: minor,
  cash_rounding: minor,
  tenders: fc.array(
    fc.record({
      tender: fc.constantFrom('cash', 'card', 'gift_card', 'crypto'),
      amount: minor,
      applied: minor,
      change_due: nonNegative,
      card: fc.option(fc.record({ brand: text, last4: fc.stringMatching(/^\d{4}$/), approval_code: fc.option(text) })),
      gift_card: fc.option(fc.record({ last4: fc.stringMatching(/^[0-9A-Z]{4}$/), remaining_balance: fc.option(minor) })),
    }),
    { maxLength: 4 },
  ),
  change_due: nonNegative,
  amount_due: nonNegative,
  copy: fc.record({ is_copy: fc.boolean(), reprint_number: fc.nat(1000) }),
  footer: fc.option(text),
  barcode_value: code128,
});

/** The total as the receipt prints it (line layout turns any run of spaces into one). */
const printedTotal = (m: ReceiptModel) => formatters(m.order.locale, m.order.currency, m.order.timezone).money(m.total).replace(/\s+/gu, ' ');

describe('receipt renderers on random models', () => {
  it('keep every text line exactly 42 or 48 columns and always print the total', () => {
    fc.assert(
      fc.property(model, fc.constantFrom(42, 48), (m, columns) => {
        const lines = renderText(m, columns).replace(/\n$/, '').split('\n');
        for (const line of lines) expect(displayWidth(line), JSON.stringify(line)).toBe(columns);
        const totalLine = lines.findIndex((l) => l.startsWith('TOTAL '));
        expect(totalLine).toBeGreaterThan(-1);
        expect(lines.slice(totalLine, totalLine + 2).join(' ')).toContain(printedTotal(m));
      }),
      { numRuns: 300 },
    );
  });

  it('never let model text become HTML markup, and always draw the barcode', () => {
    fc.assert(
      fc.property(model, (m) => {
        const html = renderHtml(m);
        expect(html.match(/<script/g)).toBeNull();
        expect(html.match(/<svg/g)).toHaveLength(1);
      }),
      { numRuns: 100 },
    );
  });

  it('always frame ESC/POS output with init and cut, and never send a real-time command from text', () => {
    fc.assert(
      fc.property(model, fc.constantFrom(42 as const, 48 as const), (m, columns) => {
        const bytes = renderEscpos(m, { columns });
        expect([bytes[0], bytes[1]]).toEqual([0x1b, 0x40]);
        const cut = bytes.lastIndexOf(0x1d);
        expect([bytes[cut + 1], bytes[cut + 2]]).toEqual([0x56, 1]);
        // DLE EOT / ENQ / DC4 act even mid-data (status, recovery, drawer pulse): text must never form them.
        for (let i = 0; i + 1 < bytes.length; i++) {
          if (bytes[i] === 0x10) expect([0x04, 0x05, 0x14]).not.toContain(bytes[i + 1]);
        }
      }),
      { numRuns: 100 },
    );
  });
});
