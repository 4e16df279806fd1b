import { useCallback, useMemo, useRef, useState } from 'react';
import type { AuthSource } from '../../api/client';
import { DrawerScreen } from '../drawer/drawer-screen';
import { ReceiptScreen } from '../receipt/receipt-screen';
import { CardDialog } from '../tender/card-dialog';
import { TenderScreen } from '../tender/tender-screen';
import { VoidSaleDialog } from '../tender/void-sale-dialog';
import { readCatalogSettings } from '../catalog/catalog-query';
import { catalogDb } from '../db/catalog-db';
import { tillDb } from '../db/till-db';
import type { Pairing } from '../pairing-store';
import type { CashierSession } from '../pos-app';
import { DEFAULT_SETTINGS, numberPrefix, readRegisterSettings, settingsKey } from '../register/register-settings';
import type { TillServices } from '../till-services';
import { useLiveQuery } from '../use-live-query';
import { CartPane } from './cart-pane';
import { CatalogPane } from './catalog-pane';
import { DiscountDialog } from './discount-dialog';
import { ParkedSalesDialog } from './parked-sales-dialog';
import { useTill } from './use-till';

// Mirrors identity's ROLE_PERMISSIONS: these roles hold sales.discount_override (no limit).
const OVERRIDE_ROLES = new Set(['owner', 'admin', 'manager']);

export function SellingScreen({ cashier, pairing, services, onSwitch }: { cashier: CashierSession; pairing: Pairing; services: TillServices | null; onSwitch: () => void }) {
  const catalogSettings = useLiveQuery(() => readCatalogSettings(catalogDb()), [], null);
  const register = useLiveQuery(
    () => tillDb().meta.get(settingsKey(pairing.register_id)).then(() => readRegisterSettings(tillDb(), pairing)),
    [pairing],
    DEFAULT_SETTINGS,
  );
  const [query, setQueryState] = useState('');
  const setQuery = useCallback((update: (q: string) => string) => setQueryState(update), []);
  const searchRef = useRef<HTMLInputElement>(null);

  // payments and the drawer go with the cashier's own PIN session (it has no refresh: it ends)
  const auth: AuthSource = useMemo(() => ({ accessToken: async () => cashier.access_token, renew: async () => null }), [cashier.access_token]);
  const maxDiscountBp = OVERRIDE_ROLES.has(cashier.user.role) ? 10_000 : register.cashier_max_discount_percent * 100;
  const till = useTill({
    pairing,
    cashier: { id: cashier.user.id, name: cashier.user.name },
    currency: catalogSettings?.currency ?? register.currency ?? 'USD',
    pricesIncludeTax: catalogSettings?.prices_include_tax ?? false,
    maxDiscountBp,
    numberPrefix: numberPrefix(register),
    services,
    searchRef,
    setQuery,
    onSwitch,
    auth,
  });

  return (
    <div className="till" data-mode={till.state.mode}>
      <div className="till__left">
        {till.state.notice && (
          <p className={`alert ${till.state.notice.tone === 'error' ? 'alert--error' : 'alert--success'} till-notice`} role={till.state.notice.tone === 'error' ? 'alert' : 'status'}>
            {till.state.notice.text}
            <button type="button" className="link-button" onClick={till.dismissNotice}>
              Dismiss
            </button>
          </p>
        )}
        {till.state.mode === 'sell' && <CatalogPane till={till} pairing={pairing} query={query} setQuery={(q) => setQueryState(q)} searchRef={searchRef} />}
        {till.state.mode === 'tender' && <TenderScreen till={till} />}
        {till.state.mode === 'receipt' && (till.state.receipt || till.state.lastSale) && <ReceiptScreen till={till} />}
        {till.state.mode === 'drawer' && <DrawerScreen till={till} />}
      </div>
      <CartPane till={till} heading={`${cashier.user.name} is signed in on ${pairing.register_name}`} />
      {(till.state.dialog?.kind === 'line-discount' || till.state.dialog?.kind === 'order-discount') && <DiscountDialog till={till} />}
      {till.state.dialog?.kind === 'parked' && <ParkedSalesDialog till={till} registerId={pairing.register_id} />}
      {till.state.dialog?.kind === 'void-sale' && <VoidSaleDialog till={till} />}
      {till.state.dialog?.kind === 'card' && <CardDialog till={till} />}
    </div>
  );
}
