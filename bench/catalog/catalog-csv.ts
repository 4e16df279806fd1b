// The bench catalog as CSV (the export's columns: product columns on every row, one row per
// variant): apparel products of 1 to 12 variants (size × colour, about 4 on average, as in
// bench/catalog/run.ts), each variant with its own EAN-13. bench/catalog/import.ts imports it,
// bench/pos/run.ts seeds the till's catalog with it.
import { gtinCheckDigit } from '@novapos/domain';

const BRANDS = ['Acme', 'Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Wingtip', 'Litware', 'Proseware', 'Lucerne', 'Alpine'];
const MATERIALS = ['Linen', 'Cotton', 'Wool', 'Silk', 'Denim', 'Leather', 'Canvas', 'Suede', 'Merino', 'Cashmere'];
const TYPES = ['Shirt', 'Trousers', 'Jacket', 'Scarf', 'Hat', 'Boots', 'Belt', 'Dress', 'Coat', 'Sweater', 'Backpack', 'Wallet'];
const CATEGORIES = ['Apparel > Tops', 'Apparel > Bottoms', 'Apparel > Outerwear', 'Accessories > Bags', 'Accessories > Small goods', 'Footwear'];
const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
const COLORS = ['Red', 'Blue', 'Green', 'Black', 'White', 'Navy', 'Olive', 'Sand'];
const SHAPES: [number, number][] = [[0, 0], [0, 0], [3, 1], [4, 1], [3, 2], [6, 1], [4, 2], [6, 2]];

const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const money = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

export interface BenchCatalog {
  csv: string;
  /** every variant's EAN-13, in row order */
  barcodes: string[];
  rows: number;
  products: number;
}

/** `variants` rows; with `stock`, an opening quantity in a "stock:Main store" column. */
export function catalogCsv(variants: number, opts: { stock?: boolean } = {}): BenchCatalog {
  const stock = opts.stock ?? false;
  const header = ['handle', 'product_name', 'description', 'category', 'option1_name', 'option1_value', 'option2_name', 'option2_value', 'sku', 'barcode', 'price', 'cost', ...(stock ? ['stock:Main store'] : [])];
  const lines = [header.join(',')];
  const barcodes: string[] = [];
  let rows = 0;
  let products = 0;
  for (let i = 0; rows < variants; i++) {
    products++;
    const name = `${BRANDS[i % BRANDS.length]} ${MATERIALS[Math.floor(i / 10) % MATERIALS.length]} ${TYPES[Math.floor(i / 100) % TYPES.length]} ${i + 1}`;
    const [sizes, colors] = SHAPES[i % SHAPES.length]!;
    const combos: [string, string][] = sizes === 0 ? [['', '']] : SIZES.slice(0, sizes).flatMap((s) => (colors > 1 ? COLORS.slice(0, colors).map((c): [string, string] => [s, c]) : [[s, ''] as [string, string]]));
    const price = 999 + (i % 50) * 100;
    for (const [k, [size, color]] of combos.entries()) {
      if (rows >= variants) break;
      const body = `20${String(rows).padStart(10, '0')}`;
      const code = `${body}${gtinCheckDigit(body)}`;
      barcodes.push(code);
      lines.push(
        [
          `p${i}`,
          cell(name),
          i % 5 === 0 ? cell(`${name}, made to last`) : '',
          CATEGORIES[i % CATEGORIES.length]!,
          size ? 'Size' : '',
          size,
          color ? 'Color' : '',
          color,
          `P${String(i).padStart(6, '0')}-${k}`,
          code,
          money(price),
          `${Math.floor(price / 250)}.00`,
          ...(stock ? [String((i * 7 + k) % 40)] : []),
        ].join(','),
      );
      rows++;
    }
  }
  return { csv: `${lines.join('\r\n')}\r\n`, barcodes, rows, products };
}
