import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { anonymous, can, type Actor, type Ctx, type Principal } from '../context.ts';
import { scopeToTenant, tenantTx, type Database, type Trx } from '../db/database.ts';
import { forbidden, unauthorized } from '../errors.ts';
import { emit } from '../events/outbox.ts';
import { NIL_TENANT } from '../ids.ts';
import { claimKey, requestHash, storeResponse, validateKey, type StagedKey } from './idempotency.ts';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

/** What routes need from the composition root. */
export interface Kernel {
  database: Database;
  clock: Clock;
  log: Logger;
  /** Reads the credential of a request; null when it carries none. Throws 401 for a bad one. */
  authenticate(req: FastifyRequest): Promise<Principal | null>;
  /** Re-reads the actor inside the request's transaction (deactivated users, changed roles). */
  refreshActor(trx: Trx, principal: Principal): Promise<Actor>;
}

type Schema = z.ZodType;
type In<T> = T extends Schema ? z.output<T> : undefined;
type Out<T> = T extends Schema ? z.input<T> : void;

export interface RouteInput<B, Q, P> {
  body: In<B>;
  query: In<Q>;
  params: In<P>;
  req: FastifyRequest;
  reply: FastifyReply;
  /**
   * The request's Idempotency-Key, for `transaction: 'none'` handlers that claim it themselves in
   * stages (claimStagedKey); null when the request carries none or the route is not idempotent.
   */
  idempotency: StagedKey | null;
}

export interface RouteDef<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, P extends Schema | undefined = undefined, R extends Schema | undefined = undefined> {
  method: Extract<HTTPMethods, 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>;
  url: string;
  summary: string;
  tags: string[];
  /** 'none' for signup, login and other calls made before there is a credential. */
  auth?: 'required' | 'none';
  /** Named permission the actor's role must grant; null = any signed-in actor. */
  permission: string | null;
  body?: B;
  query?: Q;
  params?: P;
  response?: R;
  /** Success status; default 201 for POST, 200 otherwise, 204 without a response schema. */
  status?: number;
  /** Creating POSTs honour Idempotency-Key (default: every POST). */
  idempotent?: boolean;
  /**
   * 'request' (default): the handler runs in one transaction scoped to the caller's tenant, with
   * the idempotency record written in it. 'none': the handler manages its own transactions.
   */
  transaction?: 'request' | 'none';
  /**
   * The answer is built by the server from its own rows and can be large (the till's catalog
   * feed): it is sent with JSON.stringify instead of being re-validated against `response`, which
   * still documents it.
   */
  trustedResponse?: boolean;
  handler(ctx: Ctx, input: RouteInput<B, Q, P>): Promise<Out<R>>;
}

// biome-ignore lint: the registry holds routes of every shape
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteDef = RouteDef<any, any, any, any>;

export function defineRoute<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, P extends Schema | undefined = undefined, R extends Schema | undefined = undefined>(
  def: RouteDef<B, Q, P, R>,
): RouteDef<B, Q, P, R> {
  return def;
}

function makeCtx(kernel: Kernel, req: FastifyRequest, tenantId: string, actor: Actor, trx: Trx): Ctx {
  return {
    tenantId,
    actor,
    trx,
    requestId: String(req.id),
    clock: kernel.clock,
    log: req.log as unknown as Logger,
    ip: req.ip ?? null,
    emit: (type, payload) => emit(trx, { tenantId, type, payload }),
  };
}

export function registerRoutes(app: FastifyInstance, kernel: Kernel, defs: AnyRouteDef[]): void {
  for (const def of defs) registerRoute(app, kernel, def);
}

function registerRoute(app: FastifyInstance, kernel: Kernel, def: AnyRouteDef): void {
  const authRequired = def.auth !== 'none';
  const successStatus = def.status ?? (def.response ? (def.method === 'POST' ? 201 : 200) : 204);
  const idempotent = def.idempotent ?? def.method === 'POST';
  const response: Record<string, unknown> = { '4XX': ProblemSchema, '5XX': ProblemSchema };
  if (def.response) response[String(successStatus)] = def.response;
  else response[String(successStatus)] = z.null().describe('No content');

  app.route({
    method: def.method,
    url: def.url,
    schema: {
      summary: def.summary,
      tags: def.tags,
      ...(def.body ? { body: def.body } : {}),
      ...(def.query ? { querystring: def.query } : {}),
      ...(def.params ? { params: def.params } : {}),
      ...(idempotent
        ? { headers: z.object({ 'idempotency-key': z.string().min(1).max(255).optional().describe('Makes retries safe: same key and body replay the first response for 24 h') }).passthrough() }
        : {}),
      ...(authRequired ? { security: [{ bearerAuth: [] }, { apiKey: [] }] } : {}),
      response,
    },
    handler: async (req, reply) => {
      const principal = await kernel.authenticate(req);
      if (authRequired && !principal) throw unauthorized();
      const scope = principal?.tenantId ?? NIL_TENANT;
      const key = idempotent ? validateKey(req.headers['idempotency-key']) : undefined;
      const path = req.url.split('?')[0]!;
      // the query is part of the request: the same key with ?dry_run=true and without it must differ
      // a streamed body (CSV upload) is hashed by its handler as it reads it
      const streamed = req.body instanceof Readable;
      const hash = key && !streamed ? requestHash(def.method, req.url, req.body) : '';
      const idempotency: StagedKey | null = key && !streamed ? { scope, key, method: def.method, path, hash } : null;
      const input = { body: req.body, query: req.query, params: req.params, req, reply, idempotency } as RouteInput<unknown, unknown, unknown>;

      if (def.transaction === 'none') {
        let actor = principal?.actor ?? anonymous;
        if (principal) {
          actor = await tenantTx(kernel.database.db, scope, (trx) => kernel.refreshActor(trx, principal));
          if (authRequired && def.permission && !can(actor, def.permission)) throw forbidden(def.permission);
        }
        const out = await def.handler(makeCtx(kernel, req, scope, actor, undefined as unknown as Trx), input as never);
        if (reply.sent) return reply;
        return send(reply, reply.statusCode !== 200 ? reply.statusCode : successStatus, out, false);
      }

      const result = await kernel.database.db.transaction().execute(async (trx) => {
        await scopeToTenant(trx, scope);
        let actor = principal?.actor ?? anonymous;
        if (principal) {
          actor = await kernel.refreshActor(trx, principal);
          if (authRequired && def.permission && !can(actor, def.permission)) throw forbidden(def.permission);
        }
        if (key) {
          const stored = await claimKey(trx, scope, key, def.method, path, hash);
          if (stored) return { ...stored, replayed: true };
        }
        const out = await def.handler(makeCtx(kernel, req, scope, actor, trx), input as never);
        // Handlers return plain JSON-ready data, so what is stored is what is sent.
        const body = out === undefined ? null : JSON.parse(JSON.stringify(out));
        const status = reply.statusCode !== 200 ? reply.statusCode : successStatus;
        if (key) await storeResponse(trx, scope, key, def.method, path, hash, { status, body });
        return { status, body, replayed: false };
      });
      return send(reply, result.status, result.body, result.replayed, def.trustedResponse === true);
    },
  });
}

function send(reply: FastifyReply, status: number, body: unknown, replayed: boolean, trusted = false): FastifyReply {
  if (replayed) reply.header('idempotent-replayed', 'true');
  if (trusted) reply.type('application/json; charset=utf-8').serializer((p: unknown) => JSON.stringify(p));
  reply.code(status);
  if (status === 204 || body === null || body === undefined) return reply.send();
  return reply.send(body);
}
