import { z } from 'zod';
import { BARCODE_TYPES, checkBarcode } from '@novapos/domain';

/**
 * What other modules (inventory, sales) may know of a variant. Plain data; reached through
 * `CatalogModule.service`, never through catalog tables.
 */
export const VariantRef = z.object({
  id: z.string(),
  product_id: z.string(),
  sku: z.string(),
  /** product name plus option values, e.g. "Linen shirt / M / Blue" */
  name: z.string(),
  barcodes: z.array(z.string()),
  category_id: z.string().nullable(),
  /** option name → value, e.g. { Size: 'M', Color: 'Blue' } (empty without options) */
  options: z.record(z.string(), z.string()),
  track_serials: z.boolean(),
  status: z.enum(['active', 'archived']),
});
export type VariantRef = z.infer<typeof VariantRef>;

// ---------------------------------------------------------------- names and codes

export const CatalogEvents = {
  productCreated: 'catalog.product_created',
  productUpdated: 'catalog.product_updated',
  productArchived: 'catalog.product_archived',
  variantCreated: 'catalog.variant_created',
  variantUpdated: 'catalog.variant_updated',
  variantArchived: 'catalog.variant_archived',
  variantRestored: 'catalog.variant_restored',
  variantDeleted: 'catalog.variant_deleted',
  /** a base price or a store override changed (payload: old and new Money, null for none) */
  priceChanged: 'catalog.price_changed',
  taxRatesChanged: 'catalog.tax_rates_changed',
} as const;

/** Stable codes of expected failures (problem+json `code`). */
export const CatalogErrors = {
  duplicateSku: 'duplicate_sku',
  duplicateBarcode: 'duplicate_barcode',
  duplicateOptionValues: 'duplicate_option_values',
  currencyMismatch: 'currency_mismatch',
  variantSold: 'variant_sold',
  tooManyVariants: 'too_many_variants',
  unknownCategory: 'unknown_category',
  unknownTaxCode: 'unknown_tax_code',
  categoryCycle: 'category_cycle',
  categoryInUse: 'category_in_use',
  taxCodeInUse: 'tax_code_in_use',
  nameTaken: 'name_taken',
  optionValueInUse: 'option_value_in_use',
} as const;

export const MAX_VARIANTS_PER_PRODUCT = 1000;
export const MAX_OPTIONS = 5;

// ---------------------------------------------------------------- building blocks

export const Id = z.uuid('must be a UUID');
const Text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const OptionalText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).nullish();

export const Money = z.object({
  amount: z.number().int('must be integer minor units').min(0, 'must not be negative').max(1e13, 'is too large'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO 4217 code such as USD'),
});
export type Money = z.infer<typeof Money>;

export const Sku = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be visible ASCII characters without spaces');

/** A barcode: a UPC-A, EAN-13 or EAN-8 string (check digit validated), or `{ code, type }`. */
export const BarcodeInput = z
  .union([z.string(), z.object({ code: z.string(), type: z.enum(BARCODE_TYPES).optional() })])
  .transform((v, ctx) => {
    const { code, type } = typeof v === 'string' ? { code: v, type: undefined } : v;
    const checked = checkBarcode(code, type);
    if (!checked.ok) {
      ctx.addIssue({ code: 'custom', message: checked.message, path: typeof v === 'string' ? [] : ['code'] });
      return z.NEVER;
    }
    return { code: checked.code, type: checked.type, key: checked.key };
  });
export type BarcodeInput = z.output<typeof BarcodeInput>;

const OptionValue = Text(60);
export const ProductOption = z.object({
  name: Text(60),
  values: z
    .array(OptionValue)
    .min(1, 'must have at least one value')
    .max(100, 'must have at most 100 values')
    .refine((vs) => new Set(vs.map((v) => v.toLowerCase())).size === vs.length, 'must not repeat a value'),
});

const ImageUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000);

export const VariantCreate = z.object({
  sku: Sku,
  /** one barcode (design shape); `barcodes` for several */
  barcode: BarcodeInput.optional(),
  barcodes: z.array(BarcodeInput).max(20).optional(),
  price: Money,
  cost: Money.nullish(),
  option_values: z.array(OptionValue).max(MAX_OPTIONS).optional(),
  track_serials: z.boolean().optional(),
});
export type VariantCreate = z.output<typeof VariantCreate>;

