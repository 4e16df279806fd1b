// The drawer session calls (/registers/:id/session…) with the cashier's token.
import type { CashMovementDto, CloseWarning, SessionDto, SessionReportDto } from '@novapos/sales/contract';
import { uuidv7 } from 'uuidv7';
import { ApiError, request, type AuthSource } from '../../api/client';
import { queueSummary } from '../../sync/sale-queue';
import type { TillContext, TillState } from '../actions/types';
import { tillDb } from '../db/till-db';
import { countedTotal } from '../tender/tender-math';
import type { DrawerEffect } from './drawer-actions';
import type { DrawerState } from './drawer-state';

export function createDrawerApi(auth: AuthSource, registerId: string) {
  const base = `/registers/${encodeURIComponent(registerId)}/session`;
  const post = <T>(path: string, body: unknown) => request<T>({ method: 'POST', path, body, idempotencyKey: uuidv7(), auth });
  return {
    async current(): Promise<SessionDto | null> {
      try {
        return await request<SessionDto>({ method: 'GET', path: base, auth });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'no_open_session') return null;
        throw err;
      }
    },
    open: (amount: number, currency: string) => post<SessionDto>(base, { opening_float: { amount, currency } }),
    movement: (kind: 'paid_in' | 'paid_out', amount: number, currency: string, reason: string) =>
      post<{ movement: CashMovementDto; session: SessionDto }>(`${base}/cash-movements`, { kind, amount: { amount, currency }, reason }),
    report: (sessionId: string) => request<SessionReportDto>({ method: 'GET', path: `/sessions/${encodeURIComponent(sessionId)}/report`, auth }),
    close: (body: unknown) => post<{ session: SessionDto; report: SessionReportDto; warnings: CloseWarning[] }>(`${base}/close`, body),
  };
}

export interface DrawerEnv {
  state(): TillState;
  ctx(): TillContext;
  update(fn: (s: TillState) => TillState): void;
  api: ReturnType<typeof createDrawerApi>;
}

const message = (err: unknown) => (err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : err instanceof Error ? err.message : String(err));

export async function carryOutDrawer(effect: DrawerEffect, env: DrawerEnv): Promise<void> {
  const set = (patch: Partial<DrawerState>) => env.update((s) => (s.mode === 'drawer' ? { ...s, drawer: { ...s.drawer, ...patch } } : s));
  const currency = env.ctx().currency;
  try {
    switch (effect.kind) {
      case 'drawer-load':
        set({ busy: 'Loading the drawer…' });
        set({ session: await env.api.current(), loaded: true, busy: null });
        return;
      case 'drawer-open': {
        const session = await env.api.open(effect.float, currency);
        set({ session, busy: null, view: 'status', info: 'The drawer is open.' });
        return;
      }
      case 'drawer-movement': {
        const r = await env.api.movement(effect.movement, effect.amount, currency, effect.reason);
        set({ session: r.session, busy: null, view: 'status', info: effect.movement === 'paid_in' ? 'Paid in recorded.' : 'Paid out recorded.' });
        return;
      }
      case 'drawer-report': {
        const s = env.state().drawer.session;
        if (!s) return;
        set({ busy: 'Loading the X report…' });
        set({ report: await env.api.report(s.id), busy: null });
        return;
      }
      case 'drawer-close': {
        // sales still on this till are part of the drawer's cash: the server warns with their number
        const queued = (await queueSummary(tillDb())).queued;
        const counted = effect.counted.filter((c) => c.count > 0);
        const body = {
          ...(counted.length ? { counted } : { counted_total: { amount: countedTotal(counted), currency } }),
          ...(queued ? { unsynced_sales: queued } : {}),
          ...(effect.note.trim() ? { note: effect.note.trim() } : {}),
        };
        const r = await env.api.close(body);
        set({ session: null, busy: null, view: 'status', closed: { report: r.report, warnings: r.warnings }, info: 'The drawer is closed.' });
        return;
      }
    }
  } catch (err) {
    set({ busy: null, error: message(err) });
  }
}
