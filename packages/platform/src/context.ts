import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { Trx } from './db/database.ts';
import { emit as emitEvent } from './events/outbox.ts';

export type ActorKind = 'user' | 'api_key' | 'system' | 'anonymous';

/** Who is acting. Permissions are the named permissions of the actor's role. */
export interface Actor {
  kind: ActorKind;
  id: string | null;
  role: string | null;
  permissions: ReadonlySet<string>;
  storeIds: readonly string[] | null;
  /** Set when a cashier switched in with a PIN on a paired device. */
  registerId?: string | null;
}

/** The tenant and actor a credential speaks for, as the authenticator found it. */
export interface Principal {
  tenantId: string;
  actor: Actor;
}

/**
 * Context first: every service function takes `(ctx, input)`. The caller (a route or a flow) owns
 * the transaction in `ctx.trx`; repositories never open one.
 */
export interface Ctx {
  tenantId: string;
  actor: Actor;
  trx: Trx;
  requestId: string;
  clock: Clock;
  log: Logger;
  ip: string | null;
  /** Writes an event to the outbox in this transaction: it is delivered only if the transaction commits. */
  emit(type: string, payload: Record<string, unknown>): Promise<string>;
}

export const anonymous: Actor = { kind: 'anonymous', id: null, role: null, permissions: new Set(), storeIds: null };
export const systemActor: Actor = { kind: 'system', id: null, role: 'system', permissions: new Set(['*']), storeIds: null };

export function can(actor: Actor, permission: string): boolean {
  return actor.permissions.has(permission) || actor.permissions.has('*');
}

/** A context for work that does not come through HTTP (CLI, seeding, consumers). */
export function serviceCtx(opts: { trx: Trx; tenantId: string; actor: Actor; clock: Clock; log: Logger; requestId?: string }): Ctx {
  return {
    tenantId: opts.tenantId,
    actor: opts.actor,
    trx: opts.trx,
    requestId: opts.requestId ?? 'cli',
    clock: opts.clock,
    log: opts.log,
    ip: null,
    emit: (type, payload) => emitEvent(opts.trx, { tenantId: opts.tenantId, type, payload }),
  };
}