export const ProductCreate = z.object({
  name: Text(200),
  description: OptionalText(5000),
  /** category id (`category_id` is accepted too) */
  category: Id.nullish(),
  category_id: Id.nullish(),
  tax_code: Id.nullish(),
  tax_code_id: Id.nullish(),
  image_urls: z.array(ImageUrl).max(20).optional(),
  options: z
    .array(ProductOption)
    .max(MAX_OPTIONS, `must have at most ${MAX_OPTIONS} options`)
    .refine((os) => new Set(os.map((o) => o.name.toLowerCase())).size === os.length, 'must not repeat an option name')
    .optional(),
  /** the option grid as the client pruned it, one entry per variant to create */
  variants: z.array(VariantCreate).min(1, 'must have at least one variant').max(MAX_VARIANTS_PER_PRODUCT, `must have at most ${MAX_VARIANTS_PER_PRODUCT} variants`),
});
export type ProductCreate = z.output<typeof ProductCreate>;

const atLeastOne = (v: object) => Object.values(v).some((x) => x !== undefined);

export const ProductUpdate = z
  .object({
    name: Text(200).optional(),
    description: OptionalText(5000),
    category: Id.nullish(),
    category_id: Id.nullish(),
    tax_code: Id.nullish(),
    tax_code_id: Id.nullish(),
    image_urls: z.array(ImageUrl).max(20).optional(),
    /** the same options, renamed or with values added or reordered; values in use must stay */
    options: z.array(ProductOption).max(MAX_OPTIONS).optional(),
    /** archived archives every variant too; active brings the product back (not its variants) */
    status: z.enum(['active', 'archived']).optional(),
  })
  .refine(atLeastOne, 'send at least one field to change');
export type ProductUpdate = z.output<typeof ProductUpdate>;

export const VariantUpdate = z
  .object({
    sku: Sku.optional(),
    /** replaces the variant's barcodes */
    barcodes: z.array(BarcodeInput).max(20).optional(),
    /** a new base price: closes the current price version and opens a new one */
    price: Money.optional(),
    cost: Money.nullish(),
    option_values: z.array(OptionValue).max(MAX_OPTIONS).optional(),
    track_serials: z.boolean().optional(),
  })
  .refine(atLeastOne, 'send at least one field to change');
export type VariantUpdate = z.output<typeof VariantUpdate>;

export const StorePriceSet = z.object({ price: Money });

export const CategoryCreate = z.object({ name: Text(120), parent_id: Id.nullish(), position: z.number().int().min(0).max(1_000_000).optional() });
export const CategoryUpdate = z
  .object({ name: Text(120).optional(), parent_id: Id.nullish(), position: z.number().int().min(0).max(1_000_000).optional() })
  .refine(atLeastOne, 'send at least one field to change');

export const TaxRateCreate = z.object({
  store_id: Id,
  name: Text(80),
  /** parts per million of the taxable amount: 88750 = 8.875 % */
  rate_ppm: z.number().int('must be a whole number of parts per million').min(0).max(1_000_000, 'must be at most 1000000 (100 %)'),
});
export const TaxRateUpdate = z
  .object({ name: Text(80).optional(), rate_ppm: TaxRateCreate.shape.rate_ppm.optional() })
  .refine(atLeastOne, 'send at least one field to change');
export const TaxCodeCreate = z.object({ name: Text(80), description: OptionalText(500), rates: z.array(TaxRateCreate).max(200).optional() });
export const TaxCodeUpdate = z.object({ name: Text(80).optional(), description: OptionalText(500) }).refine(atLeastOne, 'send at least one field to change');

export const SettingsUpdate = z.object({ prices_include_tax: z.boolean() });

// ---------------------------------------------------------------- queries

