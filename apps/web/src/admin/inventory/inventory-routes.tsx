import { Navigate, Route, Routes } from 'react-router-dom';
import { useAdmin } from '../admin-context';
import { CountPage } from './count.page';
import { CountsPage } from './counts.page';
import { MovementsPage } from './movements.page';
import { ReceiptNewPage } from './receipt-new.page';
import { ReceiptPage } from './receipt.page';
import { ReceiptsPage } from './receipts.page';
import { StockPage } from './stock.page';
import { TransferNewPage } from './transfer-new.page';
import { TransferPage } from './transfer.page';
import { TransfersPage } from './transfers.page';
import '../shared/catalog-inventory.css';

export default function InventoryRoutes() {
  const { can } = useAdmin();
  if (!can('inventory.read')) return <Navigate to="/admin" replace />;
  return (
    <Routes>
      <Route index element={<Navigate to="stock" replace />} />
      <Route path="stock" element={<StockPage />} />
      <Route path="stock/:variantId" element={<MovementsPage />} />
      <Route path="transfers" element={<TransfersPage />} />
      <Route path="transfers/new" element={<TransferNewPage />} />
      <Route path="transfers/:transferId" element={<TransferPage />} />
      <Route path="receiving" element={<ReceiptsPage />} />
      <Route path="receiving/new" element={<ReceiptNewPage />} />
      <Route path="receiving/:receiptId" element={<ReceiptPage />} />
      <Route path="counts" element={<CountsPage />} />
      <Route path="counts/:countId" element={<CountPage />} />
      <Route path="*" element={<Navigate to="stock" replace />} />
    </Routes>
  );
}
