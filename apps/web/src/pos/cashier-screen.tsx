import type { CashierSession } from './pos-app';
import type { Pairing } from './pairing-store';
import { RefusedSalesScreen } from './manager/refused-sales-screen';
import { closeRefusedSales, useRefusedView } from './manager/refused-view';
import { SellingScreen } from './selling/selling-screen';
import type { TillServices } from './till-services';

/** What a signed-in cashier sees: the selling screen, or the refused sales when opened. */
export function CashierScreen({ cashier, pairing, services, onSwitch }: { cashier: CashierSession; pairing: Pairing; services: TillServices | null; onSwitch: () => void }) {
  const refused = useRefusedView();
  if (refused) {
    return <RefusedSalesScreen who={cashier.user} services={services} onClose={closeRefusedSales} onSwitch={onSwitch} />;
  }
  return <SellingScreen cashier={cashier} pairing={pairing} services={services} onSwitch={onSwitch} />;
}