export const ProductQuery = z.object({
  q: z.string().trim().max(200).optional(),
  barcode: z.string().trim().min(1).max(64).optional(),
  category_id: Id.optional(),
  status: z.enum(['active', 'archived']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});
export type ProductQuery = z.output<typeof ProductQuery>;

export const PriceQuery = z.object({ store_id: Id.optional(), at: z.iso.datetime({ offset: true }).optional() });

export const ChangesQuery = z.object({
  cursor: z.string().max(200).optional(),
  /** a till's first download takes pages of thousands: fewer round trips */
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

// ---------------------------------------------------------------- responses

const MoneyDto = z.object({ amount: z.number().int(), currency: z.string() });

export const BarcodeDto = z.object({ code: z.string(), type: z.enum(BARCODE_TYPES) });

export const VariantDto = z
  .object({
    id: z.string(),
    product_id: z.string(),
    sku: z.string(),
    /** option values joined: "M / Blue" (empty for a product without options) */
    title: z.string(),
    option_values: z.array(z.string()),
    barcodes: z.array(BarcodeDto),
    /** the base price now */
    price: MoneyDto.nullable(),
    /** per-store overrides in force now */
    store_prices: z.array(z.object({ store_id: z.string(), price: MoneyDto })),
    cost: MoneyDto.nullable(),
    track_serials: z.boolean(),
    status: z.enum(['active', 'archived']),
    ever_sold: z.boolean(),
    position: z.number().int(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Variant' });
export type VariantDto = z.infer<typeof VariantDto>;

export const ProductDto = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    category_id: z.string().nullable(),
    tax_code_id: z.string().nullable(),
    image_urls: z.array(z.string()),
    status: z.enum(['active', 'archived']),
    options: z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
    variants: z.array(VariantDto),
  })
  .meta({ id: 'Product' });
export type ProductDto = z.infer<typeof ProductDto>;

export const PriceVersionDto = z
  .object({ id: z.string(), variant_id: z.string(), store_id: z.string().nullable(), price: MoneyDto, valid_from: z.string(), valid_to: z.string().nullable() })
  .meta({ id: 'PriceVersion' });
export type PriceVersionDto = z.infer<typeof PriceVersionDto>;

export const PriceAtDto = z.object({
  variant_id: z.string(),
  store_id: z.string().nullable(),
  at: z.string(),
  price: MoneyDto,
  /** 'store' when a store override was in force, 'base' otherwise */
  source: z.enum(['store', 'base']),
  valid_from: z.string(),
  valid_to: z.string().nullable(),
});
export type PriceAtDto = z.infer<typeof PriceAtDto>;

export const CategoryDto = z
  .object({ id: z.string(), parent_id: z.string().nullable(), name: z.string(), position: z.number().int(), version: z.number().int(), created_at: z.string(), updated_at: z.string() })
  .meta({ id: 'Category' });
export type CategoryDto = z.infer<typeof CategoryDto>;

export const TaxRateDto = z
  .object({ id: z.string(), tax_code_id: z.string(), store_id: z.string(), name: z.string(), rate_ppm: z.number().int() })
  .meta({ id: 'TaxRate' });
export type TaxRateDto = z.infer<typeof TaxRateDto>;

export const TaxCodeDto = z
  .object({ id: z.string(), name: z.string(), description: z.string().nullable(), rates: z.array(TaxRateDto), version: z.number().int(), created_at: z.string(), updated_at: z.string() })
  .meta({ id: 'TaxCode' });
export type TaxCodeDto = z.infer<typeof TaxCodeDto>;

export const SettingsDto = z.object({ currency: z.string().nullable(), prices_include_tax: z.boolean(), version: z.number().int() }).meta({ id: 'CatalogSettings' });
export type SettingsDto = z.infer<typeof SettingsDto>;

export const CHANGE_ENTITIES = ['product', 'variant', 'category', 'tax_code', 'settings'] as const;
export type ChangeEntity = (typeof CHANGE_ENTITIES)[number];

/**
 * One entry of the till's delta feed. `upsert` carries the entity as it was after the change
 * (product without variants; variant with barcodes and current prices; tax code with its rates);
 * `delete` carries no data. Apply in order.
 */
export const ChangeDto = z
  .object({
    seq: z.number().int(),
    entity: z.enum(CHANGE_ENTITIES),
    id: z.string(),
    action: z.string(),
    op: z.enum(['upsert', 'delete']),
    data: z.record(z.string(), z.unknown()).nullable(),
    changed_at: z.string(),
  })
  .meta({ id: 'CatalogChange' });
export type ChangeDto = z.infer<typeof ChangeDto>;

export const ChangesPage = z.object({
  data: z.array(ChangeDto),
  /** where to resume: always set, also when caught up */
  next_cursor: z.string(),
  /** more changes are ready now; poll again later otherwise */
  has_more: z.boolean(),
});

/** Pricing of variants in one store at one instant: what a sale needs. */
export interface VariantPricing {
  variant_id: string;
  price: Money | null;
  source: 'store' | 'base' | null;
  tax_code_id: string | null;
  rates: { id: string; name: string; rate_ppm: number }[];
}
