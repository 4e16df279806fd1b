// Calls to the catalog module. Shapes come from its contract as types only: no zod in the bundle.
import type { z } from 'zod';
import type {
  CategoryCreate,
  CategoryDto,
  CategoryUpdate,
  PriceVersionDto,
  ProductCreate,
  ProductDto,
  ProductUpdate,
  SettingsDto,
  TaxCodeCreate,
  TaxCodeDto,
  TaxCodeUpdate,
  TaxRateCreate,
  TaxRateDto,
  TaxRateUpdate,
  VariantCreate,
  VariantDto,
  VariantUpdate,
} from '@novapos/catalog/contract';
import { authedCalls } from '../../api/authed-calls';
import { query, type Page } from '../../api/client';
import { sessionAuth } from '../../auth/session';

export type { CategoryDto as Category, PriceVersionDto as PriceVersion, ProductDto as Product, SettingsDto as CatalogSettings, TaxCodeDto as TaxCode, TaxRateDto as TaxRate, VariantDto as Variant };
export type Money = { amount: number; currency: string };
export type ProductInput = z.input<typeof ProductCreate>;
export type ProductPatch = z.input<typeof ProductUpdate>;
export type VariantInput = z.input<typeof VariantCreate>;
export type VariantPatch = z.input<typeof VariantUpdate>;
export type BarcodeInput = NonNullable<VariantInput['barcodes']>[number];
export type ProductFilters = { q?: string; category_id?: string; status?: 'active' | 'archived'; limit?: number; cursor?: string | null };

const { get, post, put, patch, del } = authedCalls(sessionAuth);
const id = encodeURIComponent;

export const catalogApi = {
  listProducts: (f: ProductFilters) => get<Page<ProductDto>>(`/products${query({ limit: 25, ...f })}`),
  productsByBarcode: (barcode: string) => get<Page<ProductDto>>(`/products${query({ barcode, limit: 5 })}`),
  getProduct: (productId: string) => get<ProductDto>(`/products/${id(productId)}`),
  createProduct: (body: ProductInput, key: string) => post<ProductDto>('/products', body, key),
  updateProduct: (productId: string, body: ProductPatch) => patch<ProductDto>(`/products/${id(productId)}`, body),
  addVariant: (productId: string, body: VariantInput, key: string) => post<VariantDto>(`/products/${id(productId)}/variants`, body, key),

  getVariant: (variantId: string) => get<VariantDto>(`/variants/${id(variantId)}`),
  updateVariant: (variantId: string, body: VariantPatch) => patch<VariantDto>(`/variants/${id(variantId)}`, body),
  deleteVariant: (variantId: string) => del(`/variants/${id(variantId)}`),
  archiveVariant: (variantId: string) => post<VariantDto>(`/variants/${id(variantId)}/archive`, {}),
  restoreVariant: (variantId: string) => post<VariantDto>(`/variants/${id(variantId)}/restore`, {}),
  setStorePrice: (variantId: string, storeId: string, price: Money) => put<VariantDto>(`/variants/${id(variantId)}/prices/${id(storeId)}`, { price }),
  removeStorePrice: (variantId: string, storeId: string) => del(`/variants/${id(variantId)}/prices/${id(storeId)}`),
  priceHistory: (variantId: string) => get<{ data: PriceVersionDto[] }>(`/variants/${id(variantId)}/prices`),

  listCategories: () => get<{ data: CategoryDto[] }>('/categories'),
  createCategory: (body: z.input<typeof CategoryCreate>, key: string) => post<CategoryDto>('/categories', body, key),
  updateCategory: (categoryId: string, body: z.input<typeof CategoryUpdate>) => patch<CategoryDto>(`/categories/${id(categoryId)}`, body),
  deleteCategory: (categoryId: string) => del(`/categories/${id(categoryId)}`),

  listTaxCodes: () => get<{ data: TaxCodeDto[] }>('/tax-codes'),
  createTaxCode: (body: z.input<typeof TaxCodeCreate>, key: string) => post<TaxCodeDto>('/tax-codes', body, key),
  updateTaxCode: (taxCodeId: string, body: z.input<typeof TaxCodeUpdate>) => patch<TaxCodeDto>(`/tax-codes/${id(taxCodeId)}`, body),
  deleteTaxCode: (taxCodeId: string) => del(`/tax-codes/${id(taxCodeId)}`),
  addTaxRate: (taxCodeId: string, body: z.input<typeof TaxRateCreate>, key: string) => post<TaxCodeDto>(`/tax-codes/${id(taxCodeId)}/rates`, body, key),
  updateTaxRate: (rateId: string, body: z.input<typeof TaxRateUpdate>) => patch<TaxRateDto>(`/tax-rates/${id(rateId)}`, body),
  deleteTaxRate: (rateId: string) => del(`/tax-rates/${id(rateId)}`),

  getSettings: () => get<SettingsDto>('/catalog/settings'),
  updateSettings: (body: { prices_include_tax: boolean }) => patch<SettingsDto>('/catalog/settings', body),
};
