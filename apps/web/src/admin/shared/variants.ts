// A variant as the back office pickers and line tables show it: product name, options, SKU.
import { useEffect, useState } from 'react';
import { catalogApi, type Money, type Product, type Variant } from '../catalog/catalog-api';

export type VariantInfo = {
  id: string;
  product_id: string;
  product_name: string;
  /** option values joined: "M / Blue" ('' without options) */
  title: string;
  sku: string;
  barcodes: Variant['barcodes'];
  price: Money | null;
  track_serials: boolean;
  status: Variant['status'];
};

export function variantInfo(p: Pick<Product, 'id' | 'name'>, v: Variant): VariantInfo {
  return {
    id: v.id,
    product_id: p.id,
    product_name: p.name,
    title: v.title,
    sku: v.sku,
    barcodes: v.barcodes,
    price: v.price,
    track_serials: v.track_serials,
    status: v.status,
  };
}

export const variantLabel = (v: Pick<VariantInfo, 'product_name' | 'title'>) => (v.title ? `${v.product_name} — ${v.title}` : v.product_name);

// Lines of transfers, receipts and the like carry only variant ids: look names up once per session.
const products = new Map<string, Promise<Product>>();
const variants = new Map<string, Promise<VariantInfo | null>>();

function productOnce(productId: string): Promise<Product> {
  let p = products.get(productId);
  if (!p) {
    p = catalogApi.getProduct(productId);
    products.set(productId, p);
    p.catch(() => products.delete(productId));
  }
  return p;
}

/** Seeds the cache with what a page already loaded (a product list, a search). */
export function rememberProduct(p: Product): void {
  products.set(p.id, Promise.resolve(p));
  for (const v of p.variants) variants.set(v.id, Promise.resolve(variantInfo(p, v)));
}

function variantOnce(variantId: string): Promise<VariantInfo | null> {
  let v = variants.get(variantId);
  if (!v) {
    v = catalogApi
      .getVariant(variantId)
      .then(async (variant) => variantInfo(await productOnce(variant.product_id), variant))
      .catch(() => {
        variants.delete(variantId);
        return null;
      });
    variants.set(variantId, v);
  }
  return v;
}

/** Names of variants by id; entries appear as they load (a missing one stays absent). */
export function useVariantInfo(ids: readonly string[]): Map<string, VariantInfo> {
  const [found, setFound] = useState<Map<string, VariantInfo>>(new Map());
  const key = [...new Set(ids)].toSorted().join(',');
  useEffect(() => {
    let live = true;
    const list = key ? key.split(',') : [];
    void Promise.all(list.map(variantOnce)).then((infos) => {
      if (!live) return;
      setFound(new Map(infos.filter((i): i is VariantInfo => !!i).map((i) => [i.id, i])));
    });
    return () => {
      live = false;
    };
  }, [key]);
  return found;
}
