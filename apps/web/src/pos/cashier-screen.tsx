import type { CashierSession } from './pos-app';
import type { Pairing } from './pairing-store';
import { SellingScreen } from './selling/selling-screen';
import type { TillServices } from './till-services';

/** What a signed-in cashier sees: the selling screen. */
export function CashierScreen({ cashier, pairing, services, onSwitch }: { cashier: CashierSession; pairing: Pairing; services: TillServices | null; onSwitch: () => void }) {
  return <SellingScreen cashier={cashier} pairing={pairing} services={services} onSwitch={onSwitch} />;
}
