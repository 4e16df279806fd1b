import { z } from 'zod';
import { defineRoute, notFound, pageOf, serviceCtx, tenantTx, type AnyRouteDef, type Kernel } from '@novapos/platform';
import {
  CashMovementCreate,
  CashMovementDto,
  Id,
  LastNumberDto,
  OrderCreate,
  OrderDto,
  OrdersQuery,
  OrderUpdate,
  ParkBody,
  ReviewBody,
  SessionClose,
  SessionCloseResult,
  SessionDto,
  SessionOpen,
  SessionReportDto,
  SessionsQuery,
  SettingsDto,
  SettingsUpdate,
  TransitionDto,
} from './contract.ts';
import * as drawer from './drawer.service.ts';
import * as orders from './orders.service.ts';
import type { SalesDeps } from './orders.service.ts';
import { negotiate, printReceipt } from './receipt.service.ts';
import { transitionsOf } from './sales.repository.ts';

const IdParams = z.object({ id: Id });
const tags = ['sales'];
const drawerTags = ['drawer'];

/** Order and drawer routes. POST /checkout, /orders/:id/payments and /orders/:id/void belong to flows/checkout. */
export function salesRoutes(kernel: Kernel, deps: SalesDeps, extra: AnyRouteDef[] = []): AnyRouteDef[] {
  return [
    // ------------------------------------------------------------ orders
    defineRoute({
      method: 'GET', url: '/api/v1/registers/:id/last-number', summary: "The register's highest order number (a till seeds its counter from it when paired)", tags,
      permission: 'sales.sell', params: IdParams, response: LastNumberDto,
      handler: async (ctx, { params }) => orders.lastNumber(ctx, deps, params.id),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/orders', summary: 'Create a priced open order (the client may mint its id; a resend returns it)', tags,
      permission: 'sales.sell', body: OrderCreate, response: OrderDto,
      handler: async (ctx, { body }) => orders.createOrder(ctx, deps, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/orders', summary: 'Orders, newest first', tags,
      permission: 'sales.read', query: OrdersQuery, response: pageOf(OrderDto),
      handler: async (ctx, { query }) => orders.listOrders(ctx, query),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/orders/:id', summary: 'An order with its lines and payments', tags,
      permission: 'sales.read', params: IdParams, response: OrderDto,
      handler: async (ctx, { params }) => {
        const o = await orders.loadOrder(ctx, params.id);
        if (!o) throw notFound('Order');
        return o;
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/orders/:id/transitions', summary: "An order's history: every change of state with who and when", tags,
      permission: 'sales.read', params: IdParams, response: z.object({ data: z.array(TransitionDto) }),
      handler: async (ctx, { params }) => {
        await orders.requireOrder(ctx, params.id);
        return { data: await transitionsOf(ctx, params.id) };
      },
    }),
    defineRoute({
      method: 'PATCH', url: '/api/v1/orders/:id', summary: 'Replace the lines and discounts (re-priced), customer or note of an open order without payments', tags,
      permission: 'sales.sell', params: IdParams, body: OrderUpdate, response: OrderDto,
      handler: async (ctx, { params, body }) => orders.updateOrder(ctx, deps, params.id, body),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/orders/:id/park', summary: 'Park an open sale to resume it later', tags,
      permission: 'sales.sell', params: IdParams, body: ParkBody, status: 200, response: OrderDto,
      handler: async (ctx, { params, body }) => orders.parkOrder(ctx, params.id, body?.reason ?? null),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/orders/:id/resume', summary: 'Resume a parked sale', tags,
      permission: 'sales.sell', params: IdParams, status: 200, response: OrderDto,
      handler: async (ctx, { params }) => orders.resumeOrder(ctx, params.id),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/orders/:id/review', summary: 'Clear the price-review flag of an offline sale, with a note', tags,
      permission: 'sales.price_review', params: IdParams, body: ReviewBody, status: 200, response: OrderDto,
      handler: async (ctx, { params, body }) => orders.reviewOrder(ctx, params.id, body.note),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/orders/:id/receipt',
      summary: 'The receipt by Accept: application/json, text/html (80 mm), text/plain (?width=42|48), application/vnd.escpos. Each print is counted; later ones are marked copy N (?count=false previews)',
      tags, permission: 'sales.read', params: IdParams, status: 200,
      query: z.object({ width: z.enum(['42', '48']).default('42'), count: z.enum(['true', 'false']).default('true') }),
      // the body is text or bytes, not JSON: the route opens its own transaction
      transaction: 'none',
      handler: async (ctx, { params, query, req, reply }) => {
        const format = negotiate(req.headers.accept, query.width === '48' ? 48 : 42);
        const out = await tenantTx(kernel.database.db, ctx.tenantId, (trx) =>
          printReceipt(serviceCtx({ trx, tenantId: ctx.tenantId, actor: ctx.actor, clock: ctx.clock, log: ctx.log, requestId: ctx.requestId }), deps, params.id, format, query.count === 'true'),
        );
        void reply.type(out.contentType).header('vary', 'Accept');
        return (typeof out.body === 'string' ? out.body : Buffer.from(out.body)) as never;
      },
    }),
    ...extra,

    // ------------------------------------------------------------ settings
    defineRoute({
      method: 'GET', url: '/api/v1/sales/settings', summary: 'Discount limit and cash rounding (the till reads them too)', tags,
      permission: 'sales.read', response: SettingsDto,
      handler: async (ctx) => orders.getSettings(ctx, deps),
    }),
    defineRoute({
      method: 'PATCH', url: '/api/v1/sales/settings', summary: 'Set the cashier discount limit and cash rounding', tags,
      permission: 'sales.settings', body: SettingsUpdate, response: SettingsDto,
      handler: async (ctx, { body }) => orders.updateSettings(ctx, deps, body),
    }),

    // ------------------------------------------------------------ drawer sessions
    defineRoute({
      method: 'POST', url: '/api/v1/registers/:id/session', summary: 'Open a drawer session with a counted float', tags: drawerTags,
      permission: 'drawer.use', params: IdParams, body: SessionOpen, response: SessionDto,
      handler: async (ctx, { params, body }) => drawer.openSession(ctx, deps, params.id, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/registers/:id/session', summary: 'The open drawer session of a register, with its expected cash', tags: drawerTags,
      permission: 'drawer.use', params: IdParams, response: SessionDto,
      handler: async (ctx, { params }) => drawer.currentSession(ctx, deps, params.id),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/registers/:id/session/cash-movements', summary: 'Paid in or paid out, with a reason', tags: drawerTags,
      permission: 'drawer.use', params: IdParams, body: CashMovementCreate, response: z.object({ movement: CashMovementDto, session: SessionDto }),
      handler: async (ctx, { params, body }) => drawer.cashMovement(ctx, deps, params.id, body),
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/registers/:id/session/close', summary: 'Close the drawer with the count: variance and Z report', tags: drawerTags,
      permission: 'drawer.use', params: IdParams, body: SessionClose, status: 200, response: SessionCloseResult,
      handler: async (ctx, { params, body }) => drawer.closeSession(ctx, deps, params.id, body),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/sessions', summary: 'Drawer sessions, newest first', tags: drawerTags,
      permission: 'drawer.use', query: SessionsQuery, response: pageOf(SessionDto),
      handler: async (ctx, { query }) => drawer.listSessions(ctx, query),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/sessions/:id/report', summary: 'X report of an open session, Z report of a closed one', tags: drawerTags,
      permission: 'drawer.use', params: IdParams, response: SessionReportDto,
      handler: async (ctx, { params }) => drawer.sessionReport(ctx, deps, params.id),
    }),
  ] as AnyRouteDef[];
}
