// The drawer screens in the till: open a session with a float, paid in / paid out with a reason,
// an X report, and the close with a count by denomination. Registered actions like the rest.
import type { Action, KeyLike, TillState } from '../actions/types';
import type { DenominationCount } from '../tender/tender-math';
import { initialDrawer, type DrawerState, type DrawerView } from './drawer-state';

export type { DrawerState } from './drawer-state';

export type DrawerEffect =
  | { kind: 'drawer-load' }
  | { kind: 'drawer-open'; float: number }
  | { kind: 'drawer-movement'; movement: 'paid_in' | 'paid_out'; amount: number; reason: string }
  | { kind: 'drawer-report' }
  | { kind: 'drawer-close'; counted: DenominationCount[]; note: string };

const plain = (e: KeyLike) => !e.ctrlKey && !e.altKey && !e.metaKey && !e.shiftKey;
const fkey = (name: string) => (e: KeyLike) => plain(e) && e.key === name;
const inDrawer = (s: TillState) => s.mode === 'drawer' && !s.dialog && !s.drawer.busy;
const withDrawer = (s: TillState, patch: Partial<DrawerState>): TillState => ({ ...s, drawer: { ...s.drawer, ...patch } });

export const openDrawerScreen: Action = {
  id: 'drawer',
  label: 'Drawer',
  shortcut: 'F10',
  predicate: (s) => s.mode === 'sell' && !s.dialog && !s.finishing && s.cart.lines.length === 0,
  perform: (s) => ({ state: { ...s, mode: 'drawer', notice: null, drawer: { ...initialDrawer, closed: null } }, effect: { kind: 'drawer-load' } }),
  keyTest: fkey('F10'),
};

export const leaveDrawer: Action = {
  id: 'leave-drawer',
  label: 'Back to selling',
  shortcut: 'Esc',
  predicate: (s) => inDrawer(s),
  perform: (s) =>
    s.drawer.view === 'status' ? { state: { ...s, mode: 'sell', drawer: initialDrawer } } : { state: withDrawer(s, { view: 'status', error: null }) },
  keyTest: (e) => plain(e) && e.key === 'Escape',
};

const view = (v: DrawerView, label: string, key: string, needsSession: boolean, effect?: 'drawer-report'): Action => ({
  id: `drawer-${v}`,
  label,
  shortcut: key,
  predicate: (s) => inDrawer(s) && s.drawer.loaded && !!s.drawer.session === needsSession,
  perform: (s) => ({ state: withDrawer(s, { view: v, error: null, info: null }), ...(effect ? { effect: { kind: effect } } : {}) }),
  keyTest: fkey(key),
});

export const drawerOpenView = view('open', 'Open drawer', 'F1', false);
export const drawerPaidInView = view('paid_in', 'Paid in', 'F2', true);
export const drawerPaidOutView = view('paid_out', 'Paid out', 'F3', true);
export const drawerReportView = view('report', 'X report', 'F4', true, 'drawer-report');
export const drawerCloseView = view('close', 'Close drawer', 'F5', true);

export const openDrawer: Action<number> = {
  id: 'open-drawer',
  label: 'Open with this float',
  shortcut: 'Enter',
  predicate: (s, _c, float) => inDrawer(s) && s.drawer.view === 'open' && Number.isSafeInteger(float) && float >= 0,
  perform: (s, _c, float) => ({ state: withDrawer(s, { busy: 'Opening the drawer…', error: null }), effect: { kind: 'drawer-open', float } }),
};

export const cashMovement: Action<{ amount: number; reason: string }> = {
  id: 'cash-movement',
  label: 'Record',
  shortcut: 'Enter',
  predicate: (s, _c, m) => inDrawer(s) && (s.drawer.view === 'paid_in' || s.drawer.view === 'paid_out') && !!m && m.amount > 0 && m.reason.trim().length > 0,
  perform: (s, _c, m) => ({
    state: withDrawer(s, { busy: 'Recording…', error: null }),
    effect: { kind: 'drawer-movement', movement: s.drawer.view === 'paid_in' ? 'paid_in' : 'paid_out', amount: m.amount, reason: m.reason.trim() },
  }),
};

export const closeDrawer: Action<{ counted: DenominationCount[]; note: string }> = {
  id: 'close-drawer',
  label: 'Close the drawer with this count',
  shortcut: 'Enter',
  predicate: (s, _c, a) => inDrawer(s) && s.drawer.view === 'close' && !!a && a.counted.length > 0,
  perform: (s, _c, a) => ({ state: withDrawer(s, { busy: 'Closing the drawer…', error: null }), effect: { kind: 'drawer-close', counted: a.counted, note: a.note } }),
};
