import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatMoney, parseMoney, parseStock, readHeader } from './csv-format.ts';
import { readCsv } from './import.flow.ts';

describe('catalog CSV cells', () => {
  it('reads amounts exactly in the currency minor units and refuses extra decimals', () => {
    expect(parseMoney('19.99', 'USD')).toEqual({ ok: true, value: 1999 });
    expect(parseMoney('0.1', 'USD')).toEqual({ ok: true, value: 10 });
    expect(parseMoney('12.340', 'USD')).toEqual({ ok: true, value: 1234 });
    expect(parseMoney('1999', 'JPY')).toEqual({ ok: true, value: 1999 });
    expect(parseMoney('1.234', 'BHD')).toEqual({ ok: true, value: 1234 });
    for (const bad of ['12.345', '-1', '1,000.00', '$5', '1e3', '']) expect(parseMoney(bad, 'USD').ok, bad).toBe(false);
    expect(parseMoney('5.5', 'JPY').ok).toBe(false);
    for (const [amount, currency] of [[1999, 'USD'], [5, 'USD'], [0, 'EUR'], [1999, 'JPY'], [1234, 'BHD']] as const) {
      expect(parseMoney(formatMoney(amount, currency), currency)).toEqual({ ok: true, value: amount });
    }
  });

  it('takes whole stock quantities only', () => {
    expect(parseStock(' 12 ')).toEqual({ ok: true, value: 12 });
    expect(parseStock('-3')).toEqual({ ok: true, value: -3 });
    for (const bad of ['2.5', 'ten', '1e2']) expect(parseStock(bad).ok).toBe(false);
  });

  it('names unknown, repeated and missing columns and unknown stores', () => {
    const { errors } = readHeader(['Handle', 'SKU', 'colour', 'sku', 'stock:Nowhere', 'price:main STORE'], [{ id: 's1', name: 'Main store' }]);
    expect(errors.map((e) => `${e.column}: ${e.reason.split(';')[0]}`)).toEqual(['colour: unknown column', 'sku: appears twice', 'stock:Nowhere: no store named "Nowhere" (stores: Main store)']);
    expect(readHeader(['product_name'], []).errors.map((e) => e.column)).toEqual(['handle', 'sku']);
  });

  it('numbers lines as an editor does, with quoted line breaks and CRLF split across chunks', async () => {
    const text = 'handle,sku\r\na,"A\r\n1"\r\n\r\nb,B\r\n';
    const chunks = [text.slice(0, 17), text.slice(17, 27), text.slice(27)];
    const csv = await readCsv(Readable.from(chunks.map((c) => Buffer.from(c))), { maxBytes: 1000 });
    expect(csv.header).toEqual(['handle', 'sku']);
    expect(csv.rows).toEqual([
      { line: 2, cells: ['a', 'A\r\n1'] },
      { line: 5, cells: ['b', 'B'] },
    ]);
    const broken = await readCsv(Readable.from([Buffer.from('handle,sku\nx,"open\n')]), { maxBytes: 1000 });
    expect(broken.syntaxError?.reason).toMatch(/cannot be read/);
    await expect(readCsv(Readable.from([Buffer.alloc(2000, 'a')]), { maxBytes: 1000 })).rejects.toMatchObject({ status: 413 });
  });
});
