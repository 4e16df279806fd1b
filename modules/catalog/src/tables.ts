import type { Generated, Kysely, Transaction } from 'kysely';

type Status = 'active' | 'archived';

export interface SettingsRow { tenant_id: string; currency: string | null; prices_include_tax: Generated<boolean>; version: Generated<number>; updated_at: Generated<Date> }
export interface CategoryRow { tenant_id: string; id: string; parent_id: string | null; name: string; position: Generated<number>; version: Generated<number>; created_at: Generated<Date>; updated_at: Generated<Date> }
export interface TaxCodeRow { tenant_id: string; id: string; name: string; description: string | null; version: Generated<number>; created_at: Generated<Date>; updated_at: Generated<Date> }
export interface TaxRateRow { tenant_id: string; id: string; tax_code_id: string; store_id: string; name: string; rate_ppm: number; position: Generated<number>; created_at: Generated<Date>; updated_at: Generated<Date> }
export interface ProductRow {
  tenant_id: string;
  id: string;
  name: string;
  description: string | null;
  category_id: string | null;
  tax_code_id: string | null;
  image_urls: string[];
  status: Generated<Status>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export interface ProductOptionRow { tenant_id: string; product_id: string; position: number; name: string; values: string[] }
export interface VariantRow {
  tenant_id: string;
  id: string;
  product_id: string;
  sku: string;
  sku_lc: Generated<string>;
  option_values: string[];
  position: number;
  cost_amount: number | null;
  cost_currency: string | null;
  track_serials: boolean;
  status: Generated<Status>;
  ever_sold: Generated<boolean>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export interface BarcodeRow { tenant_id: string; lookup_key: string; code: string; type: 'upca' | 'ean13' | 'ean8' | 'internal'; variant_id: string; position: number; created_at: Generated<Date> }
export interface PriceVersionRow {
  tenant_id: string;
  id: string;
  variant_id: string;
  store_id: string | null;
  amount: number;
  currency: string;
  valid_from: Date;
  valid_to: Date | null;
  created_by: string | null;
  created_at: Generated<Date>;
}
export interface SearchTermRow { tenant_id: string; product_id: string; term: string; sort_name: string }
export interface SearchWordRow { tenant_id: string; word: string }
export interface ChangeRow {
  tenant_id: string;
  kx: number;
  seq: Generated<number>;
  entity: string;
  entity_id: string;
  action: string;
  op: 'upsert' | 'delete';
  data: unknown;
  changed_at: Generated<Date>;
}

export interface CatalogTables {
  'catalog.settings': SettingsRow;
  'catalog.categories': CategoryRow;
  'catalog.tax_codes': TaxCodeRow;
  'catalog.tax_rates': TaxRateRow;
  'catalog.products': ProductRow;
  'catalog.product_options': ProductOptionRow;
  'catalog.variants': VariantRow;
  'catalog.barcodes': BarcodeRow;
  'catalog.price_versions': PriceVersionRow;
  'catalog.search_terms': SearchTermRow;
  'catalog.search_words': SearchWordRow;
  'catalog.changes': ChangeRow;
}

export type CatDb = Kysely<CatalogTables>;
export type CatTrx = Transaction<CatalogTables>;
