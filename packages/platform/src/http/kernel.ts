import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { pendingMigrations, type MigrationSource } from '../db/migrator.ts';
import { AppError } from '../errors.ts';
import { isUuid, newId } from '../ids.ts';
import type { Metrics } from './metrics.ts';
import { sendProblem, toProblem } from './problem.ts';

export interface HttpOptions {
  logger: Logger;
  database: Database;
  metrics: Metrics;
  migrations: MigrationSource[];
  bodyLimit?: number;
  trustProxy?: boolean;
  /** Called for GET requests no route matched (SPA fallback); return true when it answered. */
  fallback?: (req: FastifyRequest, reply: FastifyReply) => Promise<boolean> | boolean;
}

/** Route patterns by method, to tell 405 (path exists, method does not) from 404. */
class RouteIndex {
  private readonly routes: { re: RegExp; methods: Set<string> }[] = [];
  add(url: string, methods: string[]): void {
    // catch-all routes (static files) say nothing about which methods a path allows
    if (url === '/*' || url === '*') return;
    const pattern = url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+').replace(/\*/g, '.*');
    const source = `^${pattern}/?$`;
    const found = this.routes.find((r) => r.re.source === source);
    if (found) methods.forEach((m) => found.methods.add(m));
    else this.routes.push({ re: new RegExp(source), methods: new Set(methods) });
  }
  allowed(path: string): string[] {
    const out = new Set<string>();
    for (const r of this.routes) if (r.re.test(path)) r.methods.forEach((m) => out.add(m));
    return [...out];
  }
}

export async function createHttpServer(opts: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    trustProxy: opts.trustProxy ?? false,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[A-Za-z0-9._:-]{8,128}$/.test(incoming) ? incoming : newId();
    },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  // JSON only: anything else is 415, not a string the schema then rejects
  app.removeContentTypeParser(['text/plain']);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const index = new RouteIndex();
  app.addHook('onRoute', (r) => index.add(r.url ?? r.path, Array.isArray(r.method) ? r.method : [r.method]));

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    opts.metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((err, req, reply) => {
    const { problem, headers } = toProblem(err, req);
    if (problem.status >= 500 && !(err instanceof AppError)) req.log.error({ err }, 'request failed');
    return sendProblem(reply, problem, headers);
  });

  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if ((req.method === 'GET' || req.method === 'HEAD') && opts.fallback && !path.startsWith('/api/')) {
      if (await opts.fallback(req, reply)) return reply;
    }
    const allowed = index.allowed(path).filter((m) => m !== 'HEAD');
    if (allowed.length > 0 && !allowed.includes(req.method)) {
      return sendProblem(
        reply,
        new AppError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`).toProblem(),
        { allow: allowed.join(', ') },
      );
    }
    return sendProblem(reply, new AppError(404, 'not_found', `No route for ${req.method} ${path}`).toProblem());
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'NovaPOS API', version: '1.0.0', description: 'Multi-tenant retail point of sale. Errors are RFC 9457 problem+json; creating POSTs accept Idempotency-Key.' },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const checks: Record<string, string> = {};
    let ok = true;
    try {
      await sql`select 1`.execute(opts.database.db);
      checks.database = 'ok';
      const pending = await pendingMigrations(opts.database.db, opts.migrations);
      checks.migrations = pending.length === 0 ? 'ok' : `pending: ${pending.join(', ')}`;
      ok = pending.length === 0;
    } catch (err) {
      ok = false;
      checks.database = `unreachable: ${(err as Error).message}`;
    }
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.type(opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });
  return app as unknown as FastifyInstance;
}

export { isUuid };
