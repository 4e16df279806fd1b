// The drawer screens' part of the till state.
import type { CloseWarning, SessionDto, SessionReportDto } from '@novapos/sales/contract';

export type DrawerView = 'status' | 'open' | 'paid_in' | 'paid_out' | 'report' | 'close';

export interface DrawerState {
  view: DrawerView;
  /** the open session; null when none is open (or not loaded yet) */
  session: SessionDto | null;
  loaded: boolean;
  busy: string | null;
  error: string | null;
  info: string | null;
  report: SessionReportDto | null;
  /** the last close: its Z report and the server's warnings */
  closed: { report: SessionReportDto; warnings: CloseWarning[] } | null;
}

export const initialDrawer: DrawerState = { view: 'status', session: null, loaded: false, busy: null, error: null, info: null, report: null, closed: null };

