// HTTP plumbing shared by the routes: the Fastify instance, API keys, fault hooks, CORS,
// idempotent execution, and the one place errors become processor-style JSON.
import Fastify, { type FastifyBaseLogger, type FastifyContextConfig, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ApiError, ErrorBody } from './contract.ts';
import { apiError, fail, newId, ok, statusOf, type Result } from './errors.ts';
import type { Faults } from './faults.ts';
import { fingerprint, type IdempotencyStore, type SavedResponse } from './idempotency.ts';
import { SandboxClosedError, type Timers } from './timers.ts';

/** Who may call a route: the secret key (server), either key (browser tokenization), or anyone. */
export type Auth = 'secret' | 'publishable' | 'none';

export interface RoutePolicy {
  auth: Auth;
  /** Answer browsers from any origin (tokenization, the hosted page's Pay button). */
  cors?: boolean;
}

export interface HttpDeps {
  logger: FastifyBaseLogger | boolean;
  secretKey: string;
  publishableKey: string;
  faults: Faults;
  timers: Timers;
  idempotency: IdempotencyStore;
  /** How long a timed-out request is held before its connection is dropped. */
  timeoutMs: number;
}

export interface RequestCounts {
  total: number;
  faulted: number;
  timed_out: number;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, Idempotency-Key',
  'access-control-expose-headers': 'Idempotent-Replayed, Request-Id',
  'access-control-max-age': '600',
};

const policyOf = (req: FastifyRequest): RoutePolicy | undefined => {
  const config = req.routeOptions.config as Partial<RoutePolicy> | undefined;
  return config?.auth ? (config as RoutePolicy) : undefined;
};

function invalidJson(): Error {
  return Object.assign(new Error('invalid json'), { sandboxCode: 'invalid_json' as const });
}

