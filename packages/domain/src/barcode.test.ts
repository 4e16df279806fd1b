import { describe, expect, it } from 'vitest';
import { barcodeLookupKeys, checkBarcode, gtinCheckDigit } from './index.ts';

describe('barcodes', () => {
  it('computes GS1 check digits', () => {
    expect(gtinCheckDigit('03600029145')).toBe(2); // UPC-A 036000291452
    expect(gtinCheckDigit('400638133393')).toBe(1); // EAN-13 4006381333931
    expect(gtinCheckDigit('9638507')).toBe(4); // EAN-8 96385074
  });

  it('accepts valid GTINs by length and names the wrong check digit', () => {
    expect(checkBarcode('036000291452')).toMatchObject({ ok: true, type: 'upca', key: 'gtin:00036000291452' });
    expect(checkBarcode('4006381333931')).toMatchObject({ ok: true, type: 'ean13' });
    expect(checkBarcode('96385074')).toMatchObject({ ok: true, type: 'ean8' });
    expect(checkBarcode('4006381333932')).toEqual({ ok: false, message: 'has a wrong check digit (expected 1)' });
    expect(checkBarcode('036000291452', 'ean13')).toMatchObject({ ok: false, message: 'a EAN13 code has 13 digits' });
    expect(checkBarcode('ABC-123')).toMatchObject({ ok: false });
  });

  it('treats a UPC-A and its EAN-13 form as one code, and allows marked internal codes', () => {
    expect(checkBarcode('0036000291452')).toMatchObject({ ok: true, key: 'gtin:00036000291452' });
    expect(checkBarcode('ABC-123', 'internal')).toEqual({ ok: true, code: 'ABC-123', type: 'internal', key: 'int:ABC-123' });
    expect(checkBarcode('has space', 'internal')).toMatchObject({ ok: false });
    expect(barcodeLookupKeys('036000291452')).toEqual(['int:036000291452', 'gtin:00036000291452']);
    expect(barcodeLookupKeys('036000291453')).toEqual(['int:036000291453']);
  });
});
