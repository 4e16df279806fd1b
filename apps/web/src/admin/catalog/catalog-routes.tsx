import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { Loading } from '../../ui/status';
import { useAdmin } from '../admin-context';
import { CategoriesPage } from './categories.page';
import { ImportExportPage } from './import-export.page';
import { PricesPage } from './prices.page';
import { ProductEditPage } from './product-edit.page';
import { ProductNewPage } from './product-new.page';
import { ProductsPage } from './products.page';
import { TaxPage } from './tax.page';
import '../shared/catalog-inventory.css';

// The label sheet carries the barcode renderer, the largest library here: its own chunk.
const LabelsPage = lazy(() => import('./labels.page'));

export default function CatalogRoutes() {
  const { can } = useAdmin();
  if (!can('catalog.read')) return <Navigate to="/admin" replace />;
  return (
    <Routes>
      <Route index element={<Navigate to="products" replace />} />
      <Route path="products" element={<ProductsPage />} />
      <Route path="products/new" element={<ProductNewPage />} />
      <Route path="products/:productId" element={<ProductEditPage />} />
      <Route path="products/:productId/variants/:variantId/prices" element={<PricesPage />} />
      <Route path="categories" element={<CategoriesPage />} />
      <Route path="tax" element={<TaxPage />} />
      <Route
        path="labels"
        element={
          <Suspense fallback={<Loading label="Loading the label designer…" />}>
            <LabelsPage />
          </Suspense>
        }
      />
      <Route path="import-export" element={<ImportExportPage />} />
      <Route path="*" element={<Navigate to="products" replace />} />
    </Routes>
  );
}