export function createHttp(deps: HttpDeps) {
  const app: FastifyInstance = Fastify({
    ...(typeof deps.logger === 'boolean' ? { logger: deps.logger } : { loggerInstance: deps.logger }),
    bodyLimit: 64 * 1024,
    // close() must not wait for a request the timeout card is holding
    forceCloseConnections: true,
    genReqId: () => newId('req'),
    requestIdHeader: false,
  });
  const counts: RequestCounts = { total: 0, faulted: 0, timed_out: 0 };

  // Empty bodies are allowed (capture, void); parse errors never echo the body, which may hold a card number.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(
        null,
        JSON.parse(text, (key, value: unknown) => {
          if (key === '__proto__' || key === 'constructor') throw invalidJson();
          return value;
        }),
      );
    } catch {
      done(invalidJson(), undefined);
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    const policy = policyOf(req);
    if (!policy || req.method === 'OPTIONS') return;
    const route = req.routeOptions.url ?? req.url;
    if (!route.startsWith('/v1/')) return;
    counts.total++;
    const delay = deps.faults.latencyFor(req.method, route);
    if (delay > 0) await deps.timers.sleep(delay);
    const status = deps.faults.takeFailure(req.method, route);
    if (status !== null) {
      counts.faulted++;
      return reply.code(status).send({ error: { type: 'api_error', code: 'sandbox_fault', message: 'The sandbox was told to fail this request.' } });
    }
    if (policy.auth === 'none') return;
    const header = req.headers.authorization;
    const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
    const allowed = key === deps.secretKey || (policy.auth === 'publishable' && key === deps.publishableKey);
    if (!allowed) {
      const message = key === deps.publishableKey ? 'This call needs the secret key.' : 'Invalid API key provided.';
      return reply.code(401).header('www-authenticate', 'Bearer').send(errorBody(apiError('invalid_api_key', message)));
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    if (policyOf(req)?.cors) reply.headers(CORS_HEADERS);
    reply.header('request-id', req.id);
    return payload;
  });

  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(errorBody(apiError('resource_missing', `Unrecognized request URL (${req.method} ${req.url.split('?')[0]}).`)));
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; sandboxCode?: string }, req, reply) => {
    if (err.sandboxCode === 'invalid_json') {
      return reply.code(400).send(errorBody(apiError('invalid_json', 'The request body is not valid JSON.')));
    }
    if (err instanceof SandboxClosedError) {
      return reply.code(503).send({ error: { type: 'api_error', code: 'sandbox_closed', message: 'The sandbox is shutting down.' } });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own client errors (body too large, unsupported media type): the message, never the body
      return reply.code(err.statusCode).send({ error: { type: 'invalid_request_error', code: 'parameter_invalid', message: err.code ?? 'Bad request' } });
    }
    req.log.error({ err }, 'sandbox bug');
    return reply.code(500).send({ error: { type: 'api_error', code: 'internal_error', message: 'Internal sandbox error.' } });
  });

  return {
    app,
    counts,

    route(method: 'GET' | 'POST' | 'DELETE', url: string, policy: RoutePolicy, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) {
      const config = { ...policy } as FastifyContextConfig;
      app.route({ method, url, config, handler });
      if (policy.cors) {
        app.route({ method: 'OPTIONS', url, config, handler: async (_req, reply) => reply.code(204).headers(CORS_HEADERS).send() });
      }
    },

    /** Holds a request that "timed out": no response ever; the connection drops after the delay. */
    async hang(req: FastifyRequest, reply: FastifyReply): Promise<void> {
      reply.hijack();
      counts.timed_out++;
      const socket = req.raw.socket;
      await new Promise<void>((resolve) => {
        const done = () => {
          cancel();
          socket.off('close', done);
          resolve();
        };
        const cancel = deps.timers.after(deps.timeoutMs, done);
        socket.once('close', done);
        if (socket.destroyed) done();
      });
      socket.destroy();
    },

    /**
     * Runs `execute` once per idempotency key: a replay gets the saved response with
     * `Idempotent-Replayed: true`, another request under the same key 422.
     */
    async idempotent(
      req: FastifyRequest,
      opts: { required: boolean; body: unknown },
      execute: (key: string | null) => Promise<SavedResponse>,
    ): Promise<Result<{ response: SavedResponse; replayed: boolean; key: string | null }>> {
      const header = req.headers['idempotency-key'];
      const key = typeof header === 'string' && header.length > 0 ? header : null;
      if (key === null) {
        if (opts.required) return fail('idempotency_key_missing', 'This request needs an Idempotency-Key header.');
        return ok({ response: await execute(null), replayed: false, key });
      }
      if (key.length > 255) return fail('parameter_invalid', 'Idempotency-Key must be at most 255 characters.', { param: 'Idempotency-Key' });
      const path = req.url.split('?')[0]!;
      const outcome = await deps.idempotency.run(key, fingerprint(req.method, path, opts.body), () => execute(key));
      if (outcome.kind === 'mismatch') {
        return fail('idempotency_key_reused', 'This Idempotency-Key was already used with a different request; use a new key for a new request.');
      }
      return ok({ response: outcome.response, replayed: outcome.kind === 'replayed', key });
    },
  };
}

export type Http = ReturnType<typeof createHttp>;

export function errorBody(error: ApiError): ErrorBody {
  return { error };
}

/** A service result as the response a processor would give. */
export function toResponse<T>(result: Result<T>, status = 200): SavedResponse {
  return result.ok ? { status, body: result.value } : { status: statusOf(result.error.code), body: errorBody(result.error) };
}

export function sendResult<T>(reply: FastifyReply, result: Result<T>, status = 200): FastifyReply {
  const { status: code, body } = toResponse(result, status);
  return reply.code(code).send(body);
}

export function sendSaved(reply: FastifyReply, saved: { response: SavedResponse; replayed: boolean; key: string | null }): FastifyReply {
  if (saved.key !== null) reply.header('idempotency-key', saved.key);
  if (saved.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(saved.response.status).send(saved.response.body);
}

/** Validates input without ever repeating it back: the message names the field, not its value. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): Result<z.output<S>> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return ok(result.data);
  const issue = result.error.issues[0]!;
  const param = issue.path.map(String).join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `Received unknown parameter: ${issue.keys.join(', ')}`;
  return fail('parameter_invalid', param ? `Invalid ${param}: ${message}` : message, param ? { param } : {});
}
