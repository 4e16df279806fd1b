/**
 * Barcodes a catalog accepts: the GS1 retail symbologies, whose last digit is a check digit, and
 * free-form internal codes (a store's own labels) that are only accepted when marked as such.
 */
export const BARCODE_TYPES = ['upca', 'ean13', 'ean8', 'internal'] as const;
export type BarcodeType = (typeof BARCODE_TYPES)[number];

const GTIN_LENGTH: Record<Exclude<BarcodeType, 'internal'>, number> = { ean8: 8, upca: 12, ean13: 13 };
const TYPE_BY_LENGTH: Record<number, Exclude<BarcodeType, 'internal'>> = { 8: 'ean8', 12: 'upca', 13: 'ean13' };

/** GS1 mod-10 check digit of the digits before it: weights 3,1,3,... from the right. */
export function gtinCheckDigit(body: string): number {
  let total = 0;
  for (let i = body.length - 1, w = 3; i >= 0; i--, w = 4 - w) total += (body.charCodeAt(i) - 48) * w;
  return (10 - (total % 10)) % 10;
}

export type BarcodeCheck = { ok: true; code: string; type: BarcodeType; key: string } | { ok: false; message: string };

/**
 * Validates a code and returns its lookup key. GTINs are keyed as GTIN-14 (zero-padded, as GS1
 * does), so the UPC-A `012345678905` and the EAN-13 `0012345678905` are the same product code.
 * Without a type, 8, 12 and 13 digits are read as EAN-8, UPC-A and EAN-13.
 */
export function checkBarcode(raw: string, type?: BarcodeType): BarcodeCheck {
  const code = raw.trim();
  if (code.length === 0) return { ok: false, message: 'must not be empty' };
  if (type === 'internal') {
    if (code.length > 64) return { ok: false, message: 'must be at most 64 characters' };
    if (!/^[\x21-\x7e]+$/.test(code)) return { ok: false, message: 'must be visible ASCII characters without spaces' };
    return { ok: true, code, type, key: `int:${code}` };
  }
  const inferred = type ?? TYPE_BY_LENGTH[code.length];
  if (!/^\d+$/.test(code) || !inferred) {
    return { ok: false, message: 'must be a UPC-A (12 digits), EAN-13 (13) or EAN-8 (8) code; mark a free-form code with type "internal"' };
  }
  const want = GTIN_LENGTH[inferred];
  if (code.length !== want) return { ok: false, message: `a ${inferred.toUpperCase()} code has ${want} digits` };
  const expected = gtinCheckDigit(code.slice(0, -1));
  if (Number(code.at(-1)) !== expected) return { ok: false, message: `has a wrong check digit (expected ${expected})` };
  return { ok: true, code, type: inferred, key: gtinKey(code) };
}

export const gtinKey = (digits: string): string => `gtin:${digits.padStart(14, '0')}`;

/** Keys to look a scanned code up by: as an internal code, and as a GTIN when it is a valid one. */
export function barcodeLookupKeys(raw: string): string[] {
  const code = raw.trim();
  const keys = [`int:${code}`];
  if (/^\d{8}$|^\d{12,14}$/.test(code) && Number(code.at(-1)) === gtinCheckDigit(code.slice(0, -1))) keys.push(gtinKey(code));
  return keys;
}
